"""The DNS observer: DNSSEC chain of the domain, its name servers over IPv4 and IPv6, CAA and CNAME chains.

    observations = await observe_dns("example.nl", env)
    observations["dns"]   # DnsObservation

1. DNSSEC: ``net.dnssec.validate`` of the domain's SOA from the configured trust anchor (shared per run).
2. NS: the NS set of the domain (or of the closest enclosing zone when the domain has none), the A and AAAA of
   every NS, and a direct, non-recursive SOA query to every address — UDP with TCP fallback — through
   ``env.guard`` and the per-IP limit. The AA flag tells a lame delegation apart (RFC 1034 §4.2.2).
3. CAA for the domain and ``www.`` of it (``hosts.web_hosts``: a ``www.`` name is not prefixed again),
   climbing towards the TLD until a non-empty RRset (RFC 8659 §3).
4. CNAME chains of the domain and ``www.`` of it, and whether the final target resolves (dangling CNAMEs).

Every lookup is asked with DO and CD set (like the validator's, sharing its cache): a zone with broken DNSSEC
still has name servers, CAA and aliases to measure, and the DNSSEC verdict is ``dns.dnssec.secure``'s alone.
Nothing here raises for network trouble: every failure is a reason in the observation.
"""

from __future__ import annotations

import asyncio
from typing import Any

from domeinwacht.hosts import web_hosts
from domeinwacht.net.dns import MAX_CNAME_CHAIN, DnsAnswer, DnsError, ask_server
from domeinwacht.net.dnssec import TrustAnchorError, TrustAnchors, load_trust_anchors, validate
from domeinwacht.observations.dns import CaaLookup, CnameChain, DiscoveredHost, DnsObservation, NameServer, NsProbe
from domeinwacht.scan.env import ScanEnv
from domeinwacht.scan.observe import observer

NS_PORT = 53  # name servers listen on 53; tests move it to a loopback port
MAX_NS = 13  # more than a root zone's worth of name servers is not a delegation we need to test in full


async def trust_anchors(env: ScanEnv) -> TrustAnchors:
    """The run's trust anchors (loaded once per run; the web observer shares the same key)."""

    async def load() -> TrustAnchors:
        return await asyncio.to_thread(load_trust_anchors, env.options.trust_anchor_file)

    anchors: TrustAnchors = await env.shared(("dnssec-trust-anchors",), load)
    return anchors


@observer("dns", groups=("web", "mail"), produces={"dns": DnsObservation})
async def observe_dns(domain: str, env: ScanEnv) -> dict[str, Any]:
    domain = domain.lower().rstrip(".")
    hosts = web_hosts(domain)
    dnssec_task = asyncio.ensure_future(_dnssec(domain, env))
    ns_task = asyncio.ensure_future(_name_servers(domain, env))
    caa = await asyncio.gather(*(caa_lookup(host, env) for host in hosts))
    discovered, discovery_errors = await _discover(domain, env) if env.options.discover else ((), ())
    extra = tuple(h.name for h in discovered if h.name not in hosts)
    cnames = await asyncio.gather(*(cname_chain(host, env) for host in (*hosts, *extra)))
    (dnssec, dnssec_error), (zone, ns, ns_error) = await dnssec_task, await ns_task
    return {
        "dns": DnsObservation(
            domain=domain,
            zone=zone,
            dnssec=dnssec,
            dnssec_error=dnssec_error,
            ns=ns,
            ns_error=ns_error,
            caa=tuple(caa),
            cnames=tuple(cnames),
            discovery=env.options.discover,
            discovered=discovered,
            discovery_errors=discovery_errors,
        )
    }


MAX_DISCOVERED = 200  # hosts whose alias chains one check follows (a zone transfer can list thousands)


