"""net/http.py against hostile and ordinary servers on 127.0.0.1: every failure is our error, in budget."""

from __future__ import annotations

import asyncio
import ssl
import time
import tracemalloc
import warnings

import pytest

from domeinwacht.net.guard import AddressGuard
from domeinwacht.net.http import (
    USER_AGENT,
    HttpClient,
    HttpConnectError,
    HttpLimits,
    HttpProtocolError,
    HttpRefusedAddressError,
    HttpTimeoutError,
    HttpTlsError,
)

from .conftest import Pki, port_of, serve

# Timing bounds get slack for a loaded CI machine; the hostile servers would otherwise go on for minutes.
SLACK = 1.5
FAST = HttpLimits(total=2.0, connect=1.0, read=0.5, max_body=16 * 1024, max_redirects=3)


def client(**kwargs: object) -> HttpClient:
    return HttpClient(guard=AddressGuard(allow_non_public=True), limits=FAST, **kwargs)  # type: ignore[arg-type]


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


async def _drain_request(reader: asyncio.StreamReader) -> bytes:
    return await reader.readuntil(b"\r\n\r\n")


def test_a_plain_response_is_recorded_with_status_headers_and_body():
    async def scenario():
        async def handler(reader, writer):
            await _drain_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\nX-Test: one\r\nx-test: two\r\nContent-Length: 5\r\n\r\nhello")
            await writer.drain()

        server = await serve(handler)
        async with server:
            return await client().get(f"http://example.nl:{port_of(server)}/", "127.0.0.1")

    response = run(scenario())
    assert response.status == 200
    assert response.body == b"hello"
    assert response.header_values("X-Test") == ("one", "two")
    assert response.header("x-test") == "one, two"
    assert response.tls_verified is None


def test_the_request_carries_the_host_name_and_our_user_agent_while_connecting_to_the_given_ip():
    seen: list[bytes] = []

    async def scenario():
        async def handler(reader, writer):
            seen.append(await _drain_request(reader))
            writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
            await writer.drain()

        server = await serve(handler)
        async with server:
            await client().get(f"http://www.example.nl:{port_of(server)}/path?q=1", "127.0.0.1")

    run(scenario())
    request = seen[0].decode()
    assert request.startswith("GET /path?q=1 HTTP/1.1\r\n")
    assert "\r\nHost: www.example.nl:" in request
    assert f"\r\nUser-Agent: {USER_AGENT}\r\n" in request
    assert USER_AGENT.startswith("Domeinwacht/")


def test_a_server_that_never_answers_ends_in_a_timeout_within_the_budget():
    async def scenario():
        async def handler(reader, writer):
            await asyncio.sleep(30)

        server = await serve(handler)
        async with server:
            started = time.monotonic()
            with pytest.raises(HttpTimeoutError) as info:
                await client().get(f"http://example.nl:{port_of(server)}/", "127.0.0.1")
            return time.monotonic() - started, info.value

    elapsed, error = run(scenario())
    assert elapsed < FAST.total + SLACK
    assert "0.5s" in error.reason or "2s" in error.reason


def test_a_server_sending_one_byte_at_a_time_is_cut_off_by_the_total_time_limit():
    async def scenario():
        async def handler(reader, writer):
            await _drain_request(reader)
            for byte in b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 10_000:
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(0.1)

        server = await serve(handler)
        async with server:
            started = time.monotonic()
            with pytest.raises(HttpTimeoutError) as info:
                await client().get(f"http://example.nl:{port_of(server)}/", "127.0.0.1")
            return time.monotonic() - started, info.value

    elapsed, error = run(scenario())
    assert FAST.total - 0.2 < elapsed < FAST.total + SLACK
    assert "no complete response within 2s" in error.reason


