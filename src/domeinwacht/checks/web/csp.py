"""``web.headers.csp``: Content Security Policy (CSP Level 3) on the first HTTPS response of every address.

CHECKS.md: present and free of unsafe-inline/unsafe-eval/unsafe-hashes, wildcard/``http:``/bare ``https:``
sources, ``data:`` in script-src/object-src; default-src and base-uri restricted; frame-ancestors and
form-action set: pass; otherwise warning listing each defect.

The parser follows CSP3 §2.2 ("parse a serialized CSP") and the source-expression grammar of §2.3.1. Several
policies (several header fields, or comma-separated in one) are all enforced (CSP3 §4.1), so a defect counts
only when *every* policy has it: one policy's ``script-src 'self'`` is not undone by another's absence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from domeinwacht.checks.catalogue import WEB_HEADERS_CSP
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.checks.web._common import Finding, conclude, https_findings, unusable
from domeinwacht.observations.web import HttpResponse, WebEndpoint, WebHost, WebObservation

CHECK_ID = WEB_HEADERS_CSP

REMEDY = (
    "Send a Content-Security-Policy header without 'unsafe-inline', 'unsafe-eval', 'unsafe-hashes', "
    "wildcards, http: or bare https: sources and without data: for scripts and objects; restrict default-src "
    "(e.g. 'self') and base-uri, and set frame-ancestors and form-action. Example: "
    "`default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'; object-src 'none'`. "
    "W3C CSP Level 3; NCSC ICT-beveiligingsrichtlijnen voor webapplicaties."
)

# CSP3 §2.3: directive-name = 1*( ALPHA / DIGIT / "-" )
_DIRECTIVE_NAME = re.compile(r"^[A-Za-z0-9-]+$")
_ASCII_WS = " \t\n\f\r"
_ASCII_WS_RUN = re.compile(r"[ \t\n\f\r]+")

# Fetch directives and their fallback (CSP3 §6.8.3 "get the effective directive ... fallback list").
FALLBACKS: dict[str, tuple[str, ...]] = {
    "script-src-elem": ("script-src-elem", "script-src", "default-src"),
    "script-src-attr": ("script-src-attr", "script-src", "default-src"),
    "script-src": ("script-src", "default-src"),
    "style-src-elem": ("style-src-elem", "style-src", "default-src"),
    "style-src-attr": ("style-src-attr", "style-src", "default-src"),
    "style-src": ("style-src", "default-src"),
    "worker-src": ("worker-src", "child-src", "script-src", "default-src"),
    "frame-src": ("frame-src", "child-src", "default-src"),
    "child-src": ("child-src", "default-src"),
    "connect-src": ("connect-src", "default-src"),
    "font-src": ("font-src", "default-src"),
    "img-src": ("img-src", "default-src"),
    "manifest-src": ("manifest-src", "default-src"),
    "media-src": ("media-src", "default-src"),
    "object-src": ("object-src", "default-src"),
    "default-src": ("default-src",),
}
# Directives whose value is a source list (CSP3 §6.1-6.4) and may therefore hold permissive sources.
SOURCE_LIST_DIRECTIVES = frozenset(FALLBACKS) | {"base-uri", "form-action", "frame-ancestors"}
KNOWN_DIRECTIVES = SOURCE_LIST_DIRECTIVES | {
    "sandbox",
    "report-uri",
    "report-to",
    "upgrade-insecure-requests",
    "block-all-mixed-content",
    "require-trusted-types-for",
    "trusted-types",
    "webrtc",
    "prefetch-src",
    "navigate-to",
    "plugin-types",
    "require-sri-for",
}
SCRIPT_DIRECTIVES = ("script-src", "script-src-elem", "script-src-attr")

# CSP3 §2.3.1 source expressions.
_SCHEME = r"[A-Za-z][A-Za-z0-9+.-]*"
_HOST = r"(?:\*|(?:\*\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\])"
_PORT = r"(?::(?:[0-9]+|\*))"
_PATH = r"(?:/[^;,\s]*)"
_SCHEME_SOURCE = re.compile(rf"^{_SCHEME}:$")
_HOST_SOURCE = re.compile(rf"^(?:({_SCHEME})://)?({_HOST}){_PORT}?{_PATH}?$")
_KEYWORDS = {
    "'self'",
    "'unsafe-inline'",
    "'unsafe-eval'",
    "'strict-dynamic'",
    "'unsafe-hashes'",
    "'report-sample'",
    "'unsafe-allow-redirects'",
    "'wasm-unsafe-eval'",
    "'inline-speculation-rules'",
    "'none'",
}
# ABNF literals are case-insensitive; the base64 value is not.
_NONCE = re.compile(r"^'(?i:nonce)-[A-Za-z0-9+/_=-]+'$")
_HASH = re.compile(r"^'(?i:sha256|sha384|sha512)-[A-Za-z0-9+/_=-]+'$")


@dataclass(frozen=True, slots=True)
class Policy:
    """One parsed policy.

    Attributes:
        directives: name (lower-case) -> tokens, first occurrence only, in order of appearance.
        problems: parse defects: duplicate directives (ignored by browsers), invalid names, invalid sources.
    """

    directives: tuple[tuple[str, tuple[str, ...]], ...]
    problems: tuple[str, ...] = ()

    def get(self, name: str) -> tuple[str, ...] | None:
        for key, value in self.directives:
            if key == name:
                return value
        return None

    def effective(self, name: str) -> tuple[str, tuple[str, ...]] | None:
        """The directive that governs ``name`` after fallback (CSP3 §6.8.3), with its sources."""
        for candidate in FALLBACKS.get(name, (name,)):
            value = self.get(candidate)
            if value is not None:
                return candidate, value
        return None


def classify_source(source: str) -> str:
    """``keyword``, ``nonce``, ``hash``, ``scheme``, ``host`` or ``invalid`` (CSP3 §2.3.1)."""
    lower = source.lower()
    if lower in _KEYWORDS:
        return "keyword"
    if _NONCE.match(source):
        return "nonce"
    if _HASH.match(source):
        return "hash"
    if _SCHEME_SOURCE.match(source):
        return "scheme"
    if _HOST_SOURCE.match(source):
        return "host"
    return "invalid"


def parse_policy(text: str) -> Policy:
    """CSP3 §2.2.1 "parse a serialized CSP": split on ';', name up to the first whitespace, lower-cased."""
    directives: list[tuple[str, tuple[str, ...]]] = []
    names: set[str] = set()
    problems: list[str] = []
    for raw in text.split(";"):
        token = raw.strip(_ASCII_WS)
        if not token:
            continue
        parts = _ASCII_WS_RUN.split(token)  # CSP3: ASCII whitespace only (not U+0085 and friends)
        name, values = parts[0].lower(), tuple(parts[1:])
        if not _DIRECTIVE_NAME.match(name):
            problems.append(f"invalid directive name {parts[0]!r} (ignored by browsers)")
            continue
        if name in names:
            problems.append(f"duplicate directive {name} (browsers ignore all but the first)")
            continue
        names.add(name)
        directives.append((name, values))
        if name in SOURCE_LIST_DIRECTIVES:
            for value in values:
                if classify_source(value) == "invalid":
                    problems.append(f"invalid source expression {value!r} in {name}")
            if "'none'" in (v.lower() for v in values) and len(values) > 1:
                problems.append(f"{name} combines 'none' with other sources")
    return Policy(tuple(directives), tuple(problems))


def parse_header(values: Sequence[str]) -> tuple[Policy, ...]:
    """Every policy in the header field values (CSP3 §2.2.2: each comma-separated item is a policy)."""
    policies = []
    for value in values:
        for item in value.split(","):
            if item.strip(_ASCII_WS):
                policies.append(parse_policy(item))
    return tuple(policies)


def _permissive(source: str) -> str | None:
    """Why a source allows (nearly) anything, or ``None``."""
    lower = source.lower()
    if lower == "*":
        return "wildcard source *"
    if lower in ("http:", "https:"):
        return f"scheme-only source {lower}" if lower == "https:" else "insecure scheme source http:"
    match = _HOST_SOURCE.match(source)
    if match:
        scheme, host = (match.group(1) or "").lower(), match.group(2)
        if host == "*":
            return f"wildcard host in {source}"
        if scheme == "http":
            return f"insecure http: source {source}"
    return None


def _inline_ignored(sources: Sequence[str]) -> bool:
    # CSP3 §6.7.3.3 / §8.2: 'unsafe-inline' has no effect when a nonce, hash or 'strict-dynamic' is present.
    return any(classify_source(s) in ("nonce", "hash") or s.lower() == "'strict-dynamic'" for s in sources)


def policy_defects(policy: Policy) -> set[str]:
    """Every defect of one policy, as stable sentences (compared across policies)."""
    defects: set[str] = set(policy.problems)
    for name, sources in policy.directives:
        if name not in SOURCE_LIST_DIRECTIVES:
            continue
        lowered = [s.lower() for s in sources]
        if "'unsafe-inline'" in lowered and not _inline_ignored(sources):
            defects.add(f"'unsafe-inline' in {name}")
        if "'unsafe-eval'" in lowered:
            defects.add(f"'unsafe-eval' in {name}")
        if "'unsafe-hashes'" in lowered:
            defects.add(f"'unsafe-hashes' in {name}")
        for source in sources:
            why = _permissive(source)
            if why:
                defects.add(f"{why} in {name}")
    for target in (*SCRIPT_DIRECTIVES, "object-src"):
        effective = policy.effective(target)
        if effective is None:
            continue  # unrestricted: reported below as default-src missing
        name, sources = effective
        if "data:" in (s.lower() for s in sources):
            defects.add(f"data: allowed for {target} (via {name})")
    default = policy.get("default-src")
    if default is None:
        defects.add("default-src missing (fetches without their own directive are unrestricted)")
    elif not default or any(_permissive(s) for s in default):
        defects.add("default-src not restricted")
    base = policy.get("base-uri")
    if base is None:
        defects.add("base-uri missing (it does not fall back to default-src)")
    elif not base or any(_permissive(s) for s in base):
        defects.add("base-uri not restricted")
    if policy.get("frame-ancestors") is None:
        defects.add("frame-ancestors missing")
    if policy.get("form-action") is None:
        defects.add("form-action missing")
    return defects


def combined_defects(policies: Sequence[Policy]) -> list[str]:
    """Defects present in every enforced policy (CSP3 §4.1: all policies apply), sorted."""
    if not policies:
        return []
    common = policy_defects(policies[0])
    for policy in policies[1:]:
        common &= policy_defects(policy)
    return sorted(common)


def has_frame_ancestors(response: HttpResponse) -> bool:
    """An enforced policy sets frame-ancestors (HTML: then X-Frame-Options is ignored)."""
    return any(
        p.get("frame-ancestors") is not None for p in parse_header(response.header_values("content-security-policy"))
    )


def _judge(host: WebHost, endpoint: WebEndpoint, response: HttpResponse) -> Finding:
    where = (host.name, endpoint.ip, response.port)
    values = response.header_values("content-security-policy")
    report_only = response.header_values("content-security-policy-report-only")
    extra: dict[str, object] = {"headers": list(values)}
    if report_only:
        extra["report_only"] = list(report_only)  # not enforced: evidence only
    policies = parse_header(values)
    if not policies:
        detail = "no Content-Security-Policy header"
        if report_only:
            detail += " (only Content-Security-Policy-Report-Only, which enforces nothing)"
        return Finding(*where, Status.WARNING, detail, extra)
    defects = combined_defects(policies)
    extra["defects"] = defects
    if defects:
        return Finding(*where, Status.WARNING, "; ".join(defects), extra)
    return Finding(*where, Status.PASS, "restrictive policy", extra)


@check(CHECK_ID, area="web")
def csp(obs: WebObservation, ctx: CheckContext) -> CheckResult:
    if (broken := unusable(CHECK_ID, obs)) is not None:
        return broken
    findings = https_findings(obs, _judge, without_https=Status.WARNING)
    return conclude(
        CHECK_ID,
        findings,
        summaries={
            Status.PASS: "Every address sends a restrictive Content-Security-Policy.",
            Status.WARNING: "The Content-Security-Policy is missing or has defects.",
        },
        remedy=REMEDY,
    )
