"""Security headers on the first HTTPS response of every address (CHECKS.md "Web"):

- ``web.headers.x_frame_options``: DENY or SAMEORIGIN (or CSP frame-ancestors): pass; else info.
- ``web.headers.x_content_type_options``: ``nosniff``: pass; else warning.
- ``web.headers.referrer_policy``: no-referrer / same-origin: pass; strict-origin(-when-cross-origin) or absent:
  info; unsafe-url, origin, no-referrer-when-downgrade, origin-when-cross-origin: warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domeinwacht.checks.catalogue import (
    WEB_HEADERS_REFERRER_POLICY,
    WEB_HEADERS_X_CONTENT_TYPE_OPTIONS,
    WEB_HEADERS_X_FRAME_OPTIONS,
)
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.checks.web._common import Finding, conclude, https_findings, unusable
from domeinwacht.checks.web.csp import has_frame_ancestors
from domeinwacht.observations.web import HttpResponse, WebEndpoint, WebHost, WebObservation

XFO_ID = WEB_HEADERS_X_FRAME_OPTIONS
XCTO_ID = WEB_HEADERS_X_CONTENT_TYPE_OPTIONS
REFERRER_ID = WEB_HEADERS_REFERRER_POLICY

_SOURCE = "NCSC ICT-beveiligingsrichtlijnen voor webapplicaties; Internet.nl security options."

# --- X-Frame-Options --------------------------------------------------------------------------------------


def frame_options(values: Sequence[str]) -> str:
    """What a browser makes of X-Frame-Options (HTML Living Standard, "check a navigation response's
    adherence to X-Frame-Options"): ``deny``, ``sameorigin``, ``conflict`` (several different values, which
    browsers treat as deny) or ``none`` (absent or an unsupported value such as ALLOW-FROM)."""
    seen = {part.strip().lower() for value in values for part in value.split(",") if part.strip()}
    if not seen:
        return "none"
    if len(seen) > 1:
        return "conflict" if seen & {"deny", "sameorigin", "allowall"} else "none"
    (only,) = seen
    return only if only in ("deny", "sameorigin") else "none"


def _judge_xfo(host: WebHost, endpoint: WebEndpoint, response: HttpResponse) -> Finding:
    where = (host.name, endpoint.ip, response.port)
    values = response.header_values("x-frame-options")
    extra = {"headers": list(values)}
    if has_frame_ancestors(response):
        # HTML: a CSP with frame-ancestors makes browsers ignore X-Frame-Options.
        return Finding(*where, Status.PASS, "CSP frame-ancestors governs framing", extra)
    verdict = frame_options(values)
    if verdict in ("deny", "sameorigin"):
        return Finding(*where, Status.PASS, f"X-Frame-Options: {verdict.upper()}", extra)
    if verdict == "conflict":
        return Finding(*where, Status.PASS, "conflicting X-Frame-Options values; browsers then deny framing", extra)
    detail = "no X-Frame-Options" if not values else f"X-Frame-Options {values[0]!r} is not DENY or SAMEORIGIN"
    return Finding(*where, Status.INFO, detail, extra)


@check(XFO_ID, area="web")
def x_frame_options(obs: WebObservation, ctx: CheckContext) -> CheckResult:
    if (broken := unusable(XFO_ID, obs)) is not None:
        return broken
    return conclude(
        XFO_ID,
        https_findings(obs, _judge_xfo, without_https=Status.INFO),
        summaries={
            Status.PASS: "Every address forbids framing by other sites.",
            Status.INFO: "Framing by other sites is not forbidden everywhere.",
        },
        remedy=(
            "Send `X-Frame-Options: DENY` (or SAMEORIGIN), or better a Content-Security-Policy with "
            f"`frame-ancestors 'self'` (RFC 7034; W3C CSP3). {_SOURCE}"
        ),
    )


# --- X-Content-Type-Options -------------------------------------------------------------------------------


def _judge_xcto(host: WebHost, endpoint: WebEndpoint, response: HttpResponse) -> Finding:
    where = (host.name, endpoint.ip, response.port)
    values = response.header_values("x-content-type-options")
    extra = {"headers": list(values)}
    # Fetch Standard "determine nosniff": the first value of the combined list, compared case-insensitively.
    first = next((p.strip() for v in values for p in v.split(",")), None)
    if first is not None and first.lower() == "nosniff":
        return Finding(*where, Status.PASS, "X-Content-Type-Options: nosniff", extra)
    detail = "no X-Content-Type-Options" if first is None else f"X-Content-Type-Options {first!r} is not nosniff"
    return Finding(*where, Status.WARNING, detail, extra)


@check(XCTO_ID, area="web")
def x_content_type_options(obs: WebObservation, ctx: CheckContext) -> CheckResult:
    if (broken := unusable(XCTO_ID, obs)) is not None:
        return broken
    return conclude(
        XCTO_ID,
        https_findings(obs, _judge_xcto, without_https=Status.WARNING),
        summaries={
            Status.PASS: "Every address sends X-Content-Type-Options: nosniff.",
            Status.WARNING: "X-Content-Type-Options: nosniff is missing.",
        },
        remedy=f"Send `X-Content-Type-Options: nosniff` on every response (WHATWG Fetch). {_SOURCE}",
    )


# --- Referrer-Policy --------------------------------------------------------------------------------------

POLICY_TOKENS = (
    "no-referrer",
    "no-referrer-when-downgrade",
    "same-origin",
    "origin",
    "strict-origin",
    "origin-when-cross-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
)
GOOD = frozenset({"no-referrer", "same-origin"})
REASONABLE = frozenset({"strict-origin", "strict-origin-when-cross-origin"})
LEAKY = frozenset({"unsafe-url", "origin", "no-referrer-when-downgrade", "origin-when-cross-origin"})


@dataclass(frozen=True, slots=True)
class ReferrerPolicy:
    """The parsed header: the policy a browser applies (``""`` when none) and the tokens it ignored."""

    policy: str
    ignored: tuple[str, ...] = ()


def parse_referrer_policy(values: Sequence[str]) -> ReferrerPolicy:
    """W3C Referrer Policy §8.1 "parse a referrer policy from a Referrer-Policy header": split the combined
    value on commas; the last token that is a known policy wins; unknown tokens are ignored (this is how
    sites list a fallback first: ``no-referrer, strict-origin-when-cross-origin``)."""
    policy = ""
    ignored: list[str] = []
    for value in values:
        for raw in value.split(","):
            token = raw.strip(" \t").lower()
            if not token:
                continue
            if token in POLICY_TOKENS:
                policy = token
            else:
                ignored.append(raw.strip(" \t"))
    return ReferrerPolicy(policy, tuple(ignored))


def _judge_referrer(host: WebHost, endpoint: WebEndpoint, response: HttpResponse) -> Finding:
    where = (host.name, endpoint.ip, response.port)
    values = response.header_values("referrer-policy")
    parsed = parse_referrer_policy(values)
    extra: dict[str, object] = {"headers": list(values), "policy": parsed.policy or None}
    if parsed.ignored:
        extra["ignored_tokens"] = list(parsed.ignored)
    if parsed.policy in GOOD:
        return Finding(*where, Status.PASS, f"Referrer-Policy: {parsed.policy}", extra)
    if parsed.policy in LEAKY:
        return Finding(*where, Status.WARNING, f"Referrer-Policy {parsed.policy} sends the URL to other sites", extra)
    if parsed.policy in REASONABLE:
        return Finding(*where, Status.INFO, f"Referrer-Policy {parsed.policy} sends the origin to other sites", extra)
    detail = "no Referrer-Policy" if not values else "no valid Referrer-Policy token (browser default applies)"
    return Finding(*where, Status.INFO, detail, extra)


@check(REFERRER_ID, area="web")
def referrer_policy(obs: WebObservation, ctx: CheckContext) -> CheckResult:
    if (broken := unusable(REFERRER_ID, obs)) is not None:
        return broken
    return conclude(
        REFERRER_ID,
        https_findings(obs, _judge_referrer, without_https=Status.INFO),
        summaries={
            Status.PASS: "Every address sends Referrer-Policy no-referrer or same-origin.",
            Status.INFO: "The Referrer-Policy lets the origin reach other sites (or is absent).",
            Status.WARNING: "The Referrer-Policy leaks full URLs or origins to other sites.",
        },
        remedy=(
            "Send `Referrer-Policy: no-referrer` or `same-origin` (W3C Referrer Policy); avoid unsafe-url, "
            f"origin, origin-when-cross-origin and no-referrer-when-downgrade. {_SOURCE}"
        ),
    )
