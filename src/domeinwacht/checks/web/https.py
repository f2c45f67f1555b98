"""HTTPS availability and the HTTP-to-HTTPS redirect, on every address (CHECKS.md "Web"):

- ``web.https.available``: every IP completes a TLS handshake on 443 and answers HTTP: pass; none: fail;
  some: fail with the IPs listed.
- ``web.https.redirect``: ``http://host/`` answers with a redirect whose *first* hop goes to ``https://`` on the
  *same* host (the Wdo decree's rule); no port 80 at all: pass; redirect to another host first, or no
  redirect: fail.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from domeinwacht.checks.catalogue import WEB_HTTPS_AVAILABLE, WEB_HTTPS_REDIRECT
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.checks.web._common import Finding, conclude, endpoints, lookup_failures, unusable
from domeinwacht.observations.refusal import refused_by_guard
from domeinwacht.observations.web import HttpHop, WebObservation

AVAILABLE_ID = WEB_HTTPS_AVAILABLE
REDIRECT_ID = WEB_HTTPS_REDIRECT

_WDO = (
    "Besluit beveiligingsstandaarden en -eisen Wdo / Wet digitale overheid (HTTPS and HSTS required for "
    "government websites); NCSC ICT-beveiligingsrichtlijnen voor webapplicaties."
)


@check(AVAILABLE_ID, area="web")
def https_available(obs: WebObservation, ctx: CheckContext) -> CheckResult:
    if (broken := unusable(AVAILABLE_ID, obs)) is not None:
        return broken
    port = obs.https_port
    findings = lookup_failures(obs)
    for host, endpoint in endpoints(obs):
        response = endpoint.https
        probe = endpoint.port(port)
        if response is None and probe is not None and refused_by_guard(probe.error):
            # Nothing was attempted: "does not serve HTTPS" would be a verdict without an observation.
            findings.append(Finding(host.name, endpoint.ip, port, Status.ERROR, probe.error or ""))
        elif response is not None:
            detail = f"TLS handshake and HTTP {response.status}"
            if response.tls_verified is False:
                detail += " (certificate not trusted: see web.cert.*)"
            findings.append(Finding(host.name, endpoint.ip, port, Status.PASS, detail))
        elif refused_by_guard(endpoint.https_error):
            findings.append(Finding(host.name, endpoint.ip, port, Status.ERROR, endpoint.https_error or ""))
        else:
            findings.append(Finding(host.name, endpoint.ip, port, Status.FAIL, endpoint.https_error or "no answer"))
    served = sum(1 for f in findings if f.status is Status.PASS)
    return conclude(
        AVAILABLE_ID,
        findings,
        summaries={
            Status.PASS: "Every address serves HTTPS.",
            Status.FAIL: "No address serves HTTPS." if not served else "Not every address serves HTTPS.",
        },
        remedy=(
            "Serve the website over HTTPS (TLS on port 443) on every IPv4 and IPv6 address in DNS, or remove "
            f"the addresses that do not. {_WDO}"
        ),
    )


def _same_host(a: str, b: str) -> bool:
    return a.lower().rstrip(".") == b.lower().rstrip(".")


def _first_hop(host: str, hop: HttpHop, https_port: int) -> tuple[Status, str]:
    response = hop.response
    if response is None:
        return Status.ERROR, f"port 80 accepts connections but http://{host}/ failed: {hop.error}"
    if not response.is_redirect:
        return Status.FAIL, f"http://{host}/ answers {response.status} without redirecting to HTTPS"
    if hop.location is None:
        return Status.FAIL, f"http://{host}/ answers {response.status} without a Location header"
    target = urlsplit(hop.location)
    try:
        port = target.port or (443 if target.scheme.lower() == "https" else 80)
    except ValueError:
        return Status.FAIL, f"the redirect goes to an invalid URL {hop.location!r}"
    if target.scheme.lower() != "https":
        return Status.FAIL, f"the first redirect goes to {hop.location}, not to https://"
    if not _same_host(target.hostname or "", host):
        # Wdo: the first hop must stay on the host, so that its HSTS policy is set before leaving it.
        return Status.FAIL, f"the first redirect goes to another host: {hop.location}"
    if port != https_port:
        return Status.FAIL, f"the first redirect goes to port {port}, not {https_port}: {hop.location}"
    return Status.PASS, f"{response.status} to {hop.location}"


def _chain_evidence(chain: tuple[HttpHop, ...]) -> list[dict[str, object]]:
    return [
        {
            "url": hop.url,
            "ip": hop.ip,
            "status": hop.response.status if hop.response else None,
            "location": hop.location,
            "error": hop.error,
        }
        for hop in chain
    ]


@check(REDIRECT_ID, area="web")
def https_redirect(obs: WebObservation, ctx: CheckContext) -> CheckResult:
    if (broken := unusable(REDIRECT_ID, obs)) is not None:
        return broken
    port = obs.http_port
    findings = lookup_failures(obs)
    for host, endpoint in endpoints(obs):
        probe = endpoint.port(port)
        where = (host.name, endpoint.ip, port)
        if probe is None:
            findings.append(Finding(*where, Status.ERROR, "port 80 was not probed"))
        elif not probe.open:
            if refused_by_guard(probe.error):
                findings.append(Finding(*where, Status.ERROR, probe.error or ""))
            else:
                # CHECKS.md: no port 80 at all is fine: there is nothing to downgrade to.
                findings.append(Finding(*where, Status.PASS, f"no HTTP on port 80 ({probe.error})"))
        elif not endpoint.http_chain:
            findings.append(Finding(*where, Status.ERROR, "port 80 accepts connections but no request was made"))
        else:
            status, detail = _first_hop(host.name, endpoint.http_chain[0], obs.https_port)
            findings.append(Finding(*where, status, detail, {"chain": _chain_evidence(endpoint.http_chain)}))
    return conclude(
        REDIRECT_ID,
        findings,
        summaries={
            Status.PASS: "Every address redirects http:// straight to https:// on the same host (or has no HTTP).",
            Status.FAIL: "http:// does not first redirect to https:// on the same host everywhere.",
        },
        remedy=(
            "Answer every request to http://host/ with a 301 redirect to https://host/ on the same host name; "
            f"only after that, redirect to another host if needed. {_WDO}"
        ),
    )
