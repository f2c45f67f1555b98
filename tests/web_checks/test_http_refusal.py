"""net/http.py where nothing could be observed: a redirect to an address literal, a TLS handshake that stalls."""

from __future__ import annotations

import asyncio
import ipaddress

from domeinwacht.net.guard import AddressGuard, NonPublicAddressError
from domeinwacht.net.http import HttpClient, HttpLimits, HttpTimeoutError

from .conftest import port_of, serve

FAST = HttpLimits(total=3.0, connect=1.0, read=1.0, max_body=16 * 1024, max_redirects=3)


class LoopbackOnly(AddressGuard):
    """The public guard, except that our own test server on 127.0.0.1 may be reached."""

    def check(self, address: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
        if str(address) != "127.0.0.1":
            AddressGuard(allow_non_public=False).check(address)


def redirect_to(location: str):  # type: ignore[no-untyped-def]
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(f"HTTP/1.1 301 Moved\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n".encode())
        await writer.drain()

    return handler


def follow(location: str) -> tuple[list[str], tuple[object, ...]]:
    looked_up: list[str] = []

    async def resolve(host: str) -> str | None:
        looked_up.append(host)
        return None

    async def scenario() -> tuple[object, ...]:
        server = await serve(redirect_to(location))
        async with server:
            client = HttpClient(guard=LoopbackOnly(), limits=FAST)
            return await client.get_chain(f"http://example.nl:{port_of(server)}/", "127.0.0.1", resolve)

    return looked_up, asyncio.run(scenario())


def test_a_redirect_to_an_ipv4_literal_is_judged_by_the_guard_not_looked_up():
    looked_up, hops = follow("http://10.0.0.1/")
    assert looked_up == []
    last = hops[-1]
    assert (last.url, last.ip) == ("http://10.0.0.1/", "10.0.0.1")  # type: ignore[attr-defined]
    assert last.error == str(NonPublicAddressError("10.0.0.1", "private"))  # type: ignore[attr-defined]


def test_a_redirect_to_an_ipv6_literal_is_judged_by_the_guard_not_looked_up():
    looked_up, hops = follow("http://[fd00::1]:8080/")
    assert looked_up == []
    assert hops[-1].ip == "fd00::1"  # type: ignore[attr-defined]
    assert "refusing to connect to fd00::1: private address" in (hops[-1].error or "")  # type: ignore[attr-defined]


def test_a_redirect_to_a_host_name_is_still_looked_up():
    looked_up, hops = follow("http://elsewhere.example.nl/")
    assert looked_up == ["elsewhere.example.nl"]
    assert hops[-1].error == "elsewhere.example.nl has no address"  # type: ignore[attr-defined]


def test_a_tls_handshake_that_stalls_after_the_tcp_connect_is_named_as_such():
    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)  # the ClientHello, never answered
        await asyncio.sleep(10)

    async def scenario() -> HttpTimeoutError:
        server = await serve(stall)
        async with server:
            client = HttpClient(guard=AddressGuard(allow_non_public=True), limits=FAST)
            try:
                await client.get(f"https://example.nl:{port_of(server)}/", "127.0.0.1")
            except HttpTimeoutError as exc:
                return exc
        raise AssertionError("the stalled handshake did not time out")

    error = asyncio.run(scenario())
    assert error.reason == "the TLS handshake stalled: TCP connected, but no handshake completed within 1s"
