"""dns.ns.ipv6, dns.ns.ipv6_reach and dns.ns.ipv4_reach: the domain's name servers (CHECKS.md "DNS").

A name server *answers* on an address when a direct, non-recursive SOA query for the zone (UDP, TCP fallback)
gets a NOERROR response with the AA flag: an answer without AA, or REFUSED/SERVFAIL, is a lame delegation
(RFC 1034 §4.2.2; RFC 1912 §2.8). Every address is tested, not only the first of each family.
"""

from __future__ import annotations

from typing import Any

from domeinwacht.checks.catalogue import DNS_NS_IPV4_REACH, DNS_NS_IPV6, DNS_NS_IPV6_REACH
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.observations.dns import DnsObservation, NameServer, NsProbe
from domeinwacht.observations.refusal import refused_by_guard


def _where(probe: NsProbe) -> str:
    return f"[{probe.address}]:53" if probe.family == 6 else f"{probe.address}:53"


def _outcome(probe: NsProbe) -> str:
    """``ok``, ``lame``, ``unreachable`` or ``untested`` (the address guard refused it)."""
    if probe.authoritative:
        return "ok"
    if probe.answered:
        return "lame"
    if refused_by_guard(probe.error):
        return "untested"
    return "unreachable"


def _describe(probe: NsProbe) -> dict[str, Any]:
    return {
        "address": _where(probe),
        "outcome": _outcome(probe),
        "rcode": probe.rcode,
        "aa": probe.authoritative,
        "transport": probe.transport,
        **({"error": probe.error} if probe.error else {}),
    }


def _failure(ns: NameServer, probe: NsProbe) -> str:
    if _outcome(probe) == "lame":
        return f"{_where(probe)} ({ns.name}) answered without authority ({probe.rcode or 'no AA'})"
    return f"{_where(probe)} ({ns.name}) did not answer: {probe.error}"


def _ns_evidence(ns: NameServer, family: int) -> dict[str, Any]:
    return {
        "name": ns.name,
        "addresses": list(ns.ipv4 if family == 4 else ns.ipv6),
        "probes": [_describe(p) for p in ns.probes if p.family == family],
        **({"lookup_error": ns.error} if ns.error else {}),
    }


def _precondition(check_id: str, obs: DnsObservation) -> CheckResult | None:
    if obs.ns_error:
        return CheckResult.error(check_id, obs.ns_error, zone=obs.zone)
    if not obs.ns:
        return CheckResult.error(check_id, f"no name servers found for {obs.domain}", zone=obs.zone)
    return None


@check(DNS_NS_IPV6, area="dns")
def ns_ipv6(obs: DnsObservation, ctx: CheckContext) -> CheckResult:
    cid = DNS_NS_IPV6
    if (pre := _precondition(cid, obs)) is not None:
        return pre
    with_aaaa = [ns for ns in obs.ns if ns.ipv6]
    unknown = [ns for ns in obs.ns if not ns.ipv6 and ns.error]
    evidence = {"zone": obs.zone, "name_servers": {ns.name: list(ns.ipv6) for ns in obs.ns}}
    if len(with_aaaa) >= 2:  # CHECKS.md dns.ns.ipv6: at least two NS with AAAA (Internet.nl, RFC 3901 §3)
        return CheckResult(
            cid, Status.PASS, f"{len(with_aaaa)} of {len(obs.ns)} name servers of {obs.zone} have IPv6.", evidence
        )
    if unknown and len(with_aaaa) + len(unknown) >= 2:
        return CheckResult.error(cid, "; ".join(f"{ns.name}: {ns.error}" for ns in unknown), **evidence)
    return CheckResult(
        cid,
        Status.FAIL,
        f"Only {len(with_aaaa)} of {len(obs.ns)} name servers of {obs.zone} have an IPv6 address (AAAA); "
        "at least two are needed.",
        evidence,
        "Give at least two name servers an IPv6 address (AAAA, also as glue at the registry) so that IPv6-only "
        "resolvers can reach the zone (RFC 3901 §3; Internet.nl / Forum Standaardisatie IPv6).",
    )


