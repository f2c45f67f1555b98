"""dns.caa: CAA records per RFC 8659 for the web hosts (CHECKS.md "DNS").

The observer finds the relevant RRset by tree climbing; this module parses its records (presentation format,
as dnspython prints them: ``0 issue "ca.example; account=42"``) and judges them:

- at least one well-formed ``issue`` property, no syntax errors: pass;
- no CAA at all up the tree: info (any CA may issue);
- a record that does not parse, or an ``issue``/``issuewild``/``iodef`` value that breaks RFC 8659 §4: warning;
- an unknown property with the critical flag: warning (CAs must then refuse to issue, RFC 8659 §4.1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from domeinwacht.checks.catalogue import DNS_CAA
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.observations.dns import CaaLookup, DnsObservation

CRITICAL = 0x80  # RFC 8659 §4.1: the Issuer Critical Flag
KNOWN_TAGS = {
    "issue",  # RFC 8659 §4.2
    "issuewild",  # RFC 8659 §4.3
    "iodef",  # RFC 8659 §4.4
    "issuemail",  # RFC 9495
    "issuevmc",  # BIMI / VMC CAA
    "contactemail",  # CA/B Forum BR 3.2.2.4.13
    "contactphone",  # CA/B Forum BR 3.2.2.4.14
}
_TAG = re.compile(r"[A-Za-z0-9]{1,15}")  # RFC 8659 §4.1.1
_LABEL = r"[A-Za-z0-9](?:-*[A-Za-z0-9])*"  # RFC 8659 §4.2 label
_ISSUER = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
_PARAM = re.compile(r"([A-Za-z0-9]+)[ \t]*=[ \t]*([\x21-\x3a\x3c-\x7e]*)")
_DDD = re.compile(r"[0-9]{3}")
_DIGITS = re.compile(r"[0-9]{1,3}")
_IODEF = re.compile(r"(mailto:[^\s@]+@[^\s@]+|https?://\S+)", re.IGNORECASE)


class CaaSyntaxError(ValueError):
    """A CAA record that is not ``flags tag "value"``."""


@dataclass(frozen=True, slots=True)
class CaaRecord:
    flags: int
    tag: str
    value: bytes

    @property
    def critical(self) -> bool:
        return bool(self.flags & CRITICAL)


def parse_caa(text: str) -> CaaRecord:
    """Parse one CAA rdata in presentation format (RFC 8659 §4.1.1; escapes of RFC 1035 §5.1)."""
    parts = text.strip().split(None, 2)
    if len(parts) != 3:
        raise CaaSyntaxError(f"expected 'flags tag value', got {text!r}")
    flags_text, tag, rest = parts
    if not _DIGITS.fullmatch(flags_text) or int(flags_text) > 255:
        raise CaaSyntaxError(f"flags must be 0-255, got {flags_text!r}")
    if not _TAG.fullmatch(tag):
        raise CaaSyntaxError(f"tag must be 1-15 letters or digits, got {tag!r}")
    return CaaRecord(int(flags_text), tag.lower(), _character_string(rest))


def _character_string(text: str) -> bytes:
    """A quoted or bare <character-string> with \\X and \\DDD escapes (RFC 1035 §5.1)."""
    quoted = text.startswith('"')
    if quoted:
        if len(text) < 2 or not text.endswith('"') or _escaped_end(text):
            raise CaaSyntaxError(f"unterminated quoted value {text!r}")
        text = text[1:-1]
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            digits = text[i + 1 : i + 4]
            if _DDD.fullmatch(digits):
                value = int(digits)
                if value > 255:
                    raise CaaSyntaxError(f"escape \\{digits} out of range")
                out.append(value)
                i += 4
                continue
            if i + 1 >= len(text):
                raise CaaSyntaxError("value ends in a lone backslash")
            out.extend(text[i + 1].encode("utf-8"))
            i += 2
            continue
        if c == '"' or (not quoted and c in " \t"):
            raise CaaSyntaxError(f"unexpected {c!r} in value")
        out.extend(c.encode("utf-8"))
        i += 1
    return bytes(out)


def _escaped_end(text: str) -> bool:
    """Whether the closing quote is itself escaped (an odd run of backslashes before it)."""
    run = len(text[1:-1]) - len(text[1:-1].rstrip("\\"))
    return run % 2 == 1


def value_problems(record: CaaRecord) -> list[str]:
    """RFC 8659 §4.2-4.4 syntax problems of a record's value (empty: well-formed)."""
    try:
        value = record.value.decode("ascii")
    except UnicodeDecodeError:
        return [f"{record.tag} value is not ASCII"]
    if record.tag in ("issue", "issuewild"):
        issuer, _, params = value.partition(";")
        issuer = issuer.strip(" \t")
        problems = []
        if issuer and not _ISSUER.fullmatch(issuer):
            problems.append(f"{record.tag} issuer {issuer!r} is not a domain name (RFC 8659 §4.2)")
        for param in (p.strip(" \t") for p in params.split(";")) if params.strip(" \t") else ():
            if not _PARAM.fullmatch(param):
                problems.append(f"{record.tag} parameter {param!r} is not tag=value (RFC 8659 §4.2)")
        return problems
    if record.tag == "iodef" and not _IODEF.fullmatch(value):
        return [f"iodef value {value!r} is not a mailto:, http: or https: URL (RFC 8659 §4.4)"]
    if record.critical and record.tag not in KNOWN_TAGS:
        return [f"unknown property {record.tag!r} is flagged critical: CAs must refuse to issue (RFC 8659 §4.1)"]
    return []


