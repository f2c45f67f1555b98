"""A DNS server on 127.0.0.1 (UDP) answering from a dict, with failures on demand, for the verdict tests.

    zone = {("example.nl", "A"): ["127.0.0.1"], ("broken.nl", "RCODE"): ["SERVFAIL"],
            ("loop.nl", "CNAME"): ["loop-b.nl."], ("loop-b.nl", "CNAME"): ["loop.nl."]}
    async with running(zone) as resolver: ...   # "127.0.0.1:PORT" for ScanOptions.resolver

A name with ``RCODE`` answers every question with that rcode. A name with ``CNAME`` answers other types with the
CNAME alone (the chain is not chased: a resolver may stop half-way, and the client must ask again).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

Zone = Mapping[tuple[str, str], Sequence[str]]


class _Server(asyncio.DatagramProtocol):
    def __init__(self, zone: Zone) -> None:
        self.zone = {(n.lower().rstrip("."), t.upper()): list(v) for (n, t), v in zone.items()}
        self.names = {n for n, _ in self.zone}
        self.transport: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def answer(self, query: dns.message.Message) -> dns.message.Message:
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        rdtype = dns.rdatatype.to_text(question.rdtype)
        response = dns.message.make_response(query)
        if (name, "RCODE") in self.zone:
            response.set_rcode(dns.rcode.from_text(self.zone[(name, "RCODE")][0]))
            return response
        records = self.zone.get((name, rdtype))
        cname = self.zone.get((name, "CNAME"))
        if records:
            response.answer.append(dns.rrset.from_text_list(question.name, 300, "IN", rdtype, records))
        elif cname:
            response.answer.append(dns.rrset.from_text_list(question.name, 300, "IN", "CNAME", cname))
        elif name not in self.names and not any(n.endswith("." + name) for n in self.names):
            response.set_rcode(dns.rcode.NXDOMAIN)
        return response

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.transport.sendto(self.answer(dns.message.from_wire(data)).to_wire(), addr)


@contextlib.asynccontextmanager
async def running(zone: Zone) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(lambda: _Server(zone), local_addr=("127.0.0.1", 0))
    try:
        yield f"127.0.0.1:{transport.get_extra_info('sockname')[1]}"
    finally:
        transport.close()
