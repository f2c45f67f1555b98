"""IPv6 for the web hosts (CHECKS.md "Web"):

- ``web.ipv6.aaaa``: each host has at least one AAAA: pass, else fail.
- ``web.ipv6.reach``: every AAAA accepts TCP on the ports that IPv4 accepts (80/443): pass; partial: warning;
  none: fail.
- ``web.ipv6.same_content``: the page over IPv6 equals the page over IPv4 (status codes equal; HTML similar
  after removing nonces, ≥ 90%): pass; else warning.
"""

from __future__ import annotations

import re
import zlib
from difflib import SequenceMatcher

from domeinwacht.checks.catalogue import WEB_IPV6_AAAA, WEB_IPV6_REACH, WEB_IPV6_SAME_CONTENT
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.checks.web._common import Finding, conclude, lookup_failures, unusable
from domeinwacht.observations.refusal import refused_by_guard
from domeinwacht.observations.web import HttpResponse, WebEndpoint, WebHost, WebObservation

AAAA_ID = WEB_IPV6_AAAA
REACH_ID = WEB_IPV6_REACH
SAME_ID = WEB_IPV6_SAME_CONTENT

SIMILARITY = 0.9
_SOURCE = "Forum Standaardisatie: IPv6 is on the comply-or-explain list; Internet.nl IPv6 test."


@check(AAAA_ID, area="web")
def aaaa(obs: WebObservation, ctx: CheckContext) -> CheckResult:
    if (broken := unusable(AAAA_ID, obs)) is not None:
        return broken
    findings: list[Finding] = []
    for host in obs.web_hosts:
        lookup = host.aaaa
        if lookup.addresses:
            findings.append(Finding(host.name, "", 0, Status.PASS, "AAAA " + ", ".join(lookup.addresses)))
        elif lookup.error is not None:
            findings.append(Finding(host.name, "", 0, Status.ERROR, f"AAAA lookup failed: {lookup.error}"))
        else:
            findings.append(Finding(host.name, "", 0, Status.FAIL, f"no AAAA record ({lookup.rcode or 'no data'})"))
    return conclude(
        AAAA_ID,
        findings,
        summaries={
            Status.PASS: "Every web host has an IPv6 address.",
            Status.FAIL: "Not every web host has an IPv6 address.",
        },
        remedy=f"Publish AAAA records for the web hosts and serve the site over IPv6 as well. {_SOURCE}",
    )


def _v4_open_ports(host: WebHost, ports: tuple[int, int]) -> set[int]:
    return {
        probe.port
        for endpoint in host.endpoints
        if endpoint.family == 4
        for probe in endpoint.tcp
        if probe.open and probe.port in ports
    }


@check(REACH_ID, area="web")
def reach(obs: WebObservation, ctx: CheckContext) -> CheckResult:
    if (broken := unusable(REACH_ID, obs)) is not None:
        return broken
    ports = (obs.http_port, obs.https_port)
    findings = lookup_failures(obs)
    pairs: list[tuple[str, str, int, bool, str]] = []  # host, ip, port, reached, detail
    for host in obs.web_hosts:
        v6 = [e for e in host.endpoints if e.family == 6]
        if not v6:
            findings.append(Finding(host.name, "", 0, Status.NOT_APPLICABLE, "no AAAA (see web.ipv6.aaaa)"))
            continue
        # The ports IPv4 accepts; an IPv6-only host (or IPv4 with nothing open) is expected on both.
        expected = sorted(_v4_open_ports(host, ports) or set(ports))
        for endpoint in v6:
            for port in expected:
                probe = endpoint.port(port)
                if probe is None:
                    findings.append(Finding(host.name, endpoint.ip, port, Status.ERROR, "not probed"))
                elif refused_by_guard(probe.error):
                    findings.append(Finding(host.name, endpoint.ip, port, Status.ERROR, probe.error or ""))
                else:
                    pairs.append((host.name, endpoint.ip, port, probe.open, probe.error or "accepts TCP"))
    reached = sum(1 for pair in pairs if pair[3])
    # CHECKS.md: every pair reachable: pass; some: warning; none: fail.
    missing = Status.FAIL if reached == 0 else Status.WARNING
    for name, ip, port, ok, detail in pairs:
        findings.append(Finding(name, ip, port, Status.PASS if ok else missing, detail))
    return conclude(
        REACH_ID,
        findings,
        summaries={
            Status.PASS: "Every IPv6 address accepts the ports IPv4 accepts.",
            Status.WARNING: f"Only {reached} of {len(pairs)} IPv6 address/port pairs accept TCP.",
            Status.FAIL: "The web hosts cannot be reached over IPv6.",
            Status.NOT_APPLICABLE: "No web host has an AAAA record (see web.ipv6.aaaa).",
        },
        remedy=(
            "Make every AAAA address accept connections on the same ports as IPv4 (80 and 443), or remove the "
            f"AAAA records of addresses that do not serve the site. {_SOURCE}"
        ),
        evidence={"reached": reached, "expected": len(pairs)},
    )


