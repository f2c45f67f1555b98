"""Zone transfers against scripted servers on loopback: refused, streamed, oversized, stalled."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import dns.message
import dns.rcode
import dns.rrset
import pytest

from domeinwacht.discovery.axfr import TransferError, transfer
from domeinwacht.discovery.context import DiscoveryContext, DiscoveryLimits
from domeinwacht.net.dns import Resolver, ResolverConfig
from domeinwacht.net.guard import AddressGuard

Handler = Callable[[dns.message.Message, asyncio.StreamWriter], Awaitable[None]]


def _ctx(allow: bool = True, **limits: object) -> DiscoveryContext:
    guard = AddressGuard(allow_non_public=allow)
    return DiscoveryContext(
        resolver=Resolver(ResolverConfig(nameservers=("127.0.0.1:9",)), guard=guard),
        guard=guard,
        limits=DiscoveryLimits(**limits),  # type: ignore[arg-type]
    )


async def _serve(handler: Handler, run: Callable[[int], Awaitable[object]]) -> object:
    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        size = int.from_bytes(await reader.readexactly(2), "big")
        query = dns.message.from_wire(await reader.readexactly(size))
        try:
            await handler(query, writer)
        finally:
            writer.close()

    server = await asyncio.start_server(client, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        return await run(port)
    finally:
        server.close()


def _send(writer: asyncio.StreamWriter, message: dns.message.Message) -> None:
    wire = message.to_wire()
    writer.write(len(wire).to_bytes(2, "big") + wire)


def _soa() -> dns.rrset.RRset:
    return dns.rrset.from_text("gemeente.test.", 3600, "IN", "SOA", "ns1.gemeente.test. h. 1 2 3 4 5")


def test_a_streamed_zone_gives_its_owner_names() -> None:
    async def handler(query: dns.message.Message, writer: asyncio.StreamWriter) -> None:
        first = dns.message.make_response(query)
        first.answer = [_soa(), dns.rrset.from_text("www.gemeente.test.", 60, "IN", "A", "192.0.2.1")]
        second = dns.message.make_response(query)
        second.answer = [dns.rrset.from_text("oud.gemeente.test.", 60, "IN", "A", "192.0.2.2"), _soa()]
        _send(writer, first)
        _send(writer, second)
        await writer.drain()

    names = asyncio.run(_serve(handler, lambda port: transfer("127.0.0.1", "gemeente.test", _ctx(), port)))
    assert names == {"gemeente.test", "www.gemeente.test", "oud.gemeente.test"}


def test_a_refusal_is_reported_with_its_rcode() -> None:
    async def handler(query: dns.message.Message, writer: asyncio.StreamWriter) -> None:
        response = dns.message.make_response(query)
        response.set_rcode(dns.rcode.REFUSED)
        _send(writer, response)
        await writer.drain()

    with pytest.raises(TransferError, match="REFUSED"):
        asyncio.run(_serve(handler, lambda port: transfer("127.0.0.1", "gemeente.test", _ctx(), port)))


def test_a_transfer_larger_than_the_cap_is_stopped() -> None:
    async def handler(query: dns.message.Message, writer: asyncio.StreamWriter) -> None:
        for i in range(200):
            message = dns.message.make_response(query)
            message.answer = (
                [_soa()]
                if i == 0
                else [dns.rrset.from_text(f"h{i}.gemeente.test.", 60, "IN", "TXT", '"' + "x" * 200 + '"')]
            )
            _send(writer, message)
        await writer.drain()

    with pytest.raises(TransferError, match="larger than"):
        asyncio.run(
            _serve(handler, lambda port: transfer("127.0.0.1", "gemeente.test", _ctx(axfr_max_bytes=4096), port))
        )


def test_a_stalled_transfer_ends_at_its_time_limit() -> None:
    async def handler(query: dns.message.Message, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(1)

    with pytest.raises(TransferError, match=r"within 0\.3s"):
        asyncio.run(_serve(handler, lambda port: transfer("127.0.0.1", "gemeente.test", _ctx(axfr_timeout=0.3), port)))


def test_the_address_guard_is_asked_before_connecting() -> None:
    with pytest.raises(TransferError, match="refusing to connect"):
        asyncio.run(transfer("127.0.0.1", "gemeente.test", _ctx(allow=False), 9))
