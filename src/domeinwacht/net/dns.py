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

from domeinwacht.lru import SharedWork
from domeinwacht.net.guard import AddressGuard, NonPublicAddressError

MAX_CNAME_CHAIN = 16
# Zones, delegations and validated RRsets kept per run by net.dnssec (least recently used dropped first): the keys
# of the root, the TLDs and shared parents stay; a finished domain's own entries go, so a long run stays flat.
MAX_CACHED_VALIDATIONS = 3_000


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
        max_cache_entries / max_cache_bytes: answers (and their wire bytes) kept per run before the least recently
            used are dropped, so memory stays bounded even when every answer is a 64 KB TXT. A parsed message
            costs several times its wire size in Python objects (about 4-8 KiB for a signed answer), so the
            entry bound is what keeps a 10,000-domain run flat (tracemalloc on the bench: ~8 KiB per cached
            answer, 25 answers per domain): 5,000 answers cover the domains in flight, and what is asked again
            across domains (TLD keys, shared name servers and mail servers) stays hot.
    """

    nameservers: tuple[str, ...] = ()
    timeout: float = 2.0
    attempts: int = 2
    lifetime: float = 8.0
    max_message_size: int = 1232
    max_cache_entries: int = 5_000
    max_cache_bytes: int = 32 * 1024 * 1024


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
    """A caching stub resolver for one run. Concurrent identical questions share one query.

    Bounds: every question has a lifetime (``config.lifetime``) over all attempts and servers; a UDP answer with
    TC set is retried over TCP (64 KiB at most, the DNS message limit); the cache holds at most
    ``config.max_cache_entries`` answers (oldest evicted first); CNAME chains are followed at most
    ``MAX_CNAME_CHAIN`` links and loops end in the pseudo-rcode ``CNAME_LOOP``.
    """

    config: ResolverConfig = field(default_factory=ResolverConfig)
    guard: AddressGuard = field(default_factory=lambda: AddressGuard(allow_non_public=True))
    queries_sent: int = 0

    def __post_init__(self) -> None:
        # A failed question is not kept: the next asker asks again (a timeout may be transient).
        self._cache: SharedWork[tuple[str, str, bool], dns.message.Message] = SharedWork(
            max_entries=self.config.max_cache_entries,
            max_weight=self.config.max_cache_bytes,
            weigh=message_size,
            keep_errors=False,
        )
        # Per-run memo of DNSSEC validations (net.dnssec keys it by zone; lives and dies with this resolver).
        self.dnssec_cache: SharedWork[tuple[Any, ...], Any] = SharedWork(
            max_entries=MAX_CACHED_VALIDATIONS, keep_errors=False
        )
        servers = self.config.nameservers or system_nameservers()
        if not servers:
            raise ValueError("no DNS resolver configured and none in /etc/resolv.conf")
        self._servers = [parse_server(s) for s in servers]

    async def query(self, qname: str, rdtype: str, *, dnssec: bool = False) -> DnsAnswer:
        """Ask ``rdtype`` for ``qname``; follows CNAMEs, also when the resolver left a chain unfinished."""
        message, server = await self.message(qname, rdtype, dnssec=dnssec)
        answer = answer_from_message(qname, rdtype, message, server)
        chain = list(answer.cname_chain)
        # A resolver normally returns the whole chain; when it stops half-way (NOERROR, no data, no SOA saying
        # "nothing here"), ask again for the last target, keeping the chain and its loop check across questions.
        while (
            chain
            and answer.rcode == "NOERROR"
            and not answer.records
            and not any(r.rdtype == dns.rdatatype.SOA for r in message.authority)
            and len(chain) <= MAX_CNAME_CHAIN
        ):
            target = chain[-1]
            message, server = await self.message(target, rdtype, dnssec=dnssec)
            step = answer_from_message(target, rdtype, message, server)
            more = list(step.cname_chain[1:])
            if any(_same_name(n, m) for n in more for m in chain) or step.rcode == "CNAME_LOOP":
                return DnsAnswer(qname, rdtype.upper(), "CNAME_LOOP", (), 0, (*chain, *more), False, server)
            chain.extend(more)
            answer = DnsAnswer(qname, rdtype.upper(), step.rcode, step.records, step.ttl, tuple(chain), step.ad, server)
            if not more:
                break
        if len(chain) > MAX_CNAME_CHAIN + 1:
            return DnsAnswer(qname, rdtype.upper(), "CNAME_LOOP", (), 0, tuple(chain), False, answer.server)
        return answer

    async def message(self, qname: str, rdtype: str, *, dnssec: bool = False) -> tuple[dns.message.Message, str]:
        """The raw response for a question (cached for the run; concurrent askers share one query)."""
        key = (qname.lower().rstrip(".") + ".", rdtype.upper(), dnssec)
        response = await self._cache.get(key, lambda: self._ask(*key))
        return response, getattr(response, "_dw_server", "")

    @property
    def cache_bytes(self) -> int:
        """Approximate bytes of DNS data held by the cache."""
        return self._cache.weight

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
                self.queries_sent += 1
                try:
                    response, transport = await exchange(
                        request, host, port, per_try=min(self.config.timeout, remaining), deadline=deadline
                    )
                except DnsTransportError as exc:
                    last = exc
                    self.queries_sent += exc.tcp_tried
                    continue
                self.queries_sent += transport == "tcp"
                if response.rcode() in (dns.rcode.FORMERR, dns.rcode.NOTIMP) and response.edns < 0:
                    # RFC 6891 §7: a server that does not understand EDNS; ask again without it (no DNSSEC data).
                    plain = dns.message.make_query(request.question[0].name, request.question[0].rdtype, use_edns=False)
                    plain.flags |= request.flags & dns.flags.CD
                    self.queries_sent += 1
                    try:
                        response, transport = await exchange(
                            plain, host, port, per_try=min(self.config.timeout, remaining), deadline=deadline
                        )
                    except DnsTransportError as exc:
                        last = exc
                        continue
                response._dw_server = f"{host}:{port}"  # type: ignore[attr-defined]
                return response
        if isinstance(last, DnsTransportError) and not last.timed_out:
            raise DnsProtocolError(qname, rdtype, last.reason)
        raise DnsTimeoutError(qname, rdtype, f"no answer within {self.config.lifetime}s")


def message_size(message: dns.message.Message) -> int:
    """Approximate size of a message's records in bytes (rdata wire length plus a fixed per-record overhead)."""
    size = 12
    for section in (message.answer, message.authority, message.additional):
        for rrset in section:
            size += len(rrset) * (len(rrset.name) * 8 + 10)
            size += sum(len(rd.to_wire()) for rd in rrset)
    return size


