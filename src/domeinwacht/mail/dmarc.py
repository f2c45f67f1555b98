"""DMARC policy records under RFC 7489 (section 6.3) or its successor DMARCbis.

    record = parse_dmarc("v=DMARC1; p=reject; rua=mailto:dmarc@example.nl")             # RFC 7489
    record = parse_dmarc("v=DMARC1; rua=mailto:d@example.nl", spec=DMARCBIS)             # p missing: none
    record.policy, record.errors, record.warnings, record.spec

Parsing never raises for a record that starts with ``v=DMARC1``: problems are listed in ``errors`` (which
make the record unusable or weaken it) and ``warnings``; the check decides what they mean. ``parse_dmarc``
raises ``DmarcSyntaxError`` only for text that is no DMARC record at all, with the reason (e.g. leading
whitespace: RFC 7489 6.4 starts the record with ``v``, and 6.6.3 discards records that do not).

Which specification applies is a policy-profile choice (``dmarc:`` in policy/profiles/*.yaml). The two differ
(DMARCbis = draft-ietf-dmarc-dmarcbis-41, the text checkdmarc follows as RFC 9989; section numbers below are
the draft's):

- ``p``: required by RFC 7489 6.3; DMARCbis 4.7 treats a record without it as ``p=none``.
- ``pct``, ``ri``, ``rf``: RFC 7489 6.3 tags; DMARCbis removes them (appendix C.5.2): they are ignored with a
  warning, so ``pct`` no longer weakens the policy.
- ``np``, ``psd``, ``t``: DMARCbis 4.7 tags (``np`` also RFC 9091); parsed under both, since a record carries
  them for the receivers that follow DMARCbis. Unknown tags are ignored under both (RFC 7489 6.3, DMARCbis 4.7).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from domeinwacht.mail.tags import TagSyntaxError, parse_tags

POLICIES = ("none", "quarantine", "reject")
RFC7489 = "rfc7489"
DMARCBIS = "dmarcbis"
SPECS = (RFC7489, DMARCBIS)
SPEC_NAMES = {RFC7489: "RFC 7489", DMARCBIS: "DMARCbis (draft-ietf-dmarc-dmarcbis-41)"}
REMOVED_IN_DMARCBIS = ("pct", "ri", "rf")


class DmarcSyntaxError(ValueError):
    """Not a DMARC record (no leading ``v=DMARC1`` tag, leading whitespace, or no tag-list at all)."""


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
        spec: the specification it was read under (``rfc7489`` or ``dmarcbis``).
        policy: ``p`` (``None`` when missing or invalid under RFC 7489: 6.6.3 then applies "none" if rua is
            valid; under DMARCbis a missing ``p`` is ``none`` (4.7)).
        subdomain_policy: ``sp`` (``None`` = same as p).
        nonexistent_policy: DMARCbis ``np`` for non-existent subdomains (``None`` = as sp).
        pct: percentage the policy applies to (default 100; DMARCbis removes the tag: always 100 there).
        testing: DMARCbis ``t=y`` (policy in test mode).
        psd: DMARCbis ``psd`` (``y`` public suffix domain, ``n`` organisational domain, ``u`` default).
        adkim / aspf: alignment modes ``r`` / ``s``.
        rua / ruf: report destinations.
        tags: every tag as published (lower-case names).
        errors / warnings: problems found.
    """

    text: str
    policy: str | None = None
    spec: str = RFC7489
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

    @property
    def effective_nonexistent_policy(self) -> str | None:
        """The policy for non-existent subdomains: ``np``, else ``sp``, else ``p`` (DMARCbis 4.7, RFC 9091)."""
        return self.nonexistent_policy or self.subdomain_policy or self.policy


_VERSION = re.compile(r"^v[ \t]*=[ \t]*DMARC1[ \t]*(;|$)", re.IGNORECASE)


def is_dmarc_record(text: str) -> bool:
    """RFC 7489 6.4/6.6.3 (DMARCbis 4.7): a DMARC record starts with ``v=DMARC1``; others are discarded."""
    return _VERSION.match(text) is not None


def discarded_reason(text: str) -> str | None:
    """Why a TXT record that looks like DMARC is discarded by receivers, or ``None`` when it is not one of those.

    A record with leading whitespace before ``v=DMARC1`` is such a near miss: the grammar (RFC 7489 6.4
    ``dmarc-record = dmarc-version …``, DMARCbis 4.8) starts with ``v``, and 6.6.3 discards the rest.
    """
    if not is_dmarc_record(text) and _VERSION.match(text.lstrip()):
        return "it starts with whitespace; a DMARC record must start with v=DMARC1 (RFC 7489 6.4, 6.6.3)"
    return None


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


def parse_dmarc(text: str, spec: str = RFC7489) -> DmarcRecord:
    """Parse ``text`` under ``spec`` (``rfc7489`` or ``dmarcbis``); see the module docstring."""
    if spec not in SPECS:
        raise ValueError(f"unknown DMARC specification {spec!r} (known: {', '.join(SPECS)})")
    if (reason := discarded_reason(text)) is not None:
        raise DmarcSyntaxError(f"not a DMARC record: {reason}")
    if not is_dmarc_record(text):
        raise DmarcSyntaxError("record does not start with v=DMARC1")
    try:
        tags = parse_tags(text)
    except TagSyntaxError as exc:
        return DmarcRecord(text, spec=spec, errors=(f"syntax error: {exc}",))
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
    bis = spec == DMARCBIS
    if "p" not in values:
        if bis:  # DMARCbis 4.7: a record without p is treated as p=none
            policy = "none"
            warnings.append("no p= tag: DMARCbis 4.7 treats the record as p=none (RFC 7489 6.3 requires p=)")
        else:
            errors.append("the required p= tag is missing (RFC 7489 6.3)")
    elif tags[1:2] and tags[1][0] != "p" and not bis:
        warnings.append("p= should directly follow v=DMARC1 (RFC 7489 6.3)")
    if bis:
        for name in REMOVED_IN_DMARCBIS:
            if name in values:
                warnings.append(f"{name}= was removed in DMARCbis (appendix C.5.2) and is ignored")
    subdomain = policy_tag("sp")
    nonexistent = policy_tag("np")
    pct = 100
    if "pct" in values and not bis:
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
        if bis and any(u.size_limit for u in found):  # DMARCbis 4.8: obs-dmarc-report-size
            warnings.append(f"{name}: the !size suffix is obsolete in DMARCbis (4.8) and ignored by reporters")
    if "ri" in values and not bis and not values["ri"].isdigit():
        errors.append(f"ri={values['ri']} is not an integer")
    if "fo" in values and not re.fullmatch(r"[01ds](:[01ds])*", values["fo"].replace(" ", "")):
        errors.append(f"fo={values['fo']} is not a colon-separated list of 0, 1, d, s")
    return DmarcRecord(
        text=text,
        spec=spec,
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