# --- same content ------------------------------------------------------------------------------------------

_NONCES = re.compile(
    rb"""(?ix)
    (nonce|integrity|csrf[-_]?token|authenticity_token|__requestverificationtoken|data-token)
    (\s*=\s*|"\s*:\s*"|\s+content\s*=\s*)["']?[^"'\s>]+["']?
    """
)
_LONG_TOKENS = re.compile(rb"[A-Za-z0-9+/_=-]{24,}")  # session ids, cache busters, timestamps in hashes
_TOKENS = re.compile(rb"<[^>]*>|[^<\s]+")


def page_text(response: HttpResponse) -> bytes:
    """The body, decoded from gzip/deflate (bounded), with nonces and other per-request tokens removed."""
    body = response.body
    encoding = (response.header("content-encoding") or "").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS
        try:
            body = zlib.decompressobj(wbits).decompress(body, 1024 * 1024)
        except zlib.error:
            try:
                body = zlib.decompressobj(-zlib.MAX_WBITS).decompress(response.body, 1024 * 1024)
            except zlib.error:
                body = response.body
    body = _NONCES.sub(rb"\1=NONCE", body)
    return _LONG_TOKENS.sub(b"TOKEN", body)


def similarity(a: bytes, b: bytes) -> float:
    """Similarity of two pages in [0, 1]: difflib's ratio (2·matched / total) over tags and words.

    Bounded work: the common prefix and suffix are matched exactly first (pages that differ in one spot cost
    next to nothing); a large differing middle is compared in content-defined chunks of tokens (a chunk ends
    at a token whose CRC is 0 modulo k), so that an insertion does not shift every later chunk.
    """
    if a == b:
        return 1.0
    left, right = _TOKENS.findall(a), _TOKENS.findall(b)
    total = len(left) + len(right)
    if not total:
        return 1.0
    shortest = min(len(left), len(right))
    prefix = 0
    while prefix < shortest and left[prefix] == right[prefix]:
        prefix += 1
    suffix = 0
    while suffix < shortest - prefix and left[-1 - suffix] == right[-1 - suffix]:
        suffix += 1
    middle_left, middle_right = left[prefix : len(left) - suffix], right[prefix : len(right) - suffix]
    k = 1
    while (len(middle_left) / k) * (len(middle_right) / k) > _MAX_WORK:
        k *= 2
    chunks_left, chunks_right = _chunks(middle_left, k), _chunks(middle_right, k)
    matcher = SequenceMatcher(None, chunks_left, chunks_right, autojunk=False)
    matched = 0
    budget = _MAX_WORK
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            matched += sum(len(chunk) for chunk in chunks_left[i1:i2])
        elif tag == "replace" and k > 1:
            # Refine a differing stretch token by token while the budget lasts (difflib's own two levels).
            sub_left = [token for chunk in chunks_left[i1:i2] for token in chunk]
            sub_right = [token for chunk in chunks_right[j1:j2] for token in chunk]
            work = len(sub_left) * len(sub_right)
            if work <= budget:
                budget -= work
                refined = SequenceMatcher(None, sub_left, sub_right, autojunk=False)
                matched += sum(block.size for block in refined.get_matching_blocks())
    return min(1.0, 2 * (prefix + suffix + matched) / total)


_MAX_WORK = 1_000_000  # element pairs SequenceMatcher may consider (about 1000 x 1000)