class DnsTransportError(Exception):
    """One exchange with one server failed (internal to this module)."""

    def __init__(self, reason: str, *, timed_out: bool, tcp_tried: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.timed_out = timed_out
        self.tcp_tried = tcp_tried


async def exchange(
    request: dns.message.Message,
    host: str,
    port: int = 53,
    *,
    per_try: float,
    deadline: float | None = None,
    force_tcp: bool = False,
) -> tuple[dns.message.Message, str]:
    """Send ``request`` to one server: UDP first, TCP when the answer is truncated (RFC 7766 §5) or UDP fails.

    Returns the response and the transport that produced it (``"udp"``/``"tcp"``). Every failure becomes a
    ``DnsTransportError`` with a human reason; nothing from dnspython or the socket layer leaks out. A response
    is at most 65535 bytes on either transport (the DNS length limit), so memory per exchange is bounded.
    """
    loop = asyncio.get_running_loop()
    end = min(deadline, loop.time() + 2 * per_try) if deadline is not None else loop.time() + 2 * per_try
    udp_failure: DnsTransportError | None = None
    if not force_tcp:
        try:
            response = await dns.asyncquery.udp(request, host, port=port, timeout=per_try, ignore_unexpected=True)
        except dns.exception.Timeout:
            udp_failure = DnsTransportError(
                f"no answer over UDP from {_where(host, port)} within {per_try:g}s", timed_out=True
            )
        except Exception as exc:  # garbage from a hostile server: any parse error is a reason
            udp_failure = DnsTransportError(
                f"unusable answer over UDP from {_where(host, port)}: {type(exc).__name__}: {exc}", timed_out=False
            )
        else:
            if not response.flags & dns.flags.TC:
                return response, "udp"
    tcp_timeout = min(per_try, end - loop.time())
    if tcp_timeout <= 0:
        raise udp_failure or DnsTransportError(f"no time left for TCP to {_where(host, port)}", timed_out=True)
    try:
        response = await dns.asyncquery.tcp(request, host, port=port, timeout=tcp_timeout)
    except dns.exception.Timeout:
        reason = f"no answer over TCP from {_where(host, port)} within {tcp_timeout:g}s"
        raise DnsTransportError(_join(udp_failure, reason), timed_out=True, tcp_tried=1) from None
    except Exception as exc:  # refused, reset, garbage, EOF: all become a reason
        reason = f"TCP to {_where(host, port)} failed: {type(exc).__name__}: {exc}".rstrip(": ")
        raise DnsTransportError(
            _join(udp_failure, reason), timed_out=udp_failure is not None and udp_failure.timed_out, tcp_tried=1
        ) from None
    return response, "tcp"


def _join(first: DnsTransportError | None, second: str) -> str:
    return f"{first.reason}; {second}" if first is not None else second


def _where(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _same_name(a: str, b: str) -> bool:
    return a.lower().rstrip(".") == b.lower().rstrip(".")


@dataclass(frozen=True, slots=True)
class ServerReply:
    """The outcome of asking one authoritative server directly (name-server reachability, lame delegation).

    Attributes:
        address / port: where we asked.
        transport: ``udp`` or ``tcp`` for the exchange that answered; empty when none did.
        rcode: the server's rcode (``NOERROR``, ``REFUSED``…); empty when it did not answer.
        authoritative: the AA flag (RFC 1035 §4.1.1): False on an answer means a lame delegation.
        answered: any DNS response came back.
        error: why nothing usable came back (timeout, refused connection, garbage); empty otherwise.
        elapsed: seconds taken.
    """

    address: str
    port: int
    transport: str = ""
    rcode: str = ""
    authoritative: bool = False
    answered: bool = False
    error: str = ""
    elapsed: float = 0.0


async def ask_server(
    address: str,
    qname: str,
    rdtype: str = "SOA",
    *,
    port: int = 53,
    per_try: float = 3.0,
    guard: AddressGuard | None = None,
) -> ServerReply:
    """Ask one server directly, non-recursively (RD off), UDP with TCP fallback; never raises for the network.

    ``guard`` (the scan's address guard) is consulted before any packet is sent; a refused address gives a
    ``ServerReply`` whose error names the reason.
    """
    loop = asyncio.get_running_loop()
    started = loop.time()
    if guard is not None:
        try:
            guard.check(address)
        except NonPublicAddressError as exc:
            return ServerReply(address, port, error=str(exc))
    try:
        request = dns.message.make_query(qname, rdtype, use_edns=0, payload=1232)
    except (dns.exception.DNSException, ValueError) as exc:
        return ServerReply(address, port, error=f"invalid question: {exc}")
    request.flags &= ~dns.flags.RD
    try:
        response, transport = await exchange(request, address, port, per_try=per_try)
    except DnsTransportError as exc:
        return ServerReply(address, port, error=exc.reason, elapsed=loop.time() - started)
    return ServerReply(
        address=address,
        port=port,
        transport=transport,
        rcode=dns.rcode.to_text(response.rcode()),
        authoritative=bool(response.flags & dns.flags.AA),
        answered=True,
        elapsed=round(loop.time() - started, 3),
    )


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
