"""Async DNS stub resolver on dnspython: bounded, cached per run, and the only place DNS is spoken.

    resolver = Resolver(ResolverConfig(nameservers=("192.0.2.53",)))
    answer = await resolver.query("example.nl", "AAAA")
    answer.rcode, answer.records, answer.ad

Transport failures raise ``DnsError`` subclasses (``DnsTimeoutError`` …) carrying the question; DNS-level
outcomes (NXDOMAIN, SERVFAIL, NOERROR/NODATA) are answers, not exceptions, because checks reason about them.
"""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass, field
from typing import Any

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from domeinwacht.net.guard import AddressGuard

MAX_CNAME_CHAIN = 16


class DnsError(Exception):
    """A question could not be answered at all."""

    def __init__(self, qname: str, rdtype: str, reason: str) -> None:
        super().__init__(f"{qname} {rdtype}: {reason}")
        self.qname = qname
        self.rdtype = rdtype
        self.reason = reason


class DnsTimeoutError(DnsError):
    """No server answered in time."""


class DnsProtocolError(DnsError):
    """A server answered with something that is not a usable DNS response."""


@dataclass(frozen=True, slots=True)
class ResolverConfig:
    """Where and how to ask.

    Attributes:
        nameservers: resolver addresses, optionally ``addr:port`` / ``[v6]:port``; empty means /etc/resolv.conf.
        timeout: seconds per attempt per server.
        attempts: tries per server before the next.
        lifetime: total seconds for one question.
        max_message_size: EDNS payload size we advertise; larger answers come over TCP (capped at 64 KiB).
    """

    nameservers: tuple[str, ...] = ()
    timeout: float = 2.0
    attempts: int = 2
    lifetime: float = 8.0
    max_message_size: int = 1232


@dataclass(frozen=True, slots=True)
class DnsAnswer:
    """The outcome of one question, after following CNAMEs inside the response.

    Attributes:
        qname / rdtype: the question.
        rcode: ``NOERROR``, ``NXDOMAIN``, ``SERVFAIL``…
        records: the rdata (presentation format) of the final RRset of ``rdtype``; empty for NODATA.
        ttl: TTL of that RRset (0 when empty).
        cname_chain: names followed, in order, starting with ``qname`` when a CNAME was seen.
        ad: the resolver's Authenticated Data flag (information only; we validate DNSSEC ourselves).
        server: the server that answered (``addr:port``).
    """

    qname: str
    rdtype: str
    rcode: str
    records: tuple[str, ...] = ()
    ttl: int = 0
    cname_chain: tuple[str, ...] = ()
    ad: bool = False
    server: str = ""

    @property
    def exists(self) -> bool:
        return self.rcode == "NOERROR" and bool(self.records)


def parse_server(text: str, default_port: int = 53) -> tuple[str, int]:
    """``"192.0.2.1"``, ``"192.0.2.1:5353"``, ``"2001:db8::1"``, ``"[2001:db8::1]:53"`` -> (addr, port)."""
    text = text.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = int(rest[1:]) if rest.startswith(":") else default_port
    elif text.count(":") == 1:
        host, _, p = text.partition(":")
        port = int(p)
    else:
        host, port = text, default_port
    ipaddress.ip_address(host)  # raises ValueError for a name
    if not 0 < port < 65536:
        raise ValueError(f"port out of range: {port}")
    return host, port


def system_nameservers() -> tuple[str, ...]:
    try:
        with open("/etc/resolv.conf", encoding="utf-8") as fh:
            return tuple(line.split()[1] for line in fh if line.startswith("nameserver") and len(line.split()) > 1)
    except OSError:
        return ()