async def _discover(domain: str, env: ScanEnv) -> tuple[tuple[DiscoveredHost, ...], tuple[tuple[str, str], ...]]:
    """The cheap discovery sources (``ScanOptions.discover``) for ``domain``, on the run's resolver and guard."""
    from domeinwacht.discovery import wordlist
    from domeinwacht.discovery.context import DiscoveryContext
    from domeinwacht.discovery.run import discover

    ctx = DiscoveryContext(
        resolver=env.resolver, guard=env.guard, ca_file=env.options.ca_file, wordlist=wordlist.labels(short=True)
    )
    found = await discover(domain, ctx, env.options.discover)
    hosts = tuple(DiscoveredHost(h.name, h.sources) for h in found.hosts[:MAX_DISCOVERED])
    errors = tuple((name, report.error) for name, report in sorted(found.sources.items()) if report.error)
    return hosts, errors


async def _dnssec(domain: str, env: ScanEnv) -> tuple[Any, str]:
    if env.options.dnssec_untrusted:
        return None, env.options.dnssec_untrusted
    try:
        anchors = await trust_anchors(env)
    except TrustAnchorError as exc:
        return None, f"trust anchor unusable: {exc}"
    return await validate(env.resolver, domain, "SOA", anchors=anchors), ""


async def _name_servers(domain: str, env: ScanEnv) -> tuple[str, tuple[NameServer, ...], str]:
    """(zone, name servers, error): the NS set of the domain or its closest enclosing zone, probed."""
    zone = domain
    answer: DnsAnswer | None = None
    while True:
        try:
            answer = await env.resolver.query(zone, "NS", dnssec=True)
        except DnsError as exc:
            return zone, (), f"NS lookup for {zone} failed: {exc.reason}"
        if answer.rcode not in ("NOERROR", "NXDOMAIN"):
            return zone, (), f"NS lookup for {zone} answered {answer.rcode}"
        if answer.records or zone.count(".") == 0:
            break
        zone = zone.split(".", 1)[1]  # not a zone apex: the NS set of the enclosing zone serves it
    if not answer.records:
        return zone, (), f"no NS records for {domain} or an enclosing zone"
    names = sorted({r.lower().rstrip(".") for r in answer.records})[:MAX_NS]
    servers = await asyncio.gather(*(_name_server(name, zone, env) for name in names))
    return zone, tuple(servers), ""


async def _name_server(name: str, zone: str, env: ScanEnv) -> NameServer:
    errors: list[str] = []
    addresses: dict[str, tuple[str, ...]] = {}
    for rdtype in ("A", "AAAA"):
        try:
            found = await env.resolver.query(name, rdtype, dnssec=True)
        except DnsError as exc:
            errors.append(f"{rdtype} lookup failed: {exc.reason}")
            found = None
        if found is not None and found.rcode not in ("NOERROR", "NXDOMAIN"):
            errors.append(f"{rdtype} lookup answered {found.rcode}")
        addresses[rdtype] = found.records if found is not None and found.rcode == "NOERROR" else ()
    probes = await asyncio.gather(
        *(_probe(ip, 4, zone, env) for ip in addresses["A"]),
        *(_probe(ip, 6, zone, env) for ip in addresses["AAAA"]),
    )
    return NameServer(name, addresses["A"], addresses["AAAA"], "; ".join(errors), tuple(probes))


async def _probe(address: str, family: int, zone: str, env: ScanEnv) -> NsProbe:
    """A direct SOA query for the zone; shared per run (one NS serves many domains of the same zone)."""

    async def ask() -> NsProbe:
        async with env.ip_limit(address, "dns"), env.global_limit:
            env.count("dns_ns_queries")
            reply = await ask_server(
                address, zone, "SOA", port=NS_PORT, per_try=min(env.options.io_timeout, 3.0), guard=env.guard
            )
        return NsProbe(
            address=address,
            family=family,
            answered=reply.answered,
            # RFC 1034 §4.2.2 / RFC 1035 §4.1.1: an authoritative server sets AA on answers from its zone
            authoritative=reply.answered and reply.authoritative and reply.rcode == "NOERROR",
            rcode=reply.rcode,
            transport=reply.transport,
            error=reply.error,
            elapsed=reply.elapsed,
        )

    probe: NsProbe = await env.shared(("dns-ns-probe", address, zone), ask)
    return probe


