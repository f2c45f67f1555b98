"""Shared walking and aggregation for the web checks.

A web check produces one ``Finding`` per host (or per host and address); ``conclude`` folds them into one
``CheckResult``: the worst status wins, ``not_applicable`` findings do not hide the others, and the evidence
lists every finding so that the owner sees which address is at fault.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.observations.refusal import refused_by_guard
from domeinwacht.observations.web import HttpResponse, WebEndpoint, WebHost, WebObservation


@dataclass(frozen=True, slots=True)
class Finding:
    """What one host (or one address of it) showed for one check.

    Attributes:
        host: the web host.
        ip / port: the address and port judged (empty / 0 for a host-level finding).
        status: the verdict for this place.
        detail: one sentence for the evidence.
        extra: further JSON facts (headers seen, parsed values).
    """

    host: str
    ip: str
    port: int
    status: Status
    detail: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def where(self) -> str:
        if not self.ip:
            return self.host
        address = f"[{self.ip}]" if ":" in self.ip else self.ip
        return f"{self.host} {address}:{self.port}"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"host": self.host}
        if self.ip:
            data |= {"ip": self.ip, "port": self.port}
        data |= {"status": self.status.value, "detail": self.detail, **self.extra}
        return data


def unusable(check_id: str, obs: WebObservation) -> CheckResult | None:
    """``error`` when the observation cannot support any web verdict (no host resolves, or it failed)."""
    if obs.error is not None:
        return CheckResult.error(check_id, obs.error, domain=obs.domain)
    if not obs.web_hosts:
        failed = [
            f"{lookup.rdtype} lookup of {host.name} failed: {lookup.error}"
            for host in obs.hosts
            for lookup in (host.a, host.aaaa)
            if lookup.error is not None
        ]
        lookups = {
            host.name: {lookup.rdtype: lookup.error or lookup.rcode or "no records" for lookup in (host.a, host.aaaa)}
            for host in obs.hosts
        }
        if failed:
            # A lookup that failed is not "no address": the addresses could not be learned.
            return CheckResult.error(check_id, "; ".join(failed), lookups=lookups)
        names = " nor ".join(host.name for host in obs.hosts) or obs.domain
        return CheckResult.error(
            check_id, f"Neither {names} has an A or AAAA record: there is no website to test.", lookups=lookups
        )
    return None


def lookup_failures(obs: WebObservation) -> list[Finding]:
    """An ``error`` finding for each host whose A or AAAA lookup failed: its addresses were not all seen."""
    found = []
    for host in obs.hosts:
        for lookup in (host.a, host.aaaa):
            if lookup.error is not None:
                found.append(Finding(host.name, "", 0, Status.ERROR, f"{lookup.rdtype} lookup failed: {lookup.error}"))
    return found


def endpoints(obs: WebObservation) -> Iterable[tuple[WebHost, WebEndpoint]]:
    for host in obs.web_hosts:
        for endpoint in host.endpoints:
            yield host, endpoint


def https_findings(
    obs: WebObservation,
    judge: Callable[[WebHost, WebEndpoint, HttpResponse], Finding],
    *,
    without_https: Status,
    without_https_detail: str = "no address serves HTTPS, so the header is not served",
) -> list[Finding]:
    """Judge the first HTTPS response of every address.

    An address whose port 443 does not accept connections is ``not_applicable`` here: that it serves no HTTPS
    is web.https.available's finding, and the addresses that do serve HTTPS are judged. When *no* address
    serves HTTPS, every address gets ``without_https`` (the check's own "absent" verdict, never pass). An
    address where 443 accepted but the request failed is ``error`` with the reason.
    """
    findings = lookup_failures(obs)
    port = obs.https_port
    closed: list[Finding] = []
    served = False
    for host, endpoint in endpoints(obs):
        if endpoint.https is not None:
            served = True
            findings.append(judge(host, endpoint, endpoint.https))
            continue
        if https_closed(obs, endpoint):
            reason = endpoint.https_error or "no HTTPS response"
            closed.append(Finding(host.name, endpoint.ip, port, Status.NOT_APPLICABLE, reason))
        else:
            reason = endpoint.https_error or "no HTTPS response"
            findings.append(Finding(host.name, endpoint.ip, port, Status.ERROR, f"HTTPS request failed: {reason}"))
    if served:
        findings += [
            Finding(f.host, f.ip, f.port, f.status, f"no HTTPS on this address (see web.https.available): {f.detail}")
            for f in closed
        ]
    else:
        findings += [
            Finding(f.host, f.ip, f.port, without_https, f"{without_https_detail} ({f.detail})") for f in closed
        ]
    return findings


def https_closed(obs: WebObservation, endpoint: WebEndpoint) -> bool:
    """Port 443 of this address did not accept a TCP connection (refused or silent), and we did try."""
    probe = endpoint.port(obs.https_port)
    return probe is not None and not probe.open and not refused_by_guard(probe.error)


def primary_host(obs: WebObservation) -> WebHost | None:
    """The host a per-domain check judges: the domain itself, or www when only www resolves."""
    hosts = obs.web_hosts
    name = obs.domain.lower().rstrip(".")
    return next((h for h in hosts if h.name == name), hosts[0] if hosts else None)


def conclude(
    check_id: str,
    findings: Sequence[Finding],
    *,
    summaries: dict[Status, str],
    remedy: str,
    evidence: dict[str, Any] | None = None,
) -> CheckResult:
    """Fold ``findings`` into one result (worst status; ``not_applicable`` only when nothing else applies)."""
    judged = [f for f in findings if f.status is not Status.NOT_APPLICABLE]
    status = Status.worst(f.status for f in judged) if judged else Status.NOT_APPLICABLE
    if not findings:
        return CheckResult.error(check_id, "No web host address was measured.")
    summary = summaries.get(status) or _default_summary(status, findings)
    bad = [f for f in findings if f.status is status] if status is not Status.PASS else []
    if bad and status is not Status.NOT_APPLICABLE:
        # Group places with the same detail: a domain with six addresses that all lack HSTS says so once.
        grouped: dict[str, list[str]] = {}
        for finding in bad:
            grouped.setdefault(finding.detail, []).append(finding.where)
        parts = [f"{', '.join(places)}: {detail}" for detail, places in grouped.items()]
        summary = f"{summary} At " + "; ".join(parts[:8])
        if len(parts) > 8:
            summary += f"; and {len(parts) - 8} more"
    data: dict[str, Any] = {"endpoints": [f.to_json() for f in findings]}
    if evidence:
        data |= evidence
    if status is Status.ERROR:
        data["reason"] = "; ".join(f"{f.where}: {f.detail}" for f in findings if f.status is Status.ERROR)
    return CheckResult(
        check_id,
        status,
        summary,
        data,
        None if status in (Status.PASS, Status.NOT_APPLICABLE) else remedy,
    )


def _default_summary(status: Status, findings: Sequence[Finding]) -> str:
    return {
        Status.ERROR: "Could not measure every address.",
        Status.NOT_APPLICABLE: "Not applicable.",
    }.get(status, f"{status.value}.")
