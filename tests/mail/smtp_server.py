"""Local SMTP test servers on 127.0.0.1: a polite one with STARTTLS and hostile ones."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from .certs import Issued

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def server_context(leaf: Issued, intermediate: Issued | None = None) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as tmp:
        cert = Path(tmp) / "cert.pem"
        key = Path(tmp) / "key.pem"
        cert.write_bytes(leaf.pem + (intermediate.pem if intermediate else b""))
        key.write_bytes(leaf.key_pem)
        context.load_cert_chain(cert, key)
    return context


def polite(context: ssl.SSLContext | None, *, starttls: bool = True, ehlo_code: int = 250) -> Handler:
    """A well-behaved server: 220, EHLO with STARTTLS (optional), STARTTLS, QUIT 221."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220-mx.example.nl ESMTP test\r\n220 second line\r\n")
        while line := await reader.readline():
            command = line.decode().strip().upper()
            if command.startswith("EHLO"):
                if ehlo_code != 250:
                    writer.write(f"{ehlo_code} slow down\r\n".encode())
                    continue
                ext = b"250-STARTTLS\r\n" if starttls else b""
                writer.write(b"250-mx.example.nl hello\r\n250-PIPELINING\r\n" + ext + b"250 8BITMIME\r\n")
            elif command == "STARTTLS" and context is not None:
                writer.write(b"220 ready\r\n")
                await writer.drain()
                await writer.start_tls(context)
            elif command == "QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"502 not implemented\r\n")
            await writer.drain()
        writer.close()

    return handle


async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(30)  # never answers
    writer.close()


async def busy_421(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"421 4.7.0 mx.example.nl too many connections, try later\r\n")
    await writer.drain()
    writer.close()


async def one_byte_per_second(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        for byte in b"220 mx.example.nl a very slow greeting indeed\r\n":
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(1)
    writer.close()


async def endless_banner(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while True:
            writer.write(b"220-still greeting you\r\n")
            await writer.drain()
            await asyncio.sleep(0.001)


async def long_line(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        writer.write(b"220 " + b"x" * 100_000 + b"\r\n")
        await writer.drain()
        await asyncio.sleep(5)
    writer.close()


async def close_at_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()


class Server:
    """A running server and what it saw."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.port = 0
        self.writers: list[asyncio.StreamWriter] = []
        self.tasks: set[asyncio.Task[None]] = set()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)  # type: ignore[arg-type]
        try:
            with contextlib.suppress(ConnectionError, ssl.SSLError):
                await self.handler(reader, writer)
        finally:
            writer.close()

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for writer in self.writers:
            writer.close()
        await asyncio.sleep(0)


@contextlib.asynccontextmanager
async def running(handler: Handler) -> AsyncIterator[Server]:
    server = Server(handler)
    srv = await asyncio.start_server(server._handle, "127.0.0.1", 0)
    server.port = srv.sockets[0].getsockname()[1]
    try:
        yield server
    finally:
        srv.close()
        await server.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(srv.wait_closed(), 1)
