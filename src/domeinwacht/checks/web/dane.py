"""``web.dane``: DANE TLSA for the web hosts (RFC 6698, RFC 7671), on every address.

CHECKS.md: TLSA at ``_443._tcp.host``: info when absent; when present it must validate against the served chain
in a DNSSEC-secure zone (else fail).

Area ``("web", "web_tls")``: the TLSA records and their DNSSEC status come from the web observation, the chain
as served from the TLS probe of each (host, address). Matching is the shared ``checks._dane.match_tlsa`` with
PKIX usages allowed (web, not SMTP); a PKIX-TA/PKIX-EE (0/1) match also needs the chain to validate for the
host name (RFC 6698 2.1.1), which the HTTP client recorded as ``tls_verified``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from domeinwacht.checks._dane import match_tlsa
from domeinwacht.checks.catalogue import WEB_DANE
from domeinwacht.checks.dns import above_registrable_domain
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.checks.web._common import Finding, conclude, https_closed, unusable
from domeinwacht.observations.tls import TlsObservation
from domeinwacht.observations.web import WebEndpoint, WebHost, WebObservation

CHECK_ID = WEB_DANE

REMEDY = (
    "Publish TLSA records at _443._tcp.<host> that match the certificate (or its issuer) every address serves "
    "— e.g. `3 1 1 <SHA-256 of the public key>` — in a DNSSEC-signed zone, and update them before changing "
    "keys (RFC 6698, RFC 7671 8.1). Or remove TLSA records that no longer match."
)


def _tls_for(tls: Sequence[TlsObservation], host: str, ip: str, port: int) -> TlsObservation | None:
    for obs in tls:
        if obs.ip == ip and obs.port == port and (obs.server_name or "").lower().rstrip(".") == host:
            return obs
    return None


def _judge_endpoint(host: WebHost, endpoint: WebEndpoint, port: int, tls: Sequence[TlsObservation]) -> Finding:
    where = (host.name, endpoint.ip, port)
    assert host.tlsa is not None
    probe = _tls_for(tls, host.name, endpoint.ip, port)
    if probe is None:
        return Finding(*where, Status.ERROR, "no TLS observation for this address")
    if not probe.chain:
        return Finding(*where, Status.ERROR, f"no certificate chain: {probe.error or 'not received'}")
    result = match_tlsa(host.tlsa.records, probe.chain, smtp=False)
    extra: dict[str, Any] = {
        "matched": list(result.matched_records()),
        "ignored": list(result.ignored),
        "errors": list(result.errors),
    }
    dane_matches = [m for m in result.matches if m.usage in (2, 3)]
    pkix_matches = [m for m in result.matches if m.usage in (0, 1)]
    if dane_matches:
        return Finding(*where, Status.PASS, f"TLSA {dane_matches[0].record} matches {dane_matches[0].subject}", extra)
    if pkix_matches:
        verified = endpoint.https.tls_verified if endpoint.https is not None else None
        if verified:
            return Finding(*where, Status.PASS, f"TLSA {pkix_matches[0].record} matches and the chain validates", extra)
        why = endpoint.https.tls_error if endpoint.https is not None else endpoint.https_error
        # RFC 6698 2.1.1: usages 0 and 1 also require PKIX validation of the chain.
        return Finding(*where, Status.FAIL, f"PKIX TLSA matches but the chain does not validate ({why})", extra)
    detail = "no TLSA record matches the certificate chain served"
    if result.errors:
        detail += ": " + "; ".join(result.errors)
    return Finding(*where, Status.FAIL, detail, extra)


@check(CHECK_ID, area=("web", "web_tls"))
def dane(observations: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
    obs: WebObservation = observations["web"]
    tls: Sequence[TlsObservation] = observations["web_tls"]
    if (broken := unusable(CHECK_ID, obs)) is not None:
        return broken
    port = obs.https_port
    findings: list[Finding] = []
    for host in obs.web_hosts:
        tlsa = host.tlsa
        if tlsa is None:
            findings.append(Finding(host.name, "", 0, Status.ERROR, "TLSA was not looked up"))
            continue
        if tlsa.error is not None:
            findings.append(Finding(host.name, "", 0, Status.ERROR, f"TLSA lookup {tlsa.name} failed: {tlsa.error}"))
            continue
        if not tlsa.records:
            # CHECKS.md: absent TLSA is info (DANE for web is optional).
            findings.append(Finding(host.name, "", 0, Status.INFO, f"no TLSA at {tlsa.name} ({tlsa.rcode})"))
            continue
        facts = {"tlsa": list(tlsa.records), "dnssec": tlsa.dnssec, "dnssec_reason": tlsa.dnssec_reason}
        if tlsa.dnssec in (None, "indeterminate"):
            reason = tlsa.dnssec_reason or "not validated"
            findings.append(Finding(host.name, "", 0, Status.ERROR, f"DNSSEC status of {tlsa.name} unknown: {reason}"))
            continue
        if tlsa.dnssec != "secure" and tlsa.dnssec_zone and above_registrable_domain(tlsa.dnssec_zone):
            # docs/DNSSEC.md "Whose fault": a chain broken at the root or a TLD is not the site's DANE failure
            where = tlsa.dnssec_zone.rstrip(".") or "the root"
            detail = f"DNSSEC status of {tlsa.name} unknown: the chain of trust breaks above the domain, at {where}"
            findings.append(Finding(host.name, "", 0, Status.ERROR, detail, facts))
            continue
        if tlsa.dnssec != "secure":
            # RFC 6698 4.1 / RFC 7671 5: TLSA records are only usable when DNSSEC-validated.
            detail = f"{tlsa.name} is DNSSEC-{tlsa.dnssec}: {tlsa.dnssec_reason}"
            findings.append(Finding(host.name, "", 0, Status.FAIL, detail, facts))
            continue
        for endpoint in host.endpoints:
            if https_closed(obs, endpoint) and any(e.https is not None for e in host.endpoints):
                # No TLS on this address at all: web.https.available reports it; the others are judged.
                detail = f"no HTTPS on this address (see web.https.available): {endpoint.https_error}"
                findings.append(Finding(host.name, endpoint.ip, port, Status.NOT_APPLICABLE, detail, facts))
                continue
            finding = _judge_endpoint(host, endpoint, port, tls)
            findings.append(
                Finding(finding.host, finding.ip, finding.port, finding.status, finding.detail, finding.extra | facts)
            )
    return conclude(
        CHECK_ID,
        findings,
        summaries={
            Status.PASS: "TLSA records validate against the certificate of every address (DNSSEC-secure).",
            Status.INFO: "No TLSA records for the web hosts (DANE is optional for the web).",
            Status.FAIL: "TLSA records do not validate.",
        },
        remedy=REMEDY,
    )