def test_ten_megabytes_of_headers_end_in_a_protocol_error_with_bounded_memory():
    async def scenario():
        async def handler(reader, writer):
            await _drain_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\n")
            line = b"X-Filler: " + b"a" * 1000 + b"\r\n"
            for _ in range(10_000):  # ~10 MB, written lazily
                writer.write(line * 10)
                await writer.drain()

        server = await serve(handler)
        async with server:
            tracemalloc.start()
            try:
                started = time.monotonic()
                with pytest.raises(HttpProtocolError) as info:
                    await client().get(f"http://example.nl:{port_of(server)}/", "127.0.0.1")
                elapsed = time.monotonic() - started
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            return elapsed, peak, info.value

    elapsed, peak, error = run(scenario())
    assert elapsed < FAST.total + SLACK
    assert peak < 3 * 1024 * 1024
    assert "not a valid HTTP/1.x response" in error.reason


def test_too_many_header_fields_are_refused():
    async def scenario():
        async def handler(reader, writer):
            await _drain_request(reader)
            fields = b"".join(b"X-%d: 1\r\n" % i for i in range(FAST.max_header_count + 1))
            writer.write(b"HTTP/1.1 200 OK\r\n" + fields + b"Content-Length: 0\r\n\r\n")
            await writer.drain()

        server = await serve(handler)
        async with server:
            with pytest.raises(HttpProtocolError) as info:
                await client().get(f"http://example.nl:{port_of(server)}/", "127.0.0.1")
            return info.value

    assert "header fields (limit 200)" in run(scenario()).reason


def test_garbage_instead_of_http_is_a_protocol_error():
    async def scenario():
        async def handler(reader, writer):
            await _drain_request(reader)
            writer.write(b"\x16\x03\x01\x02\x00garbage that is not HTTP\r\n\r\n")
            await writer.drain()

        server = await serve(handler)
        async with server:
            with pytest.raises(HttpProtocolError) as info:
                await client().get(f"http://example.nl:{port_of(server)}/", "127.0.0.1")
            return info.value

    assert "not a valid HTTP/1.x response" in run(scenario()).reason


def test_a_huge_body_is_read_only_up_to_the_cap():
    async def scenario():
        async def handler(reader, writer):
            await _drain_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n")
            chunk = b"x" * 65536
            while True:
                writer.write(chunk)
                await writer.drain()

        server = await serve(handler)
        async with server:
            tracemalloc.start()
            try:
                started = time.monotonic()
                response = await client().get(f"http://example.nl:{port_of(server)}/", "127.0.0.1")
                elapsed = time.monotonic() - started
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            return response, elapsed, peak

    response, elapsed, peak = run(scenario())
    assert response.status == 200
    assert len(response.body) == FAST.max_body
    assert response.body_truncated
    assert elapsed < FAST.total + SLACK
    assert peak < 3 * 1024 * 1024


def test_a_closed_port_is_a_refused_connection():
    async def scenario():
        server = await serve(lambda r, w: asyncio.sleep(0))
        port = port_of(server)
        server.close()
        await server.wait_closed()
        with pytest.raises(HttpConnectError) as info:
            await client().get(f"http://example.nl:{port}/", "127.0.0.1")
        return info.value

    error = run(scenario())
    assert error.refused
    assert error.reason == "connection refused"


def test_the_address_guard_refuses_loopback_before_connecting():
    async def scenario():
        strict = HttpClient(guard=AddressGuard(allow_non_public=False), limits=FAST)
        with pytest.raises(HttpRefusedAddressError) as info:
            await strict.get("http://example.nl/", "127.0.0.1")
        return info.value, strict.connections

    error, _ = run(scenario())
    assert "loopback" in error.reason


def test_an_untrusted_certificate_is_recorded_and_the_headers_are_still_read(pki: Pki):
    names: list[str | None] = []

    async def scenario():
        context = pki.server_context()
        context.sni_callback = lambda sock, name, ctx: names.append(name)  # type: ignore[assignment,misc]

        async def handler(reader, writer):
            await _drain_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=1\r\n\r\n")
            await writer.drain()

        server = await serve(handler, context)
        async with server:
            # No ca_file: the system roots do not know our test CA.
            return await client().get(f"https://example.nl:{port_of(server)}/", "127.0.0.1")

    response = run(scenario())
    assert response.tls_verified is False
    assert response.tls_error and "certificate" in response.tls_error
    assert response.header("strict-transport-security") == "max-age=1"
    assert names and all(name == "example.nl" for name in names)