def _judge(lookup: CaaLookup) -> tuple[Status, dict[str, Any], list[str]]:
    """Status, evidence and problems of one host."""
    evidence: dict[str, Any] = {"host": lookup.host, "owner": lookup.owner, "records": list(lookup.records)}
    if lookup.skipped:
        evidence["unresolvable_aliases_skipped"] = list(lookup.skipped)
    if lookup.error:
        return Status.ERROR, {**evidence, "error": lookup.error}, [lookup.error]
    if not lookup.records:
        return Status.INFO, {**evidence, "climbed": list(lookup.climbed)}, []
    problems: list[str] = []
    issuers: list[str] = []
    for text in lookup.records:
        try:
            record = parse_caa(text)
        except CaaSyntaxError as exc:
            problems.append(f"{text!r}: {exc}")
            continue
        problems.extend(value_problems(record))
        if record.tag == "issue" and not value_problems(record):
            issuers.append(record.value.decode("ascii").partition(";")[0].strip() or ";")
    evidence["issue"] = issuers
    if problems:
        return Status.WARNING, {**evidence, "problems": problems}, problems
    if not issuers:
        return Status.INFO, evidence, []
    return Status.PASS, evidence, []


@check(DNS_CAA, area="dns")
def caa(obs: DnsObservation, ctx: CheckContext) -> CheckResult:
    cid = DNS_CAA
    if not obs.caa:
        return CheckResult.error(cid, "CAA was not looked up")
    judged = [(lookup, *_judge(lookup)) for lookup in obs.caa]
    status = Status.worst(s for _, s, _, _ in judged)
    evidence = {"hosts": [e for _, _, e, _ in judged]}
    if status is Status.ERROR:
        reasons = "; ".join(p for _, s, _, ps in judged if s is Status.ERROR for p in ps)
        return CheckResult(
            cid, Status.ERROR, f"CAA could not be determined: {reasons}", {"reason": reasons, **evidence}
        )
    if status is Status.WARNING:
        problems = "; ".join(f"{lk.host}: {p}" for lk, s, _, ps in judged for p in ps)
        return CheckResult(
            cid,
            Status.WARNING,
            f"CAA records have syntax errors: {problems}.",
            evidence,
            'Correct the CAA records to the syntax of RFC 8659 §4 (e.g. 0 issue "letsencrypt.org"; '
            '0 iodef "mailto:security@example.nl").',
        )
    if status is Status.INFO:
        missing = [lk.host for lk, s, _, _ in judged if s is Status.INFO]
        return CheckResult(
            cid,
            Status.INFO,
            f"No CAA 'issue' property applies to {', '.join(missing)}: any certificate authority may issue.",
            evidence,
            'Publish CAA records naming the certificate authorities you use, e.g. 0 issue "letsencrypt.org" '
            "(RFC 8659; Internet.nl and NCSC advise CAA).",
        )
    return CheckResult(
        cid,
        Status.PASS,
        "Every web host has valid CAA records with an 'issue' property: "
        + "; ".join(f"{lk.host}: {', '.join(e['issue'])}" for lk, _, e, _ in judged)
        + ".",
        evidence,
    )
