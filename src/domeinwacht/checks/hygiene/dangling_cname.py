"""hygiene.dangling_cname: an alias of a web host that ends nowhere (CHECKS.md "Hygiene and exposure").

A CNAME (at any depth of the chain) whose final target does not exist (NXDOMAIN) can be taken over by whoever
registers or claims that name — a cloud bucket, a SaaS site, an expired domain — and then serves content under
the government's name. The observer follows the chains of the domain and ``www.``; this check judges where
they end:

- target NXDOMAIN: fail (takeover risk);
- target exists but has no A/AAAA: warning (it resolves to nothing, but someone holds the name);
- a CNAME loop (or a chain longer than 16 links): fail — the name never resolves;
- a failed lookup: error with the reason (we could not see the end of the chain);
- no alias, or every chain ends in an address: pass.

The SaaS case ("no such site" pages from a cloud front end) needs the HTTP answer and is not judged here.
"""

from __future__ import annotations

from typing import Any

from domeinwacht.checks.catalogue import HYGIENE_DANGLING_CNAME
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.observations.dns import CnameChain, DnsObservation

CID = HYGIENE_DANGLING_CNAME


def _judge(chain: CnameChain) -> tuple[Status, str]:
    if chain.error:
        return Status.ERROR, f"{chain.host}: {chain.error}"
    if not chain.chain:
        return Status.PASS, f"{chain.host} is not an alias"
    path = " -> ".join(chain.chain)
    if chain.rcode == "CNAME_LOOP":  # never resolves: every resolver gives up (SERVFAIL)
        return Status.FAIL, f"{chain.host}: CNAME loop or endless chain ({path}) never resolves"
    if chain.rcode == "NXDOMAIN":  # RFC 1034 §3.6.2: the alias points at a name that does not exist
        return Status.FAIL, f"{chain.host}: {path} ends in a name that does not exist (NXDOMAIN)"
    if chain.rcode != "NOERROR":
        return Status.ERROR, f"{chain.host}: {path} ends in {chain.rcode}"
    if not chain.addresses:
        return Status.WARNING, f"{chain.host}: {path} ends in a name without A or AAAA records"
    return Status.PASS, f"{chain.host}: {path} resolves to {', '.join(chain.addresses)}"


def examined(obs: DnsObservation) -> str:
    """How many hosts were looked at and how they were found ("3 hosts: the domain, www and 1 found by …")."""
    found = len(obs.discovered)
    base = f"{len(obs.cnames)} host(s) examined: the domain and www"
    if not obs.discovery:
        return base + " (discovery not run)"
    sources: dict[str, int] = {}
    for host in obs.discovered:
        for source in host.sources:
            sources[source] = sources.get(source, 0) + 1
    how = ", ".join(f"{source} {n}" for source, n in sorted(sources.items()))
    return base + (
        f", and {found} found by discovery ({how})"
        if found
        else f"; discovery ({', '.join(obs.discovery)}) found no other host"
    )


@check(CID, area="dns")
def dangling_cname(obs: DnsObservation, ctx: CheckContext) -> CheckResult:
    if not obs.cnames:
        return CheckResult.error(CID, "CNAME chains were not observed")
    judged = [(c, *_judge(c)) for c in obs.cnames]
    status = Status.worst(s for _, s, _ in judged)
    scope = examined(obs)
    evidence: dict[str, Any] = {
        "examined": scope,
        "discovery": {
            "sources": list(obs.discovery),
            "hosts": {h.name: list(h.sources) for h in obs.discovered},
            "errors": dict(obs.discovery_errors),
        },
        "hosts": [
            {
                "host": c.host,
                "chain": list(c.chain),
                "rcode": c.rcode,
                "addresses": list(c.addresses),
                "verdict": s.value,
            }
            for c, s, _ in judged
        ],
    }
    findings = "; ".join(text for _, s, text in judged if s is status)
    if status is Status.ERROR:
        return CheckResult(
            CID, Status.ERROR, f"Could not follow every alias: {findings} ({scope}).", {"reason": findings, **evidence}
        )
    if status in (Status.FAIL, Status.WARNING):
        return CheckResult(
            CID,
            status,
            f"Dangling alias: {findings} ({scope}).",
            evidence,
            "Remove the CNAME record, or point it at a name you control that resolves; a dangling alias lets "
            "whoever claims the target name serve content under your domain (subdomain takeover; RFC 1034 §3.6.2).",
        )
    if len(judged) > 2:
        return CheckResult(CID, Status.PASS, f"No dangling aliases ({scope}).", evidence)
    return CheckResult(
        CID, Status.PASS, f"No dangling aliases: {'; '.join(t for _, _, t in judged)} ({scope}).", evidence
    )