def test_a_certificate_from_the_configured_ca_verifies_for_the_host_name(pki: Pki):
    async def scenario():
        async def handler(reader, writer):
            await _drain_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()

        server = await serve(handler, pki.server_context())
        async with server:
            trusted = client(ca_file=pki.ca_file)
            good = await trusted.get(f"https://www.example.nl:{port_of(server)}/", "127.0.0.1")
            wrong_name = await trusted.get(f"https://other.nl:{port_of(server)}/", "127.0.0.1")
            return good, wrong_name

    good, wrong_name = run(scenario())
    assert good.tls_verified is True and good.tls_error is None
    assert good.body == b"ok"
    assert wrong_name.tls_verified is False
    assert wrong_name.tls_error and "other.nl" in wrong_name.tls_error


def test_tls_to_a_plain_http_port_is_a_tls_error():
    async def scenario():
        async def plain(reader, writer):
            await reader.read(10)
            writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()

        server = await serve(plain)
        async with server:
            with pytest.raises(HttpTlsError) as info:
                await client().get(f"https://example.nl:{port_of(server)}/", "127.0.0.1")
            return info.value

    assert run(scenario()).reason.startswith("TLS handshake failed")


def test_a_redirect_chain_is_followed_hop_by_hop_and_other_hosts_are_resolved():
    resolved: list[str] = []

    async def scenario():
        async def handler(reader, writer):
            request = (await _drain_request(reader)).decode()
            path = request.split(" ")[1]
            port = writer.get_extra_info("sockname")[1]
            if path == "/":
                target = f"http://www.example.nl:{port}/next"
                writer.write(f"HTTP/1.1 301 Moved\r\nLocation: {target}\r\n\r\n".encode())
            elif path == "/next":
                writer.write(b"HTTP/1.1 302 Found\r\nLocation: /final\r\n\r\n")
            else:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone")
            await writer.drain()

        async def resolve(host: str) -> str | None:
            resolved.append(host)
            return "127.0.0.1"

        server = await serve(handler)
        async with server:
            return await client().get_chain(f"http://example.nl:{port_of(server)}/", "127.0.0.1", resolve)

    hops = run(scenario())
    assert [hop.response.status for hop in hops if hop.response] == [301, 302, 200]
    assert hops[1].url.startswith("http://www.example.nl:")
    assert hops[2].url.endswith("/final")
    assert resolved == ["www.example.nl"]
    assert all(hop.error is None for hop in hops)


def test_a_redirect_loop_and_too_many_redirects_end_the_chain_with_a_reason():
    async def scenario():
        async def loop(reader, writer):
            await _drain_request(reader)
            writer.write(b"HTTP/1.1 301 Moved\r\nLocation: /\r\n\r\n")
            await writer.drain()

        async def endless(reader, writer):
            request = (await _drain_request(reader)).decode()
            n = int(request.split(" ")[1].strip("/") or 0)
            writer.write(f"HTTP/1.1 302 Found\r\nLocation: /{n + 1}\r\n\r\n".encode())
            await writer.drain()

        async def resolve(host: str) -> str | None:
            return None

        first = await serve(loop)
        second = await serve(endless)
        async with first, second:
            c = client()
            looped = await c.get_chain(f"http://a.nl:{port_of(first)}/", "127.0.0.1", resolve)
            many = await c.get_chain(f"http://a.nl:{port_of(second)}/", "127.0.0.1", resolve)
            return looped, many

    looped, many = run(scenario())
    assert looped[-1].error == "redirect loop"
    assert len(many) == FAST.max_redirects + 1
    assert many[-1].error == "more than 3 redirects"


def test_a_tls_alert_from_the_server_is_a_tls_error():
    async def scenario():
        async def handler(reader, writer):
            await reader.read(100)
            writer.write(b"\x15\x03\x03\x00\x02\x02\x28")  # a TLS alert: handshake_failure
            await writer.drain()

        server = await serve(handler)
        async with server:
            with pytest.raises(HttpTlsError) as info:
                await client().get(f"https://example.nl:{port_of(server)}/", "127.0.0.1")
            return info.value

    assert "TLS handshake failed" in run(scenario()).reason


