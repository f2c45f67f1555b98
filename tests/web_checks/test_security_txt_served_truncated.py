"""A real HTTPS server on 127.0.0.1 serving a security.txt longer than the cap: the check names the truncation."""

from __future__ import annotations

import asyncio
import ssl
from datetime import UTC, datetime, timedelta

from domeinwacht.checks.registry import CheckContext, evaluate
from domeinwacht.checks.result import Status
from domeinwacht.observations.web import SECURITY_TXT_CAP
from domeinwacht.scan.env import ScanEnv, ScanOptions
from domeinwacht.scan.observe.web import observe_web

from .conftest import Pki
from .fakedns import start_dns

EXPIRES = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
# Contact first, then a comment line longer than the cap, and Expires only after the cut.
BODY = b"Contact: https://example.nl/cvd\n# " + b"x" * SECURITY_TXT_CAP + f"\nExpires: {EXPIRES}\n".encode()


async def serve_https(context: ssl.SSLContext) -> asyncio.Server:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            path = (await reader.readuntil(b"\r\n\r\n")).decode().split(" ")[1]
            if path == "/.well-known/security.txt":
                head, body = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n", BODY
            else:
                head, body = "HTTP/1.1 200 OK\r\n", b"<html></html>"
            writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            await writer.drain()
        except (ssl.SSLError, ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)


def test_a_security_txt_cut_at_the_cap_is_an_error_saying_truncated_at_n_bytes(pki: Pki):
    async def scenario():  # type: ignore[no-untyped-def]
        server = await serve_https(pki.server_context())
        port = server.sockets[0].getsockname()[1]
        dns_transport, resolver = await start_dns({("example.nl", "A"): ["127.0.0.1"]})  # every name on loopback
        try:
            async with server:
                options = ScanOptions(
                    allow_non_public=True, resolver=(resolver,), ca_file=pki.ca_file, connect_timeout=2, io_timeout=2
                )
                return await observe_web("example.nl", ScanEnv(options), ports=(9, port))
        finally:
            dns_transport.close()

    observed = asyncio.run(scenario())
    result = evaluate(observed, CheckContext())["web.security_txt"]
    assert result.status is Status.ERROR, result
    assert f"truncated at {SECURITY_TXT_CAP} bytes: no Expires field in the first {SECURITY_TXT_CAP} bytes" in (
        result.summary
    )
    assert "not a field" not in result.summary