def _chunks(tokens: list[bytes], k: int) -> list[tuple[bytes, ...]]:
    """Tokens grouped into content-defined chunks (tuples of tokens; k = 1: one token per chunk)."""
    if k == 1:
        return [(token,) for token in tokens]
    out: list[tuple[bytes, ...]] = []
    current: list[bytes] = []
    for token in tokens:
        current.append(token)
        if zlib.crc32(token) % k == 0:
            out.append(tuple(current))
            current = []
    if current:
        out.append(tuple(current))
    return out


def _page(endpoint: WebEndpoint, https_port: int) -> tuple[str, HttpResponse | None, str | None]:
    """The page to compare: the first HTTPS response, or the first HTTP one when 443 does not accept."""
    if endpoint.https is not None:
        return "https", endpoint.https, None
    probe = endpoint.port(https_port)
    https_closed = probe is not None and not probe.open
    if https_closed and endpoint.http_chain and endpoint.http_chain[0].response is not None:
        return "http", endpoint.http_chain[0].response, None
    errors = [endpoint.https_error] + [hop.error for hop in endpoint.http_chain[:1]]
    return "", None, "; ".join(e for e in errors if e) or "no response"


@check(SAME_ID, area="web")
def same_content(obs: WebObservation, ctx: CheckContext) -> CheckResult:
    if (broken := unusable(SAME_ID, obs)) is not None:
        return broken
    findings = lookup_failures(obs)
    for host in obs.web_hosts:
        v4 = [e for e in host.endpoints if e.family == 4]
        v6 = [e for e in host.endpoints if e.family == 6]
        if not v4 or not v6:
            missing = "AAAA" if not v6 else "A"
            findings.append(Finding(host.name, "", 0, Status.NOT_APPLICABLE, f"no {missing}: nothing to compare"))
            continue
        references = [(e, *_page(e, obs.https_port)) for e in v4]
        usable = [(e, scheme, r) for e, scheme, r, _ in references if r is not None]
        if not usable:
            reasons = "; ".join(f"{e.ip}: {err}" for e, _, _, err in references)
            findings.append(Finding(host.name, "", 0, Status.ERROR, f"no IPv4 page to compare with ({reasons})"))
            continue
        for endpoint in v6:
            scheme, page, error = _page(endpoint, obs.https_port)
            port = obs.https_port if scheme == "https" else obs.http_port
            if page is None:
                findings.append(Finding(host.name, endpoint.ip, port, Status.ERROR, f"no page over IPv6: {error}"))
                continue
            same_scheme = [(e, r) for e, s, r in usable if s == scheme]
            if not same_scheme:
                findings.append(
                    Finding(host.name, endpoint.ip, port, Status.WARNING, f"IPv6 serves {scheme}, IPv4 does not")
                )
                continue
            ref_endpoint, reference = same_scheme[0]
            extra = {"compared_with": ref_endpoint.ip, "status_v4": reference.status, "status_v6": page.status}
            if page.status != reference.status:
                detail = f"status {page.status} over IPv6, {reference.status} over IPv4 ({ref_endpoint.ip})"
                findings.append(Finding(host.name, endpoint.ip, port, Status.WARNING, detail, extra))
                continue
            if page.is_redirect and page.header("location") != reference.header("location"):
                detail = (
                    f"redirects to {page.header('location')} over IPv6, to {reference.header('location')} over IPv4"
                )
                findings.append(Finding(host.name, endpoint.ip, port, Status.WARNING, detail, extra))
                continue
            ratio = similarity(page_text(reference), page_text(page))
            extra["similarity"] = round(ratio, 3)
            if ratio >= SIMILARITY:
                findings.append(Finding(host.name, endpoint.ip, port, Status.PASS, f"{ratio:.0%} similar", extra))
            else:
                detail = f"only {ratio:.0%} similar to the page over IPv4 ({ref_endpoint.ip})"
                findings.append(Finding(host.name, endpoint.ip, port, Status.WARNING, detail, extra))
    return conclude(
        SAME_ID,
        findings,
        summaries={
            Status.PASS: "The site looks the same over IPv6 as over IPv4.",
            Status.WARNING: "The site differs between IPv6 and IPv4.",
            Status.NOT_APPLICABLE: "No host has both IPv4 and IPv6 addresses to compare.",
        },
        remedy=(
            "Serve the same site on the IPv6 addresses as on the IPv4 addresses (check the virtual host "
            f"configuration and any IPv6-only proxy or load balancer). {_SOURCE}"
        ),
    )
