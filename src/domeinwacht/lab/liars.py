"""Lying resolvers for the preflight tests — a *scripted DNS responder*, not a real resolver.

    python -m domeinwacht.lab.liars UPSTREAM MODE=IP [MODE=IP …]      (in the lab namespace, port 53, UDP+TCP)

Each listening address lies in one way, the ways real networks do:

* ``nxdomain`` — NXDOMAIN for every question (captive portals, filtering or broken forwarders).
* ``strip`` — asks the lab's validating unbound (``UPSTREAM``) and removes every RRSIG, NSEC and NSEC3 from the
  answer (old middleboxes and forwarders that drop DNSSEC records). Unbound cannot play this part: without
  validation (``module-config: "iterator"``) it still passes RRSIGs on to a client that sets DO.
* ``rewrite`` — asks unbound; an NXDOMAIN becomes NOERROR with an address (``REWRITE_TO``) for A questions and an
  empty NOERROR otherwise (ISP "search assistance").

Upstream questions go over TCP with a 3 s timeout; an answer too large for the client's UDP size is sent
truncated, so the client retries over TCP. Used by ``tests/lab/test_preflight_lab.py``; docs/LAB.md.
"""

from __future__ import annotations

import asyncio
import functools
import struct
import sys
from typing import cast

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype

MODES = ("nxdomain", "strip", "rewrite")
REWRITE_TO = "198.51.100.10"  # where an "ISP search page" would be
UPSTREAM_TIMEOUT = 3.0
_STRIPPED = (dns.rdatatype.RRSIG, dns.rdatatype.NSEC, dns.rdatatype.NSEC3)


async def answer(query: dns.message.Message, mode: str, upstream: str) -> dns.message.Message:
    """The lie for ``query`` in ``mode``."""
    if mode == "nxdomain":
        response = dns.message.make_response(query)
        response.flags |= dns.flags.RA
        response.set_rcode(dns.rcode.NXDOMAIN)
        return response
    try:
        real = await dns.asyncquery.tcp(query, upstream, timeout=UPSTREAM_TIMEOUT)
    except (dns.exception.DNSException, OSError):
        response = dns.message.make_response(query)
        response.set_rcode(dns.rcode.SERVFAIL)
        return response
    if mode == "strip":
        for section in (real.answer, real.authority, real.additional):
            section[:] = [rrset for rrset in section if rrset.rdtype not in _STRIPPED]
        real.flags &= ~dns.flags.AD
        return real
    if real.rcode() != dns.rcode.NXDOMAIN:  # rewrite
        return real
    response = dns.message.make_response(query)
    response.flags |= dns.flags.RA
    question = query.question[0]
    if question.rdtype == dns.rdatatype.A:
        rrset = response.find_rrset(response.answer, question.name, dns.rdataclass.IN, dns.rdatatype.A, create=True)
        rrset.add(dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.A, REWRITE_TO), 60)
    return response


def _wire(response: dns.message.Message, query: dns.message.Message, limit: int) -> bytes:
    try:
        return response.to_wire(max_size=limit)
    except dns.exception.TooBig:
        truncated = dns.message.make_response(query)
        truncated.flags |= dns.flags.TC
        return truncated.to_wire()


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, mode: str, upstream: str) -> None:
        self.mode, self.upstream = mode, upstream
        self.transport: asyncio.DatagramTransport | None = None
        self.pending: set[asyncio.Task[None]] = set()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        task = asyncio.ensure_future(self._reply(data, addr))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def _reply(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            query = dns.message.from_wire(data)
        except dns.exception.DNSException:
            return
        response = await answer(query, self.mode, self.upstream)
        limit = max(512, query.payload if query.edns >= 0 else 512)
        if self.transport is not None:
            self.transport.sendto(_wire(response, query, limit), addr)


async def _tcp(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, mode: str, upstream: str) -> None:
    try:
        while True:
            size = struct.unpack("!H", await asyncio.wait_for(reader.readexactly(2), 10))[0]
            query = dns.message.from_wire(await asyncio.wait_for(reader.readexactly(size), 10))
            wire = _wire(await answer(query, mode, upstream), query, 65535)
            writer.write(struct.pack("!H", len(wire)) + wire)
            await writer.drain()
    except (asyncio.IncompleteReadError, TimeoutError, ConnectionError, dns.exception.DNSException):
        pass
    finally:
        writer.close()


async def serve(upstream: str, listeners: list[tuple[str, str]]) -> None:
    loop = asyncio.get_running_loop()
    for mode, ip in listeners:
        await loop.create_datagram_endpoint(functools.partial(_Udp, mode, upstream), local_addr=(ip, 53))
        await asyncio.start_server(functools.partial(_tcp, mode=mode, upstream=upstream), ip, 53)
    print("lying resolvers: " + ", ".join(f"{mode} on {ip}" for mode, ip in listeners), flush=True)
    await asyncio.Event().wait()


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: python -m domeinwacht.lab.liars UPSTREAM MODE=IP [MODE=IP …]", file=sys.stderr)
        return 2
    listeners = []
    for item in argv[1:]:
        mode, _, ip = item.partition("=")
        if mode not in MODES or not ip:
            print(f"liars: {item!r}: expected MODE=IP with MODE one of {', '.join(MODES)}", file=sys.stderr)
            return 2
        listeners.append((mode, ip))
    asyncio.run(serve(argv[0], listeners))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
