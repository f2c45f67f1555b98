"""net/smtp.py against local servers on 127.0.0.1: STARTTLS, politeness, rate limiting, hostile servers."""

from __future__ import annotations

import asyncio
import time

import pytest

from domeinwacht.net.smtp import SmtpLimits, SmtpRateLimitedError, probe_smtp, shared_probe_smtp, starttls_preamble
from domeinwacht.scan.env import ScanEnv, ScanOptions

from . import smtp_server as srv
from .certs import chain

FAST = SmtpLimits(connect_timeout=2.0, io_timeout=1.5, total=4.0, max_lines=32)


def make_env() -> ScanEnv:
    return ScanEnv(ScanOptions(allow_non_public=True, resolver=("127.0.0.1:53",), ehlo_name="scanner.test.invalid"))


def run(coro):
    return asyncio.run(coro)


def test_starttls_is_offered_negotiated_and_the_leaf_recorded() -> None:
    _root, intermediate, leaf = chain()

    async def scenario():
        env = make_env()
        async with srv.running(srv.polite(srv.server_context(leaf, intermediate))) as server:
            probe = await probe_smtp("127.0.0.1", "mx.example.nl", env, port=server.port, limits=FAST)
        return probe, env, server

    probe, env, server = run(scenario())
    assert probe.error is None
    assert probe.banner_code == 220 and "second line" in probe.banner
    assert probe.starttls_offered is True and probe.starttls_ok is True
    assert probe.tls_version is not None
    assert probe.leaf_der == leaf.der
    assert "PIPELINING" in probe.extensions
    assert probe.connections == 1 and server.connections == 1
    assert env.counters["smtp.connections.127.0.0.1"] == 1


def test_a_server_without_starttls_is_recorded_as_not_offering_it() -> None:
    async def scenario():
        async with srv.running(srv.polite(None, starttls=False)) as server:
            return await probe_smtp("127.0.0.1", "mx", make_env(), port=server.port, limits=FAST)

    probe = run(scenario())
    assert probe.error is None
    assert probe.starttls_offered is False and probe.starttls_ok is None


def test_a_421_greeting_is_rate_limiting_not_failure() -> None:
    async def scenario():
        async with srv.running(srv.busy_421) as server:
            return await probe_smtp("127.0.0.1", "mx", make_env(), port=server.port, limits=FAST)

    probe = run(scenario())
    assert probe.rate_limited is True
    assert probe.error is not None and probe.error.startswith("rate-limited:")
    assert probe.starttls_offered is None


def test_a_4xx_reply_to_ehlo_is_rate_limiting() -> None:
    async def scenario():
        async with srv.running(srv.polite(None, ehlo_code=450)) as server:
            return await probe_smtp("127.0.0.1", "mx", make_env(), port=server.port, limits=FAST)

    probe = run(scenario())
    assert probe.rate_limited is True and "EHLO answered 450" in (probe.error or "")


def test_a_connection_closed_before_the_banner_is_rate_limiting() -> None:
    async def scenario():
        async with srv.running(srv.close_at_once) as server:
            return await probe_smtp("127.0.0.1", "mx", make_env(), port=server.port, limits=FAST)

    probe = run(scenario())
    assert probe.rate_limited is True


def test_refused_after_an_earlier_success_is_rate_limiting() -> None:
    async def scenario():
        env = make_env()
        async with srv.running(srv.polite(None, starttls=False)) as server:
            port = server.port
            first = await probe_smtp("127.0.0.1", "mx", env, port=port, limits=FAST)
        second = await probe_smtp("127.0.0.1", "mx", env, port=port, limits=FAST)  # now refused
        return first, second

    first, second = run(scenario())
    assert first.error is None
    assert second.rate_limited is True and "refused" in (second.error or "")


def test_refused_without_earlier_success_is_an_error_but_not_rate_limiting() -> None:
    async def scenario():
        async with srv.running(srv.silent) as server:
            port = server.port
        return await probe_smtp("127.0.0.1", "mx", make_env(), port=port, limits=FAST)

    probe = run(scenario())
    assert probe.rate_limited is False and "refused" in (probe.error or "")


@pytest.mark.parametrize(
    ("handler", "reason"),
    [
        (srv.silent, "no complete reply line"),
        (srv.one_byte_per_second, "no complete reply line"),
        (srv.endless_banner, "reply longer than 32 lines"),
        (srv.long_line, "reply line longer than"),
    ],
    ids=["never-answers", "one-byte-per-second", "endless-multiline-banner", "64KiB-line"],
)
def test_hostile_servers_end_in_an_error_with_reason_in_time(handler, reason: str) -> None:
    async def scenario():
        async with srv.running(handler) as server:
            return await probe_smtp("127.0.0.1", "mx", make_env(), port=server.port, limits=FAST)

    started = time.monotonic()
    probe = run(scenario())
    assert time.monotonic() - started < FAST.total + 2
    assert probe.error is not None and reason in probe.error
    assert probe.rate_limited is False


def test_the_total_budget_bounds_a_trickling_server() -> None:
    limits = SmtpLimits(connect_timeout=1.0, io_timeout=5.0, total=1.5)

    async def scenario():
        async with srv.running(srv.one_byte_per_second) as server:
            return await probe_smtp("127.0.0.1", "mx", make_env(), port=server.port, limits=limits)

    started = time.monotonic()
    probe = run(scenario())
    assert time.monotonic() - started < 3.5
    assert "not finished within 1.5s" in (probe.error or "")


def test_the_address_guard_is_asked_before_connecting() -> None:
    env = ScanEnv(ScanOptions(resolver=("127.0.0.1:53",)))  # guard active: loopback refused
    probe = run(probe_smtp("127.0.0.1", "mx", env, port=1, limits=FAST))
    assert probe.connections == 0 and "refusing to connect" in (probe.error or "")


def test_a_shared_mx_is_probed_once_per_run() -> None:
    async def scenario():
        env = make_env()
        async with srv.running(srv.polite(None, starttls=False)) as server:
            probes = await asyncio.gather(
                *(shared_probe_smtp("127.0.0.1", f"mx{i}", env, port=server.port) for i in range(20))
            )
        return probes, server

    probes, server = run(scenario())
    assert server.connections == 1
    assert all(p is probes[0] for p in probes)


def test_at_most_two_concurrent_connections_per_mail_server() -> None:
    active = 0
    peak = 0

    async def slow_polite(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.5)  # long enough for every probe to have tried to connect
        active -= 1
        await srv.polite(None, starttls=False)(reader, writer)

    async def scenario() -> None:
        env = make_env()
        async with srv.running(slow_polite) as server:
            await asyncio.gather(*(probe_smtp("127.0.0.1", "mx", env, port=server.port, limits=FAST) for _ in range(6)))

    run(scenario())
    assert peak == 2


def test_the_starttls_preamble_leaves_the_stream_ready_for_tls() -> None:
    _root, _intermediate, leaf = chain()

    async def scenario() -> str:
        async with srv.running(srv.polite(srv.server_context(leaf))) as server:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            await starttls_preamble("scanner.test.invalid", FAST)(reader, writer)
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            await writer.start_tls(context)
            version = writer.get_extra_info("ssl_object").version()
            writer.close()
            return version

    assert run(scenario()).startswith("TLS")


def test_the_starttls_preamble_raises_rate_limited_on_421() -> None:
    async def scenario() -> None:
        async with srv.running(srv.busy_421) as server:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            try:
                await starttls_preamble("scanner.test.invalid", FAST)(reader, writer)
            finally:
                writer.close()

    with pytest.raises(SmtpRateLimitedError):
        run(scenario())
