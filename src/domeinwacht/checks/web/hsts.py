"""``web.hsts``: HTTP Strict Transport Security (RFC 6797) on the first HTTPS response of every address.

CHECKS.md: the first ``https://host/`` response (no redirects followed) has a parseable
``Strict-Transport-Security`` with max-age ≥ 31536000: pass; shorter: fail; missing/unparseable: fail.
includeSubDomains and preload are evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from domeinwacht.checks.catalogue import WEB_HSTS
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.checks.web._common import Finding, conclude, https_findings, unusable
from domeinwacht.observations.web import HttpResponse, WebEndpoint, WebHost, WebObservation

CHECK_ID = WEB_HSTS
MIN_MAX_AGE = 31_536_000  # one year: NCSC web application guidelines, Internet.nl, the hstspreload.org minimum
_MAX_DELTA = 10**18  # larger values are clamped (avoid pathological int conversion)

REMEDY = (
    "Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` (at least one year, RFC 6797 "
    "6.1.1) on every HTTPS response of every address, including the first response to https://host/. "
    "NCSC ICT-beveiligingsrichtlijnen voor webapplicaties; HSTS is on the comply-or-explain list."
)

_SEPARATORS = set('()<>@,;:\\"/[]?={} \t')


class HstsSyntaxError(ValueError):
    """The header does not follow the RFC 6797 6.1 grammar (the message says where)."""


@dataclass(frozen=True, slots=True)
class HstsPolicy:
    """A parsed Strict-Transport-Security header.

    Attributes:
        max_age: seconds (RFC 6797 6.1.1), clamped at 10^18.
        include_subdomains: the includeSubDomains directive (6.1.2) is present.
        preload: the (non-RFC) preload directive of hstspreload.org is present.
        unknown: other directive names, ignored as RFC 6797 6.1 requires.
    """

    max_age: int
    include_subdomains: bool = False
    preload: bool = False
    unknown: tuple[str, ...] = ()


def _is_token_char(char: str) -> bool:
    # RFC 2616 2.2: token = 1*<any CHAR except CTLs or separators>
    return 32 < ord(char) < 127 and char not in _SEPARATORS


def parse_hsts(value: str) -> HstsPolicy:
    """Parse a header value strictly per RFC 6797 6.1 (implied LWS allowed around tokens, ``;`` and ``=``).

    Raises ``HstsSyntaxError`` for: a directive name that is not a token, a bad value, a directive that
    appears twice (6.1 "All directives MUST appear only once"), a missing max-age (6.1.1 REQUIRED), a
    max-age that is not delta-seconds, or includeSubDomains/preload with a value.
    """
    pos, length = 0, len(value)
    seen: dict[str, str | None] = {}
    unknown: list[str] = []

    def skip_ws() -> None:
        nonlocal pos
        while pos < length and value[pos] in " \t":
            pos += 1

    def token() -> str:
        nonlocal pos
        start = pos
        while pos < length and _is_token_char(value[pos]):
            pos += 1
        return value[start:pos]

    def quoted() -> str:
        nonlocal pos
        pos += 1  # opening quote
        out = []
        while pos < length:
            char = value[pos]
            if char == "\\" and pos + 1 < length:  # quoted-pair
                out.append(value[pos + 1])
                pos += 2
                continue
            if char == '"':
                pos += 1
                return "".join(out)
            if (ord(char) < 32 and char != "\t") or ord(char) == 127:
                raise HstsSyntaxError(f"control character in quoted string at offset {pos}")
            out.append(char)
            pos += 1
        raise HstsSyntaxError("unterminated quoted string")

    while True:
        skip_ws()
        if pos < length and value[pos] != ";":  # a directive (empty ones between ';' are allowed)
            name = token()
            if not name:
                raise HstsSyntaxError(f"expected a directive name at offset {pos}, found {value[pos]!r}")
            skip_ws()
            directive_value: str | None = None
            if pos < length and value[pos] == "=":
                pos += 1
                skip_ws()
                if pos < length and value[pos] == '"':
                    directive_value = quoted()
                else:
                    directive_value = token()
                    if not directive_value:
                        raise HstsSyntaxError(f"directive {name!r} has '=' but no value")
                skip_ws()
            key = name.lower()  # RFC 6797 6.1: directive names are case-insensitive
            if key in seen:
                raise HstsSyntaxError(f"directive {name!r} appears more than once (RFC 6797 6.1)")
            seen[key] = directive_value
            if key not in ("max-age", "includesubdomains", "preload"):
                unknown.append(name)
        skip_ws()
        if pos >= length:
            break
        if value[pos] != ";":
            raise HstsSyntaxError(f"expected ';' at offset {pos}, found {value[pos]!r}")
        pos += 1

    if "max-age" not in seen:
        raise HstsSyntaxError("the required max-age directive is missing (RFC 6797 6.1.1)")
    raw = seen["max-age"]
    # RFC 6797 6.1.1: max-age-value = delta-seconds; delta-seconds = 1*DIGIT (RFC 2616 3.3.2)
    if raw is None or not raw or not all("0" <= c <= "9" for c in raw):
        raise HstsSyntaxError(f"max-age must be a number of seconds, not {raw!r}")
    for flag in ("includesubdomains", "preload"):
        if seen.get(flag) is not None:
            raise HstsSyntaxError(f"{flag} takes no value (RFC 6797 6.1.2)")
    max_age = int(raw) if len(raw) <= 18 else _MAX_DELTA
    return HstsPolicy(max_age, "includesubdomains" in seen, "preload" in seen, tuple(unknown))


def _judge(host: WebHost, endpoint: WebEndpoint, response: HttpResponse) -> Finding:
    values = response.header_values("strict-transport-security")
    where = (host.name, endpoint.ip, response.port)
    if not values:
        return Finding(*where, Status.FAIL, "no Strict-Transport-Security header")
    extra: dict[str, object] = {"header": values[0]}
    if len(values) > 1:
        # RFC 6797 8.1: a UA processes only the first STS header field.
        extra["ignored_headers"] = list(values[1:])
    try:
        policy = parse_hsts(values[0])
    except HstsSyntaxError as exc:
        return Finding(*where, Status.FAIL, f"unparseable Strict-Transport-Security: {exc}", extra)
    extra |= {
        "max_age": policy.max_age,
        "include_subdomains": policy.include_subdomains,
        "preload": policy.preload,
    }
    if policy.max_age < MIN_MAX_AGE:
        return Finding(*where, Status.FAIL, f"max-age={policy.max_age} is shorter than {MIN_MAX_AGE}", extra)
    return Finding(*where, Status.PASS, f"max-age={policy.max_age}", extra)


@check(CHECK_ID, area="web")
def hsts(obs: WebObservation, ctx: CheckContext) -> CheckResult:
    if (broken := unusable(CHECK_ID, obs)) is not None:
        return broken
    findings = https_findings(obs, _judge, without_https=Status.FAIL)
    return conclude(
        CHECK_ID,
        findings,
        summaries={
            Status.PASS: "Every address sends HSTS with a max-age of at least one year.",
            Status.FAIL: "HSTS is missing, unparseable or too short.",
        },
        remedy=REMEDY,
    )
