"""Hostile and broken servers end in ``error`` with a reason, within the time budget, with bounded memory."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from domeinwacht.net.tls import probe_tls
from domeinwacht.observations.tls import TlsObservation
from domeinwacht.scan.env import ScanEnv, ScanOptions

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def probe_against(
    handler: Handler, *, io_timeout: float = 1.0, target_timeout: float = 6.0, **kwargs: object
) -> tuple[TlsObservation, float]:
    async def run() -> tuple[TlsObservation, float]:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                await handler(reader, writer)
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        env = ScanEnv(ScanOptions(allow_non_public=True, io_timeout=io_timeout, target_timeout=target_timeout))
        started = time.monotonic()
        try:
            obs = await probe_tls("127.0.0.1", port, "localhost", env, **kwargs)  # type: ignore[arg-type]
        finally:
            server.close()
        return obs, time.monotonic() - started

    return asyncio.run(run())


async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(65536)
    await asyncio.sleep(30)


async def one_byte_per_interval(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(65536)
    # A plausible start of a ServerHello record, dripped slowly.
    for byte in b"\x16\x03\x03\x00\x50\x02\x00\x00\x4c\x03\x03" + bytes(80):
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(0.2)


async def http_instead_of_tls(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(65536)
    writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    await writer.drain()


async def huge_handshake_message(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(65536)
    # A Certificate message that claims 16 MB.
    writer.write(b"\x16\x03\x03\x00\x04" + b"\x0b\xff\xff\xff")
    await writer.drain()
    await asyncio.sleep(5)


async def endless_records(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(65536)
    # ChangeCipherSpec records (which a TLS 1.3 client skips before the ServerHello) forever: 10 MB.
    chunk = b"\x14\x03\x03\x40\x00" + bytes(0x4000)
    for _ in range(640):
        writer.write(chunk)
        await writer.drain()


async def closes_at_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()


def test_a_server_that_never_answers_is_an_error_within_the_budget() -> None:
    obs, elapsed = probe_against(silent)
    assert obs.error is not None and "no complete TLS answer" in obs.error
    assert elapsed < 8


def test_a_server_dripping_one_byte_at_a_time_is_an_error_within_the_budget() -> None:
    obs, elapsed = probe_against(one_byte_per_interval)
    assert obs.error is not None
    assert elapsed < 8


def test_http_instead_of_tls_is_an_error_naming_it() -> None:
    obs, _ = probe_against(http_instead_of_tls)
    assert obs.error is not None and "not TLS" in obs.error


def test_a_huge_handshake_message_is_refused_from_its_header() -> None:
    obs, elapsed = probe_against(huge_handshake_message)
    assert obs.error is not None and "exceeds the limit" in obs.error
    assert elapsed < 8


def test_an_endless_stream_of_records_is_cut_off_by_the_byte_cap() -> None:
    obs, elapsed = probe_against(endless_records)
    assert obs.error is not None and "512 KB" in obs.error
    assert elapsed < 8


def test_a_server_that_closes_every_connection_is_an_error_not_a_verdict() -> None:
    obs, _ = probe_against(closes_at_once)
    assert obs.error is not None and "refused every ClientHello" in obs.error
    assert obs.versions == ()


def test_a_closed_port_is_an_error() -> None:
    async def run() -> TlsObservation:
        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        server.close()
        await server.wait_closed()
        env = ScanEnv(ScanOptions(allow_non_public=True))
        return await probe_tls("127.0.0.1", port, None, env)

    obs = asyncio.run(run())
    assert obs.error is not None and "TCP connect" in obs.error
    assert obs.connections == 1


def test_a_non_public_address_is_refused_by_default_without_connecting() -> None:
    async def run() -> tuple[TlsObservation, ScanEnv]:
        env = ScanEnv(ScanOptions())
        return await probe_tls("127.0.0.1", 443, None, env), env

    obs, env = asyncio.run(run())
    assert obs.error is not None and "refusing to connect" in obs.error
    assert env.counters.get("tls_connections", 0) == 0


class SmtpRateLimitedError(Exception):
    """Stands in for the SMTP client's error of the same name (the prober matches on the name)."""


def test_a_starttls_preamble_that_is_rate_limited_gives_error_rate_limited() -> None:
    async def preamble(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise SmtpRateLimitedError("421 4.7.0 too many connections")

    obs, _ = probe_against(silent, starttls=preamble, purpose="mail")
    assert obs.error is not None and obs.error.startswith("rate-limited")
    assert obs.connections == 1  # it stops at the first refusal: no hammering


def test_a_failing_starttls_preamble_is_an_error_with_its_reason() -> None:
    async def preamble(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise RuntimeError("STARTTLS not offered")

    obs, _ = probe_against(silent, starttls=preamble, purpose="mail")
    assert obs.error == "STARTTLS failed: RuntimeError: STARTTLS not offered"


def test_connections_to_one_address_respect_the_per_ip_limit() -> None:
    open_now = 0
    most = 0

    async def slow_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal open_now, most
        open_now += 1
        most = max(most, open_now)
        try:
            await reader.read(65536)
            await asyncio.sleep(0.05)
        finally:
            open_now -= 1
            writer.close()

    async def run() -> tuple[TlsObservation, ...]:
        server = await asyncio.start_server(slow_close, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        env = ScanEnv(ScanOptions(allow_non_public=True, per_ip_concurrency=1, io_timeout=2))
        try:
            return tuple(await asyncio.gather(*(probe_tls("127.0.0.1", port, None, env) for _ in range(3))))
        finally:
            server.close()

    results = asyncio.run(run())
    assert all(r.error is not None and r.connections >= 3 for r in results)
    assert most == 1
