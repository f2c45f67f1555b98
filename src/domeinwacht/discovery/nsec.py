"""The NSEC source: walk a zone's NSEC chain, or collect its NSEC3 hashes and match them offline.

NSEC (RFC 4034 §4): every owner name's NSEC record names the next owner in canonical order, so asking each name
for its NSEC walks the whole zone. NSEC3 (RFC 5155) hashes the names; a negative answer still shows the hashes
that cover the question (owner and next hash), so random questions collect the zone's hashes, and candidate
labels (the wordlist, labels found elsewhere) are hashed with the zone's salt and iterations and looked up
offline (``dns.dnssec.nsec3_hash``) — no further query per candidate. Questions go to an authoritative server
directly (RD off), as ``ldns-walk`` and dnsrecon do.
"""

from __future__ import annotations

import base64

import dns.dnssec
import dns.flags
import dns.message
import dns.name
import dns.rdatatype

from domeinwacht.discovery.context import DiscoveryContext, name_servers, under
from domeinwacht.discovery.found import SourceReport
from domeinwacht.discovery.wildcard import random_label
from domeinwacht.net.dns import DnsTransportError, exchange
from domeinwacht.net.guard import NonPublicAddressError

SOURCE = "nsec"


class _Asker:
    """Questions to the first authoritative server that answers; counts them."""

    def __init__(self, servers: list[tuple[str, str]], ctx: DiscoveryContext) -> None:
        self.servers = servers
        self.ctx = ctx
        self.queries = 0

    async def ask(self, qname: str, rdtype: str) -> dns.message.Message:
        last = "no authoritative server"
        for _, address in self.servers:
            try:
                self.ctx.guard.check(address)
            except NonPublicAddressError as exc:
                last = str(exc)
                continue
            request = dns.message.make_query(qname, rdtype, want_dnssec=True, payload=1232)
            request.flags &= ~dns.flags.RD
            self.queries += 1
            try:
                async with self.ctx.semaphore:
                    response, _ = await exchange(request, address, per_try=self.ctx.limits.per_try)
            except DnsTransportError as exc:
                last = exc.reason
                continue
            return response
        raise DnsTransportError(last, timed_out=False)


def _records(message: dns.message.Message, rdtype: int) -> list[tuple[dns.name.Name, object]]:
    return [
        (rrset.name, rd)
        for section in (message.answer, message.authority)
        for rrset in section
        if rrset.rdtype == rdtype
        for rd in rrset
    ]


async def walk_nsec(apex: str, asker: _Asker, max_names: int) -> tuple[set[str], str | None]:
    names: set[str] = set()
    origin = dns.name.from_text(apex)
    current = origin
    for _ in range(max_names):
        response = await asker.ask(current.to_text(), "NSEC")
        nsecs = [(owner, rd) for owner, rd in _records(response, dns.rdatatype.NSEC) if owner == current]
        if not nsecs:
            return names, f"no NSEC record for {current.to_text().rstrip('.')}: walk stopped"
        following: dns.name.Name = nsecs[0][1].next  # type: ignore[attr-defined]
        if following == origin or not following.is_subdomain(origin):
            return names, None
        text = following.to_text().rstrip(".").lower()
        if text in names:
            return names, f"the NSEC chain loops at {text}"
        names.add(text)
        current = following
    return names, f"stopped after {max_names} names"


Nsec3Params = tuple[int, int, bytes]  # algorithm, iterations, salt


async def collect_nsec3(apex: str, asker: _Asker, ctx: DiscoveryContext) -> tuple[set[str], Nsec3Params | None]:
    """Hashes (base32hex, upper case) seen in negative answers, and the zone's (algorithm, iterations, salt)."""
    hashes: set[str] = set()
    params: Nsec3Params | None = None
    dry = 0
    for _ in range(ctx.limits.nsec3_max_queries):
        response = await asker.ask(f"{random_label()}.{apex}", "A")
        before = len(hashes)
        for owner, rd in _records(response, dns.rdatatype.NSEC3):
            hashes.add(owner.labels[0].decode().upper())
            hashes.add(base64.b32hexencode(rd.next).decode().rstrip("=").upper())  # type: ignore[attr-defined]
            params = (rd.algorithm, rd.iterations, rd.salt)  # type: ignore[attr-defined]
        if params is None:
            break  # not NSEC3 after all
        dry = dry + 1 if len(hashes) == before else 0
        if dry >= ctx.limits.nsec3_patience:
            break
    return hashes, params


async def run(domain: str, ctx: DiscoveryContext, candidates: tuple[str, ...] = ()) -> SourceReport:
    servers, error = await name_servers(domain, ctx)
    if error:
        return SourceReport(SOURCE, error=error)
    asker = _Asker(servers, ctx)
    try:
        probe = await asker.ask(domain, "NSEC")
        if _records(probe, dns.rdatatype.NSEC):
            names, stop = await walk_nsec(domain, asker, ctx.limits.nsec_max_names)
            names = {n for n in names if under(n, domain) and "*" not in n}
            return SourceReport(SOURCE, frozenset(names), asker.queries, stop, {"denial": "nsec"})
        hashes, params = await collect_nsec3(domain, asker, ctx)
    except DnsTransportError as exc:
        return SourceReport(SOURCE, queries=asker.queries, error=exc.reason)
    if params is None:
        return SourceReport(SOURCE, queries=asker.queries, detail={"denial": "none (unsigned zone)"})
    algorithm, iterations, salt = params
    found: set[str] = set()
    for label in dict.fromkeys((*ctx.wordlist, *candidates)):
        name = f"{label}.{domain}"
        if dns.dnssec.nsec3_hash(name, salt, iterations, algorithm).upper() in hashes:
            found.add(name)
    detail = {"denial": "nsec3", "hashes": len(hashes), "iterations": iterations, "matched": len(found)}
    return SourceReport(SOURCE, frozenset(found), asker.queries, None, detail)