def test_a_body_that_stalls_after_the_headers_keeps_the_headers_and_says_why_it_stopped():
    async def scenario():
        async def handler(reader, writer):
            await _drain_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\nX-Frame-Options: DENY\r\nContent-Length: 100\r\n\r\nab")
            await writer.drain()
            await asyncio.sleep(30)

        server = await serve(handler)
        async with server:
            started = time.monotonic()
            limits = HttpLimits(total=1.5, connect=1.0, read=5.0)
            slow = HttpClient(guard=AddressGuard(allow_non_public=True), limits=limits)
            response = await slow.get(f"http://example.nl:{port_of(server)}/", "127.0.0.1")
            return response, time.monotonic() - started

    response, elapsed = run(scenario())
    assert elapsed < 1.5 + SLACK
    assert response.header("x-frame-options") == "DENY"
    assert response.body == b"ab"
    assert response.body_truncated
    assert response.body_error == "body not complete within the time limit"


def test_a_tls_1_0_only_server_is_still_read_with_legacy_settings_and_marked_unverified(pki: Pki):
    async def scenario():
        context = pki.server_context()
        with warnings.catch_warnings():  # a legacy server is the point of this test
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.TLSv1
            context.maximum_version = ssl.TLSVersion.TLSv1
        context.set_ciphers("ALL:@SECLEVEL=0")

        async def handler(reader, writer):
            await _drain_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\nX-Content-Type-Options: nosniff\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()

        server = await serve(handler, context)
        async with server:
            return await client(ca_file=pki.ca_file).get(f"https://example.nl:{port_of(server)}/", "127.0.0.1")

    response = run(scenario())
    assert response.header("x-content-type-options") == "nosniff"
    assert response.tls_verified is False
    assert response.tls_error and "legacy TLS settings" in response.tls_error


def test_a_request_after_the_targets_deadline_is_not_made():
    async def scenario():
        late = HttpClient(
            guard=AddressGuard(allow_non_public=True),
            limits=FAST,
            deadline=asyncio.get_running_loop().time() - 1,
        )
        with pytest.raises(HttpTimeoutError) as info:
            await late.get("http://example.nl:9/", "127.0.0.1")
        return info.value, late.connections

    error, connections = run(scenario())
    assert error.reason == "the time budget of this target is used up"
    assert connections == 0


def test_an_unusable_ca_file_does_not_lose_the_response_and_says_why(pki: Pki, tmp_path):
    async def scenario():
        async def handler(reader, writer):
            await _drain_request(reader)
            writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
            await writer.drain()

        server = await serve(handler, pki.server_context())
        async with server:
            broken = client(ca_file=tmp_path / "missing.pem")
            return await broken.get(f"https://example.nl:{port_of(server)}/", "127.0.0.1")

    response = run(scenario())
    assert response.status == 204
    assert response.tls_verified is False
    assert response.tls_error and "missing.pem unusable" in response.tls_error


def test_a_tls12_server_without_secure_renegotiation_still_shows_its_headers(pki: Pki, tmp_path):
    """OpenSSL 3 refuses servers without RFC 5746 by default; that is tls.secure_renegotiation's finding, and must
    not turn every HTTPS check of such a server into an error (Debian's gnutls-serv plays the old server)."""
    import shutil
    import socket
    import subprocess

    gnutls = shutil.which("gnutls-serv")
    assert gnutls, "gnutls-serv (Debian gnutls-bin, installed by scripts/bootstrap.sh) is missing"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    body = tmp_path / "body.html"
    body.write_text("<p>old server</p>")
    process = subprocess.Popen(
        [gnutls, "-p", str(port), "--http", "--httpdata", str(body), "--x509certfile", str(pki.cert_file),
         "--x509keyfile", str(pki.key_file), "--priority", "NORMAL:-VERS-TLS1.3:%DISABLE_SAFE_RENEGOTIATION"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        response = run(client().get(f"https://example.nl:{port}/", "127.0.0.1"))
    finally:
        process.terminate()
        process.wait(timeout=5)
    assert response.status == 200
    assert response.body == b"<p>old server</p>"
