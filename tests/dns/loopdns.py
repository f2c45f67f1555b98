"""A tiny DNS server on 127.0.0.1 for tests: UDP and TCP on one port, behaviour given as a function.

async with fake_server(lambda request, transport: reply_bytes_or_None) as port: ...
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import dns.flags
import dns.message

Behaviour = Callable[[bytes, str], bytes | None]


@contextlib.asynccontextmanager
async def fake_server(behaviour: Behaviour, *, drip: float = 0.0) -> AsyncIterator[int]:
    """UDP and TCP DNS on one loopback port; ``drip`` > 0 sends TCP replies one byte at a time."""
    loop = asyncio.get_running_loop()

    class Udp(asyncio.DatagramProtocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport

        def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
            reply = behaviour(data, "udp")
            if reply is not None:
                self.transport.sendto(reply, addr)  # type: ignore[attr-defined]

    handlers: set[asyncio.Task[None]] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handlers.add(asyncio.current_task())  # type: ignore[arg-type]
        try:
            while True:
                size = int.from_bytes(await reader.readexactly(2), "big")
                reply = behaviour(await reader.readexactly(size), "tcp")
                if reply is None:
                    await asyncio.sleep(3600)
                    continue
                framed = len(reply).to_bytes(2, "big") + reply
                if drip:
                    for i in range(len(framed)):
                        writer.write(framed[i : i + 1])
                        await writer.drain()
                        await asyncio.sleep(drip)
                else:
                    writer.write(framed)
                    await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    for _ in range(20):
        udp, _ = await loop.create_datagram_endpoint(Udp, local_addr=("127.0.0.1", 0))
        port = udp.get_extra_info("sockname")[1]
        try:
            tcp = await asyncio.start_server(handle, "127.0.0.1", port)
            break
        except OSError:
            udp.close()
    else:
        raise RuntimeError("no free loopback port for UDP and TCP")
    try:
        yield port
    finally:
        udp.close()
        tcp.close()
        for task in list(handlers):
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await tcp.wait_closed()


def serve_zones(net: object) -> Behaviour:
    """A behaviour answering from a ``dnszones.FakeNet``; queries without RD get the AA flag (authoritative)."""

    def behave(data: bytes, transport: str) -> bytes | None:
        query = dns.message.from_wire(data)
        question = query.question[0]
        response = net.respond(question.name, question.rdtype, dnssec=bool(query.ednsflags & dns.flags.DO))  # type: ignore[attr-defined]
        response.id = query.id
        response.flags |= dns.flags.QR
        if not query.flags & dns.flags.RD:
            response.flags |= dns.flags.AA
        else:
            response.flags |= dns.flags.RA
        return response.to_wire(max_size=65535)

    return behave
