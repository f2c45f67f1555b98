"""DMARC policy records (RFC 7489 section 6.3, plus the DMARCbis tags ``np``, ``psd`` and ``t``).

    record = parse_dmarc("v=DMARC1; p=reject; rua=mailto:dmarc@example.nl")
    record.policy, record.errors

Parsing never raises for a record that starts with ``v=DMARC1``: problems are listed in ``errors`` (which
make the record unusable or weaken it) and ``warnings``; the check decides what they mean. ``parse_dmarc``
raises ``DmarcSyntaxError`` only for text that is no DMARC record at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from domeinwacht.mail.tags import TagSyntaxError, parse_tags

POLICIES = ("none", "quarantine", "reject")


class DmarcSyntaxError(ValueError):
    """Not a DMARC record (no leading ``v=DMARC1`` tag, or no tag-list at all)."""


@dataclass(frozen=True, slots=True)
class ReportUri:
    """One ``rua``/``ruf`` destination: ``mailto:`` address (``domain`` is its domain) and an optional size."""

    uri: str
    scheme: str
    address: str = ""
    domain: str = ""
    size_limit: str = ""


@dataclass(frozen=True, slots=True)
class DmarcRecord:
    """A parsed DMARC record.

    Attributes:
        policy: ``p`` (``None`` when missing or invalid: RFC 7489 6.6.3 then applies "none" if rua is valid).
        subdomain_policy: ``sp`` (``None`` = same as p).
        nonexistent_policy: DMARCbis ``np`` for non-existent subdomains (``None`` = as sp).
        pct: percentage the policy applies to (default 100; DMARCbis drops it for ``t``).
        testing: DMARCbis ``t=y`` (policy in test mode).
        psd: DMARCbis ``psd`` (``y`` public suffix domain, ``n`` organisational domain, ``u`` default).
        adkim / aspf: alignment modes ``r`` / ``s``.
        rua / ruf: report destinations.
        tags: every tag as published (lower-case names).
        errors / warnings: problems found.
    """

    text: str
    policy: str | None = None
    subdomain_policy: str | None = None
    nonexistent_policy: str | None = None
    pct: int = 100
    testing: bool = False
    psd: str = "u"
    adkim: str = "r"
    aspf: str = "r"
    rua: tuple[ReportUri, ...] = ()
    ruf: tuple[ReportUri, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    errors: tuple[str, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())


def is_dmarc_record(text: str) -> bool:
    """RFC 7489 6.6.3: records not starting with ``v=DMARC1`` are discarded (case-insensitive tag value)."""
    return re.match(r"^\s*v\s*=\s*DMARC1\s*(;|$)", text, re.IGNORECASE) is not None


_MAILTO = re.compile(r"^mailto:([^@\s]+)@([^!\s]+?)(?:!(\d+[kmgt]?))?$", re.IGNORECASE)


def parse_report_uri(uri: str) -> ReportUri:
    """RFC 7489 6.2: a DMARC URI with an optional ``!size``; raises ``ValueError`` when unusable."""
    uri = uri.strip()
    match = _MAILTO.match(uri)
    if match:
        return ReportUri(
            uri,
            "mailto",
            f"{match.group(1)}@{match.group(2)}",
            match.group(2).lower().rstrip("."),
            match.group(3) or "",
        )
    scheme = uri.partition(":")[0].lower()
    if scheme in ("http", "https") and "://" in uri:
        return ReportUri(uri, scheme)
    raise ValueError(f"{uri!r} is not a mailto: or http(s): URI")


def parse_dmarc(text: str) -> DmarcRecord:
    if not is_dmarc_record(text):
        raise DmarcSyntaxError("record does not start with v=DMARC1")
    try:
        tags = parse_tags(text)
    except TagSyntaxError as exc:
        return DmarcRecord(text, errors=(f"syntax error: {exc}",))
    values = dict(tags)
    errors: list[str] = []
    warnings: list[str] = []
    if tags[0][0] != "v":  # RFC 7489 6.3: v MUST be the first tag
        errors.append("v=DMARC1 must be the first tag")

    def policy_tag(name: str) -> str | None:
        value = values.get(name)
        if value is None:
            return None
        if value.lower() not in POLICIES:
            errors.append(f"{name}={value} is not none, quarantine or reject")
            return None
        return value.lower()

    policy = policy_tag("p")
    if "p" not in values:
        errors.append("the required p= tag is missing")
    elif tags[1:2] and tags[1][0] != "p":
        warnings.append("p= should directly follow v=DMARC1 (RFC 7489 6.3)")
    subdomain = policy_tag("sp")
    nonexistent = policy_tag("np")
    pct = 100
    if "pct" in values:
        if re.fullmatch(r"\d{1,3}", values["pct"]) and int(values["pct"]) <= 100:
            pct = int(values["pct"])
        else:
            errors.append(f"pct={values['pct']} is not an integer 0-100")
    testing = False
    if "t" in values:
        if values["t"].lower() in ("y", "n"):
            testing = values["t"].lower() == "y"
        else:
            errors.append(f"t={values['t']} is not y or n")
    psd = values.get("psd", "u").lower()
    if psd not in ("y", "n", "u"):
        errors.append(f"psd={values['psd']} is not y, n or u")
        psd = "u"
    alignment = {}
    for name in ("adkim", "aspf"):
        value = values.get(name, "r").lower()
        if value not in ("r", "s"):
            errors.append(f"{name}={values[name]} is not r or s")
            value = "r"
        alignment[name] = value
    uris: dict[str, tuple[ReportUri, ...]] = {}
    for name in ("rua", "ruf"):
        found: list[ReportUri] = []
        if name in values:
            for item in values[name].split(","):
                try:
                    found.append(parse_report_uri(item))
                except ValueError as exc:
                    errors.append(f"{name}: {exc}")
        uris[name] = tuple(found)
    if "ri" in values and not values["ri"].isdigit():
        errors.append(f"ri={values['ri']} is not an integer")
    if "fo" in values and not re.fullmatch(r"[01ds](:[01ds])*", values["fo"].replace(" ", "")):
        errors.append(f"fo={values['fo']} is not a colon-separated list of 0, 1, d, s")
    return DmarcRecord(
        text=text,
        policy=policy,
        subdomain_policy=subdomain,
        nonexistent_policy=nonexistent,
        pct=pct,
        testing=testing,
        psd=psd,
        adkim=alignment["adkim"],
        aspf=alignment["aspf"],
        rua=uris["rua"],
        ruf=uris["ruf"],
        tags=tuple(tags),
        errors=tuple(errors),
        warnings=tuple(warnings),
    )