def _reach(cid: str, obs: DnsObservation, family: int) -> CheckResult:
    servers = [ns for ns in obs.ns if (ns.ipv6 if family == 6 else ns.ipv4)]
    evidence: dict[str, Any] = {"zone": obs.zone, "name_servers": [_ns_evidence(ns, family) for ns in servers]}
    verdict: dict[str, str] = {}
    for ns in servers:
        outcomes = {_outcome(p) for p in ns.probes if p.family == family}
        if not outcomes:
            verdict[ns.name] = "untested"
        elif outcomes == {"ok"}:
            verdict[ns.name] = "ok"
        elif "lame" in outcomes:
            verdict[ns.name] = "lame"
        elif "unreachable" in outcomes:
            verdict[ns.name] = "unreachable"
        else:
            verdict[ns.name] = "untested"
    evidence["verdict"] = verdict
    bad = [
        _failure(ns, p)
        for ns in servers
        for p in ns.probes
        if p.family == family and _outcome(p) in ("lame", "unreachable")
    ]
    return _reach_result(cid, obs, family=family, servers=servers, verdict=verdict, bad=bad, evidence=evidence)


def _reach_result(
    cid: str,
    obs: DnsObservation,
    *,
    family: int,
    servers: list[NameServer],
    verdict: dict[str, str],
    bad: list[str],
    evidence: dict[str, Any],
) -> CheckResult:
    ip = f"IPv{family}"
    ok = [n for n, v in verdict.items() if v == "ok"]
    untested = [n for n, v in verdict.items() if v == "untested"]
    remedy = (
        f"Make every name server answer authoritatively for {obs.zone} over {ip} on UDP and TCP port 53 "
        "(RFC 1035 §4.2, RFC 7766 for TCP); remove name servers that do not serve the zone from the NS set and "
        "the parent's delegation (lame delegation, RFC 1912 §2.8)."
    )
    if not servers:
        return CheckResult(
            cid,
            Status.FAIL,
            f"No name server of {obs.zone} has an {ip} address: none can answer over {ip}.",
            evidence,
            remedy,
        )
    if untested and not bad:
        # Name the guard's refusal when that is why (no query was sent), so the owner sees the reason.
        refusals = sorted(
            {
                p.error
                for ns in servers
                for p in ns.probes
                if ns.name in untested and p.family == family and refused_by_guard(p.error)
            }
        )
        why = "; ".join(refusals) if refusals else "address refused or not probed"
        return CheckResult.error(cid, f"{', '.join(untested)} could not be tested over {ip} ({why})", **evidence)
    if family == 4:
        # CHECKS.md dns.ns.ipv4_reach: each NS answers over IPv4; unreachable or lame: fail
        if bad:
            return CheckResult(
                cid, Status.FAIL, f"Name servers of {obs.zone} fail over IPv4: {'; '.join(bad)}.", evidence, remedy
            )
        return CheckResult(
            cid, Status.PASS, f"Every name server of {obs.zone} answers authoritatively over IPv4.", evidence
        )
    # CHECKS.md dns.ns.ipv6_reach: all NS with AAAA answer: pass; some: warning; none: fail
    if not bad:
        return CheckResult(
            cid, Status.PASS, f"Every name server of {obs.zone} with IPv6 answers authoritatively over IPv6.", evidence
        )
    status = Status.WARNING if ok else Status.FAIL
    return CheckResult(
        cid,
        status,
        f"{len(ok)} of {len(servers)} name servers of {obs.zone} with IPv6 answer over IPv6: {'; '.join(bad)}.",
        evidence,
        remedy,
    )


@check(DNS_NS_IPV6_REACH, area="dns")
def ns_ipv6_reach(obs: DnsObservation, ctx: CheckContext) -> CheckResult:
    cid = DNS_NS_IPV6_REACH
    if (pre := _precondition(cid, obs)) is not None:
        return pre
    return _reach(cid, obs, 6)


@check(DNS_NS_IPV4_REACH, area="dns")
def ns_ipv4_reach(obs: DnsObservation, ctx: CheckContext) -> CheckResult:
    cid = DNS_NS_IPV4_REACH
    if (pre := _precondition(cid, obs)) is not None:
        return pre
    no_address = [ns.name for ns in obs.ns if not ns.ipv4 and not ns.ipv6 and not ns.error]
    result = _reach(cid, obs, 4)
    if no_address and result.status is not Status.ERROR:
        # A name server without any address cannot serve the zone at all: a broken delegation.
        return CheckResult(
            cid,
            Status.FAIL,
            f"Name servers of {obs.zone} without any address: {', '.join(no_address)}."
            + (f" {result.summary}" if result.status is Status.FAIL else ""),
            {**result.evidence, "without_address": no_address},
            result.remedy or f"Give {', '.join(no_address)} an address or remove it from the NS set (RFC 1912 §2.8).",
        )
    return result
