"""A mail server that accepts STARTTLS and then never answers the ClientHello: the handshake stalled, said so."""

from __future__ import annotations

import asyncio

from domeinwacht.net.smtp import SmtpLimits, probe_smtp
from domeinwacht.scan.env import ScanEnv, ScanOptions

from . import smtp_server as srv

FAST = SmtpLimits(connect_timeout=2.0, io_timeout=1.0, total=4.0, max_lines=32)


async def stall_after_starttls(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"220 mx.example.nl ESMTP\r\n")
    while line := await reader.readline():
        command = line.decode().strip().upper()
        if command.startswith("EHLO"):
            writer.write(b"250-mx.example.nl\r\n250 STARTTLS\r\n")
        elif command == "STARTTLS":
            writer.write(b"220 ready\r\n")
            await writer.drain()
            await asyncio.sleep(10)  # the ClientHello is never answered
        await writer.drain()


def test_a_tls_handshake_that_stalls_after_starttls_is_named_as_a_stall():
    async def scenario():  # type: ignore[no-untyped-def]
        async with srv.running(stall_after_starttls) as server:
            env = ScanEnv(ScanOptions(allow_non_public=True))
            return await probe_smtp("127.0.0.1", "mx.example.nl", env, port=server.port, limits=FAST)

    probe = asyncio.run(scenario())
    assert probe.connected and probe.starttls_ok is False
    assert probe.error == "the TLS handshake after STARTTLS stalled: none completed within 1s"