async def caa_lookup(host: str, env: ScanEnv) -> CaaLookup:
    """RFC 8659 §3: the relevant RRset is the first non-empty CAA RRset from ``host`` up to (not incl.) root.

    The resolver follows CNAMEs at each name as usual; the climb continues from the *original* name's parent
    (RFC 8659 dropped RFC 6844's climbing of alias targets).
    """
    climbed: list[str] = []
    skipped: list[str] = []
    name = host
    while name:
        climbed.append(name)
        try:
            answer = await env.resolver.query(name, "CAA", dnssec=True)
        except DnsError as exc:
            return CaaLookup(host, climbed=tuple(climbed), error=f"CAA lookup for {name} failed: {exc.reason}")
        if answer.rcode not in ("NOERROR", "NXDOMAIN"):
            if not await _is_alias(name, env):
                return CaaLookup(host, climbed=tuple(climbed), error=f"CAA lookup for {name} answered {answer.rcode}")
            # An alias whose chain does not resolve (a loop, a dead target): hygiene.dangling_cname reports it;
            # for the CAA records themselves the climb goes on from the alias's parent.
            skipped.append(name)
        elif answer.records:
            return CaaLookup(host, name, answer.records, tuple(climbed), skipped=tuple(skipped))
        name = name.split(".", 1)[1] if "." in name else ""
    return CaaLookup(host, climbed=tuple(climbed), skipped=tuple(skipped))


async def _is_alias(name: str, env: ScanEnv) -> bool:
    try:
        answer = await env.resolver.query(name, "CNAME", dnssec=True)
    except DnsError:
        return False
    return answer.rcode == "NOERROR" and bool(answer.records)


async def cname_chain(host: str, env: ScanEnv) -> CnameChain:
    """The alias chain of ``host`` and whether its final target has an address."""
    try:
        a = await env.resolver.query(host, "A", dnssec=True)
    except DnsError as exc:
        return CnameChain(host, error=f"A lookup for {host} failed: {exc.reason}")
    if a.rcode not in ("NOERROR", "NXDOMAIN", "CNAME_LOOP"):
        # A validating resolver answers SERVFAIL for a loop or a broken target: walk the chain ourselves.
        return await _walk_chain(host, a.rcode, env)
    if not a.cname_chain:
        return CnameChain(host, (), a.rcode, a.records)
    addresses = list(a.records)
    if a.rcode == "NOERROR":
        try:
            aaaa = await env.resolver.query(host, "AAAA", dnssec=True)
        except DnsError as exc:
            return CnameChain(host, a.cname_chain, a.rcode, a.records, f"AAAA lookup failed: {exc.reason}")
        addresses.extend(aaaa.records)
    return CnameChain(host, a.cname_chain, a.rcode, tuple(addresses))


async def _walk_chain(host: str, rcode: str, env: ScanEnv) -> CnameChain:
    """Follow CNAME records one question at a time (type CNAME is never chased by the resolver)."""
    chain = [host]
    name = host
    for _ in range(MAX_CNAME_CHAIN):
        try:
            step = await env.resolver.query(name, "CNAME", dnssec=True)
        except DnsError as exc:
            return CnameChain(host, tuple(chain) if len(chain) > 1 else (), rcode, error=exc.reason)
        if step.rcode != "NOERROR" or not step.records:
            break
        name = step.records[0].lower().rstrip(".")
        if name in chain:
            return CnameChain(host, (*chain, name), "CNAME_LOOP")
        chain.append(name)
    else:
        return CnameChain(host, tuple(chain), "CNAME_LOOP")
    return CnameChain(host, tuple(chain) if len(chain) > 1 else (), rcode)
