"""The web observer against local servers on 127.0.0.1 and ::1, with a fake DNS server for the names."""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from datetime import UTC, datetime, timedelta

from domeinwacht.checks.registry import CheckContext, evaluate
from domeinwacht.checks.result import Status
from domeinwacht.observations.web import WebObservation
from domeinwacht.scan.env import ScanEnv, ScanOptions
from domeinwacht.scan.observe import dump_observations, load_observations
from domeinwacht.scan.observe.web import observe_web, web_hosts

from .conftest import Pki
from .fakedns import start_dns

EXPIRES = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
SECURITY_TXT = f"Contact: https://example.nl/cvd\nExpires: {EXPIRES}\n".encode()


def _free_port_on_both_families() -> int:
    for _ in range(50):
        v4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        try:
            v4.bind(("127.0.0.1", 0))
            port = v4.getsockname()[1]
            try:
                v6.bind(("::1", port))
            except OSError:
                continue
            return int(port)
        finally:
            v4.close()
            v6.close()
    raise RuntimeError("no port free on both 127.0.0.1 and ::1")


async def _site(
    http_port: int, https_port: int, context: ssl.SSLContext, requests: list[tuple[str, str]] | None = None
) -> list[asyncio.Server]:
    async def http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = (await reader.readuntil(b"\r\n\r\n")).decode()
            host = next(
                line.split(":")[1].strip() for line in request.split("\r\n") if line.lower().startswith("host:")
            )
            writer.write(
                f"HTTP/1.1 301 Moved\r\nLocation: https://{host}:{https_port}/\r\nContent-Length: 0\r\n\r\n".encode()
            )
            await writer.drain()
        finally:
            writer.close()

    async def https(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = (await reader.readuntil(b"\r\n\r\n")).decode()
            path = request.split(" ")[1]
            if requests is not None:
                host = next(
                    line.split(":")[1].strip() for line in request.split("\r\n") if line.lower().startswith("host:")
                )
                requests.append((host, path))
            if path == "/.well-known/security.txt":
                head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                body = SECURITY_TXT
            elif path == "/":
                head = "HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=31536000\r\nX-Frame-Options: DENY\r\n"
                body = b"<html><body>hello</body></html>"
            else:
                head, body = "HTTP/1.1 404 Not Found\r\n", b""
            writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            await writer.drain()
        except (ssl.SSLError, ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    servers = []
    for address in ("127.0.0.1", "::1"):
        servers.append(await asyncio.start_server(http, address, http_port))
        servers.append(await asyncio.start_server(https, address, https_port, ssl=context))
    return servers


def test_web_hosts_are_the_domain_and_its_www():
    assert web_hosts("Example.NL.") == ("example.nl", "www.example.nl")
    assert web_hosts("www.example.nl") == ("www.example.nl",)


def test_the_observer_measures_every_address_of_both_hosts_and_the_observation_round_trips(pki: Pki):
    async def scenario():
        http_port, https_port = _free_port_on_both_families(), _free_port_on_both_families()
        servers = await _site(http_port, https_port, pki.server_context())
        dns_transport, resolver = await start_dns(
            {
                ("example.nl", "A"): ["127.0.0.1"],
                ("example.nl", "AAAA"): ["::1"],
                ("www.example.nl", "A"): ["127.0.0.1"],
            }
        )
        try:
            env = ScanEnv(
                ScanOptions(
                    allow_non_public=True, resolver=(resolver,), ca_file=pki.ca_file, connect_timeout=2, io_timeout=2
                )
            )
            return await observe_web("example.nl", env, ports=(http_port, https_port)), https_port
        finally:
            dns_transport.close()
            for server in servers:
                server.close()
                await server.wait_closed()

    observed, https_port = asyncio.run(scenario())
    web = observed["web"]
    assert isinstance(web, WebObservation)
    apex, www = web.hosts
    assert apex.a.addresses == ("127.0.0.1",) and apex.aaaa.addresses == ("::1",)
    assert www.aaaa.addresses == () and www.aaaa.rcode == "NOERROR"
    assert [ep.ip for ep in apex.endpoints] == ["127.0.0.1", "::1"]
    for endpoint in apex.endpoints + www.endpoints:
        assert all(probe.open for probe in endpoint.tcp)
        first = endpoint.http_chain[0]
        assert first.response is not None and first.response.status == 301
        assert first.location and first.location.startswith("https://")
        assert endpoint.https is not None and endpoint.https.tls_verified is True
        assert endpoint.https.header("strict-transport-security") == "max-age=31536000"
    for endpoint in apex.endpoints:
        assert endpoint.security_txt[0].found
        assert endpoint.security_txt[0].body == SECURITY_TXT
        assert len(endpoint.security_txt) == 1  # the legacy location is not asked when the well-known is there
    assert all(endpoint.security_txt == () for endpoint in www.endpoints)  # judged on the domain only
    assert {(t.server_name, t.ip) for t in observed["web_tls"]} == {
        ("example.nl", "127.0.0.1"),
        ("example.nl", "::1"),
        ("www.example.nl", "127.0.0.1"),
    }
    assert observed["web_rpki"].vrp_error  # no VRP file configured: the RPKI checks will say error
    assert apex.tlsa is not None and apex.tlsa.name == f"_{https_port}._tcp.example.nl"
    assert web.https_port == https_port
    results = evaluate(observed, CheckContext(), only_areas={"web"})
    for check_id in ("web.https.available", "web.https.redirect", "web.hsts", "web.security_txt"):
        assert results[check_id].status is Status.PASS, (check_id, results[check_id].summary)
    assert results["web.headers.x_frame_options"].status is Status.PASS
    assert results["web.headers.csp"].status is Status.WARNING  # the local site sends none
    assert results["web.ipv6.aaaa"].status is Status.FAIL  # www has no AAAA
    assert results["web.ipv6.same_content"].status is Status.PASS
    stored = dump_observations(observed)
    assert load_observations(stored)["web"] == web


def test_the_redirect_to_https_and_the_first_https_response_are_one_request(pki: Pki):
    """http://host/ -> https://host/ is the page the HTTPS checks read: fetched once per host and address."""
    requests: list[tuple[str, str]] = []

    async def scenario():
        http_port, https_port = _free_port_on_both_families(), _free_port_on_both_families()
        servers = await _site(http_port, https_port, pki.server_context(), requests)
        dns_transport, resolver = await start_dns(
            {("example.nl", "A"): ["127.0.0.1"], ("www.example.nl", "A"): ["127.0.0.1"]}
        )
        try:
            env = ScanEnv(ScanOptions(allow_non_public=True, resolver=(resolver,), connect_timeout=2, io_timeout=2))
            return await observe_web("example.nl", env, ports=(http_port, https_port))
        finally:
            dns_transport.close()
            for server in servers:
                server.close()
                await server.wait_closed()

    observed = asyncio.run(scenario())
    pages = sorted(host.split(":")[0] for host, path in requests if path == "/")
    assert pages == ["example.nl", "www.example.nl"]
    for host in observed["web"].hosts:
        (endpoint,) = host.endpoints
        assert endpoint.http_chain[1].response is not None
        assert endpoint.http_chain[1].response.status == endpoint.https.status == 200


def test_a_host_without_addresses_has_no_endpoints_and_nothing_is_probed():
    async def scenario():
        dns_transport, resolver = await start_dns({("example.nl", "A"): ["127.0.0.1"]})
        try:
            env = ScanEnv(ScanOptions(allow_non_public=True, resolver=(resolver,), connect_timeout=1, io_timeout=1))
            closed = _free_port_on_both_families()
            return await observe_web("example.nl", env, ports=(closed, closed))
        finally:
            dns_transport.close()

    web = asyncio.run(scenario())["web"]
    apex, www = web.hosts
    assert www.a.rcode == "NXDOMAIN" and not www.endpoints
    assert web.web_hosts == (apex,)
    (endpoint,) = apex.endpoints
    assert all(not probe.open and probe.refused for probe in endpoint.tcp)
    assert endpoint.http_chain == ()
    assert endpoint.https is None and "does not accept connections" in (endpoint.https_error or "")


def test_preset_addresses_replace_dns_and_are_recorded_as_such():
    async def scenario():
        dns_transport, resolver = await start_dns({})  # knows nothing: the preset must be used
        try:
            env = ScanEnv(ScanOptions(allow_non_public=True, resolver=(resolver,), connect_timeout=1, io_timeout=1))
            closed = _free_port_on_both_families()
            return await observe_web("example.nl", env, addresses={"example.nl": ["127.0.0.1"]}, ports=(closed, closed))
        finally:
            dns_transport.close()

    web = asyncio.run(scenario())["web"]
    assert web.hosts[0].a.rcode == "PRESET" and web.hosts[0].a.addresses == ("127.0.0.1",)
    assert web.hosts[1].endpoints == ()


def test_a_silent_server_ends_in_errors_within_the_budget_and_the_checks_say_error():
    async def scenario():
        async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                await asyncio.sleep(30)
            finally:
                writer.close()

        port = _free_port_on_both_families()
        server = await asyncio.start_server(silent, "127.0.0.1", port)
        dns_transport, resolver = await start_dns({})
        try:
            env = ScanEnv(
                ScanOptions(
                    allow_non_public=True, resolver=(resolver,), connect_timeout=0.5, io_timeout=0.5, target_timeout=8
                )
            )
            started = time.monotonic()
            observed = await observe_web("example.nl", env, addresses={"example.nl": ["127.0.0.1"]}, ports=(port, port))
            return observed, time.monotonic() - started
        finally:
            dns_transport.close()
            server.close()

    observed, elapsed = asyncio.run(scenario())
    assert elapsed < 8
    (endpoint,) = observed["web"].hosts[0].endpoints
    assert endpoint.https is None and endpoint.https_error
    assert endpoint.http_chain[0].error
    results = evaluate(observed, CheckContext(), only_areas={"web"})
    for check_id in ("web.hsts", "web.https.redirect", "web.headers.csp", "web.security_txt"):
        assert results[check_id].status is Status.ERROR, (check_id, results[check_id].summary)