@dataclass
class Resolver:
    """A caching stub resolver for one run. Concurrent identical questions share one query."""

    config: ResolverConfig = field(default_factory=ResolverConfig)
    guard: AddressGuard = field(default_factory=lambda: AddressGuard(allow_non_public=True))
    _cache: dict[tuple[str, str, bool], asyncio.Future[dns.message.Message]] = field(default_factory=dict, repr=False)
    queries_sent: int = 0
    # Per-run memo of DNSSEC validations (net.dnssec keys it by zone; lives and dies with this resolver).
    dnssec_cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        servers = self.config.nameservers or system_nameservers()
        if not servers:
            raise ValueError("no DNS resolver configured and none in /etc/resolv.conf")
        self._servers = [parse_server(s) for s in servers]

    async def query(self, qname: str, rdtype: str, *, dnssec: bool = False) -> DnsAnswer:
        """Ask ``rdtype`` for ``qname``; follows CNAMEs present in the response."""
        message, server = await self.message(qname, rdtype, dnssec=dnssec)
        return answer_from_message(qname, rdtype, message, server)

    async def message(self, qname: str, rdtype: str, *, dnssec: bool = False) -> tuple[dns.message.Message, str]:
        """The raw response for a question (cached for the run)."""
        key = (qname.lower().rstrip(".") + ".", rdtype.upper(), dnssec)
        future = self._cache.get(key)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._cache[key] = future
            try:
                future.set_result(await self._ask(key[0], key[1], dnssec))
            except BaseException as exc:
                future.set_exception(exc)
                self._cache.pop(key, None)
                future.exception()  # mark retrieved: the caller sees it below
                raise
        response = await asyncio.shield(future)
        return response, getattr(response, "_dw_server", "")

    async def _ask(self, qname: str, rdtype: str, dnssec: bool) -> dns.message.Message:
        try:
            name = dns.name.from_text(qname)
            rdt = dns.rdatatype.from_text(rdtype)
        except (dns.exception.DNSException, ValueError) as exc:
            raise DnsProtocolError(qname, rdtype, f"invalid question: {exc}") from exc
        request = dns.message.make_query(
            name, rdt, want_dnssec=dnssec, use_edns=0, payload=self.config.max_message_size
        )
        if dnssec:
            request.flags |= dns.flags.CD  # we validate ourselves; get bogus data to explain it
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.lifetime
        last: Exception | None = None
        for _ in range(self.config.attempts):
            for host, port in self._servers:
                self.guard.check(host)
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise DnsTimeoutError(qname, rdtype, f"no answer within {self.config.lifetime}s")
                timeout = min(self.config.timeout, remaining)
                self.queries_sent += 1
                try:
                    response = await dns.asyncquery.udp(
                        request, host, port=port, timeout=timeout, ignore_unexpected=True
                    )
                    if response.flags & dns.flags.TC:
                        self.queries_sent += 1
                        response = await dns.asyncquery.tcp(request, host, port=port, timeout=max(timeout, 0.1))
                except dns.exception.Timeout as exc:
                    last = exc
                    continue
                except (OSError, dns.exception.DNSException, EOFError, ValueError) as exc:
                    last = exc
                    continue
                response._dw_server = f"{host}:{port}"  # type: ignore[attr-defined]
                return response
        if isinstance(last, dns.exception.Timeout) or last is None:
            raise DnsTimeoutError(qname, rdtype, f"no answer within {self.config.lifetime}s")
        raise DnsProtocolError(qname, rdtype, f"{type(last).__name__}: {last}")


def answer_from_message(qname: str, rdtype: str, message: dns.message.Message, server: str = "") -> DnsAnswer:
    """Follow the CNAME chain inside ``message`` and extract the RRset asked for."""
    name = dns.name.from_text(qname)
    rdt = dns.rdatatype.from_text(rdtype)
    chain: list[str] = []
    seen: set[dns.name.Name] = set()
    rrset: dns.rrset.RRset | None = None
    while True:
        rrset = message.get_rrset(message.answer, name, dns.rdataclass.IN, rdt)
        if rrset is not None or rdt == dns.rdatatype.CNAME:
            break
        cname = message.get_rrset(message.answer, name, dns.rdataclass.IN, dns.rdatatype.CNAME)
        if cname is None:
            break
        if name in seen or len(chain) >= MAX_CNAME_CHAIN:
            chain.append(name.to_text().rstrip("."))
            return DnsAnswer(qname, rdtype.upper(), "CNAME_LOOP", (), 0, tuple(chain), False, server)
        seen.add(name)
        chain.append(name.to_text().rstrip("."))
        name = cname[0].target
    if chain:
        chain.append(name.to_text().rstrip("."))
    records = tuple(sorted(rd.to_text() for rd in rrset)) if rrset is not None else ()
    return DnsAnswer(
        qname=qname,
        rdtype=rdtype.upper(),
        rcode=dns.rcode.to_text(message.rcode()),
        records=records,
        ttl=rrset.ttl if rrset is not None else 0,
        cname_chain=tuple(chain),
        ad=bool(message.flags & dns.flags.AD),
        server=server,
    )
