"""A tiny authoritative-looking DNS server on 127.0.0.1 for observer tests (UDP only, no DNSSEC)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, records: Mapping[tuple[str, str], Sequence[str]]) -> None:
        self.records = {(name.lower().rstrip("."), rdtype): list(v) for (name, rdtype), v in records.items()}
        self.names = {name for name, _ in self.records}
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        query = dns.message.from_wire(data)
        response = dns.message.make_response(query)
        question = query.question[0]
        name = question.name.to_text().rstrip(".").lower()
        rdtype = dns.rdatatype.to_text(question.rdtype)
        values = self.records.get((name, rdtype))
        if values:
            response.answer.append(dns.rrset.from_text_list(question.name, 60, "IN", rdtype, values))
        elif not any(n == name or n.endswith("." + name) for n in self.names):
            response.set_rcode(dns.rcode.NXDOMAIN)
        assert self.transport is not None
        self.transport.sendto(response.to_wire(), addr)


async def start_dns(records: Mapping[tuple[str, str], Sequence[str]]) -> tuple[asyncio.DatagramTransport, str]:
    """Serve ``records`` ((name, type) -> rdata texts); returns the transport and ``127.0.0.1:port``."""
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(lambda: _Protocol(records), local_addr=("127.0.0.1", 0))
    port = transport.get_extra_info("sockname")[1]
    return transport, f"127.0.0.1:{port}"
