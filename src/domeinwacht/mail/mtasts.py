"""MTA-STS (RFC 8461): the ``_mta-sts`` TXT record, the policy file, and MX pattern matching."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domeinwacht.mail.tags import TagSyntaxError, parse_tags

POLICY_PATH = "/.well-known/mta-sts.txt"
MAX_POLICY_BYTES = 64 * 1024  # RFC 8461 3.3 does not cap it; 64 KiB is plenty for a few lines
MAX_AGE_LIMIT = 31_557_600  # RFC 8461 3.2: max_age up to one year


def policy_url(domain: str) -> str:
    return f"https://mta-sts.{domain.rstrip('.')}{POLICY_PATH}"


@dataclass(frozen=True, slots=True)
class StsRecord:
    """``v=STSv1; id=…`` (RFC 8461 3.1); ``errors`` empty when valid."""

    text: str
    id: str = ""
    errors: tuple[str, ...] = ()


def is_sts_record(text: str) -> bool:
    return re.match(r"^v=STSv1\s*(;|$)", text) is not None


def parse_sts_record(text: str) -> StsRecord:
    try:
        tags = parse_tags(text)
    except TagSyntaxError as exc:
        return StsRecord(text, errors=(f"syntax error: {exc}",))
    values = dict(tags)
    errors = []
    if not tags or tags[0] != ("v", "STSv1"):
        errors.append("v=STSv1 must be the first tag")
    sts_id = values.get("id", "")
    if not re.fullmatch(r"[A-Za-z0-9]{1,32}", sts_id):  # RFC 8461 3.1: sts-id = 1*32(ALPHA / DIGIT)
        errors.append(f"id={sts_id!r} is not 1-32 letters and digits")
    return StsRecord(text, sts_id, tuple(errors))


@dataclass(frozen=True, slots=True)
class StsPolicy:
    """The policy file (RFC 8461 3.2).

    Attributes:
        mode: ``enforce``, ``testing`` or ``none`` (empty when missing/invalid).
        mx: MX patterns (``mail.example.nl``, ``*.example.nl``).
        max_age: seconds, ``None`` when missing/invalid.
        errors: problems that make the policy invalid.
    """

    version: str = ""
    mode: str = ""
    mx: tuple[str, ...] = ()
    max_age: int | None = None
    errors: tuple[str, ...] = ()


def parse_sts_policy(text: str) -> StsPolicy:
    fields: dict[str, list[str]] = {}
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon:
            errors.append(f"line {number} is not 'key: value'")
            continue
        fields.setdefault(key.strip().lower(), []).append(value.strip())
    version = fields.get("version", [""])[0]
    if version != "STSv1":
        errors.append("version: STSv1 is missing")
    mode = fields.get("mode", [""])[0]
    if mode not in ("enforce", "testing", "none"):
        errors.append(f"mode {mode!r} is not enforce, testing or none")
        mode = ""
    max_age: int | None = None
    raw_age = fields.get("max_age", [""])[0]
    if re.fullmatch(r"\d{1,10}", raw_age) and int(raw_age) <= MAX_AGE_LIMIT:
        max_age = int(raw_age)
    else:
        errors.append(f"max_age {raw_age!r} is not an integer up to {MAX_AGE_LIMIT}")
    mx = tuple(p.lower().rstrip(".") for p in fields.get("mx", []))
    if mode in ("enforce", "testing") and not mx:
        errors.append("no mx: lines (RFC 8461 3.2: required unless mode is none)")
    return StsPolicy(version, mode, mx, max_age, tuple(errors))


def mx_matches(pattern: str, host: str) -> bool:
    """RFC 8461 4.1: exact match, or ``*.`` matching exactly one left-most label."""
    pattern = pattern.lower().rstrip(".")
    host = host.lower().rstrip(".")
    if pattern.startswith("*."):
        first, dot, rest = host.partition(".")
        return bool(first) and bool(dot) and rest == pattern[2:]
    return pattern == host
