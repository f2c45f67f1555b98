"""The stub resolver against hostile DNS servers on 127.0.0.1 (UDP and TCP on one port, run in the test).

Each behaviour is a function from the request bytes and the transport to the reply bytes (None: stay silent).
The resolver must end every case with an answer or a ``DnsError`` carrying a reason, within its time budget.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import Callable

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from loopdns import fake_server

from domeinwacht.net.dns import (
    DnsProtocolError,
    DnsTimeoutError,
    Resolver,
    ResolverConfig,
    ask_server,
    parse_server,
)
from domeinwacht.net.guard import AddressGuard


def reply_to(data: bytes, build: Callable[[dns.message.Message, dns.message.Message], None]) -> bytes:
    query = dns.message.from_wire(data)
    response = dns.message.make_response(query)
    build(query, response)
    return response.to_wire(max_size=65535)


def resolver(port: int, **config: float) -> Resolver:
    options = {"timeout": 0.3, "attempts": 2, "lifetime": 1.5, **config}
    return Resolver(ResolverConfig(nameservers=(f"127.0.0.1:{port}",), **options))  # type: ignore[arg-type]


def a_record(query: dns.message.Message, response: dns.message.Message) -> None:
    response.answer.append(dns.rrset.from_text(query.question[0].name, 60, "IN", "A", "192.0.2.10"))


def test_a_plain_answer_is_returned_with_its_records() -> None:
    async def go() -> None:
        async with fake_server(lambda d, t: reply_to(d, a_record)) as port:
            answer = await resolver(port).query("green.test", "A")
            assert answer.rcode == "NOERROR"
            assert answer.records == ("192.0.2.10",)

    asyncio.run(go())


def test_a_server_that_never_answers_ends_in_a_timeout_within_the_lifetime() -> None:
    async def go() -> None:
        async with fake_server(lambda d, t: None) as port:
            started = time.monotonic()
            with pytest.raises(DnsTimeoutError) as caught:
                await resolver(port, lifetime=1.0).query("silent.test", "A")
            assert time.monotonic() - started < 2.0
            assert "no answer within 1.0s" in caught.value.reason

    asyncio.run(go())


def test_garbage_instead_of_dns_is_a_protocol_error_with_a_reason() -> None:
    async def go() -> None:
        async with fake_server(lambda d, t: b"\xde\xad\xbe\xef" * 5) as port:
            with pytest.raises(DnsProtocolError) as caught:
                await resolver(port).query("garbage.test", "A")
            assert "unusable answer over UDP" in caught.value.reason
            assert "TCP" in caught.value.reason

    asyncio.run(go())


def test_a_reply_to_another_query_id_is_ignored_until_the_timeout() -> None:
    def wrong_id(data: bytes, transport: str) -> bytes | None:
        wire = bytearray(reply_to(data, a_record))
        wire[0] ^= 0xFF
        return bytes(wire) if transport == "udp" else None

    async def go() -> None:
        async with fake_server(wrong_id) as port:
            with pytest.raises(DnsTimeoutError):
                await resolver(port, lifetime=1.0).query("spoof.test", "A")

    asyncio.run(go())


def test_a_cname_loop_inside_one_answer_is_reported_as_cname_loop() -> None:
    def loop(query: dns.message.Message, response: dns.message.Message) -> None:
        response.answer.append(dns.rrset.from_text("a.loop.test.", 60, "IN", "CNAME", "b.loop.test."))
        response.answer.append(dns.rrset.from_text("b.loop.test.", 60, "IN", "CNAME", "a.loop.test."))

    async def go() -> None:
        async with fake_server(lambda d, t: reply_to(d, loop)) as port:
            answer = await resolver(port).query("a.loop.test", "A")
            assert answer.rcode == "CNAME_LOOP"
            assert answer.records == ()
            assert answer.cname_chain[:2] == ("a.loop.test", "b.loop.test")

    asyncio.run(go())


def test_a_cname_loop_across_questions_is_reported_as_cname_loop() -> None:
    targets = {"a.loop.test.": "b.loop.test.", "b.loop.test.": "a.loop.test."}

    def one_link(query: dns.message.Message, response: dns.message.Message) -> None:
        owner = query.question[0].name.to_text()
        response.answer.append(dns.rrset.from_text(owner, 60, "IN", "CNAME", targets[owner]))

    async def go() -> None:
        async with fake_server(lambda d, t: reply_to(d, one_link)) as port:
            answer = await resolver(port).query("a.loop.test", "A")
            assert answer.rcode == "CNAME_LOOP"

    asyncio.run(go())


def test_an_endless_cname_chain_is_cut_off() -> None:
    def chain(query: dns.message.Message, response: dns.message.Message) -> None:
        for i in range(40):
            response.answer.append(dns.rrset.from_text(f"c{i}.test.", 60, "IN", "CNAME", f"c{i + 1}.test."))

    async def go() -> None:
        async with fake_server(lambda d, t: reply_to(d, chain)) as port:
            answer = await resolver(port).query("c0.test", "A")
            assert answer.rcode == "CNAME_LOOP"
            assert len(answer.cname_chain) <= 18

    asyncio.run(go())


def test_an_unfinished_chain_is_followed_with_a_new_question() -> None:
    def partial(query: dns.message.Message, response: dns.message.Message) -> None:
        owner = query.question[0].name.to_text()
        if owner == "www.part.test.":
            response.answer.append(dns.rrset.from_text(owner, 60, "IN", "CNAME", "cdn.part.test."))
        else:
            a_record(query, response)

    async def go() -> None:
        async with fake_server(lambda d, t: reply_to(d, partial)) as port:
            answer = await resolver(port).query("www.part.test", "A")
            assert answer.records == ("192.0.2.10",)
            assert answer.cname_chain == ("www.part.test", "cdn.part.test")

    asyncio.run(go())


def huge_txt(query: dns.message.Message, response: dns.message.Message) -> None:
    strings = " ".join('"' + "x" * 255 + '"' for _ in range(250))  # 64,000 bytes of text
    response.answer.append(dns.rrset.from_text(query.question[0].name, 60, "IN", "TXT", strings))


def test_a_64_kb_txt_record_arrives_over_tcp_after_truncation() -> None:
    def truncating(data: bytes, transport: str) -> bytes:
        if transport == "udp":
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            response.flags |= dns.flags.TC
            return response.to_wire()
        return reply_to(data, huge_txt)

    async def go() -> None:
        async with fake_server(truncating) as port:
            r = resolver(port)
            answer = await r.query("big.test", "TXT")
            assert answer.rcode == "NOERROR"
            assert len(answer.records) == 1
            assert len(answer.records[0]) > 64_000
            assert r.queries_sent == 2  # one UDP, one TCP

    asyncio.run(go())


def test_a_64_kb_txt_record_in_one_udp_datagram_is_accepted() -> None:
    async def go() -> None:
        async with fake_server(lambda d, t: reply_to(d, huge_txt)) as port:
            answer = await resolver(port).query("big.test", "TXT")
            assert len(answer.records[0]) > 64_000

    asyncio.run(go())


def test_a_tcp_answer_dripping_one_byte_at_a_time_ends_within_the_lifetime() -> None:
    def truncate_then_tcp(data: bytes, transport: str) -> bytes:
        if transport == "udp":
            response = dns.message.make_response(dns.message.from_wire(data))
            response.flags |= dns.flags.TC
            return response.to_wire()
        return reply_to(data, huge_txt)

    async def go() -> None:
        async with fake_server(truncate_then_tcp, drip=0.05) as port:
            started = time.monotonic()
            with pytest.raises(DnsTimeoutError):
                await resolver(port, lifetime=1.0).query("slow.test", "TXT")
            assert time.monotonic() - started < 2.0

    asyncio.run(go())


def test_concurrent_identical_questions_share_one_query() -> None:
    async def go() -> None:
        async with fake_server(lambda d, t: reply_to(d, a_record)) as port:
            r = resolver(port)
            answers = await asyncio.gather(*(r.query("same.test", "A") for _ in range(10)))
            assert {a.records for a in answers} == {("192.0.2.10",)}
            assert r.queries_sent == 1

    asyncio.run(go())


def test_the_cache_stays_within_its_cap() -> None:
    async def go() -> None:
        async with fake_server(lambda d, t: reply_to(d, a_record)) as port:
            r = Resolver(ResolverConfig(nameservers=(f"127.0.0.1:{port}",), max_cache_entries=5))
            for i in range(12):
                await r.query(f"n{i}.test", "A")
            assert len(r._cache) <= 5

    asyncio.run(go())


def test_a_cached_answer_asked_again_outlives_newer_ones() -> None:
    """Eviction is least-recently-used: what many domains share (a TLD's keys, a name server) stays cached."""
    asked: list[str] = []

    def record(data: bytes, transport: str) -> bytes:
        asked.append(str(dns.message.from_wire(data).question[0].name))
        return reply_to(data, a_record)

    async def go() -> None:
        async with fake_server(record) as port:
            r = Resolver(ResolverConfig(nameservers=(f"127.0.0.1:{port}",), max_cache_entries=3))
            await r.query("hot.test", "A")
            for i in range(6):
                await r.query(f"n{i}.test", "A")
                await r.query("hot.test", "A")

    asyncio.run(go())
    assert asked.count("hot.test.") == 1


def test_dnssec_questions_set_do_and_cd() -> None:
    seen: list[dns.message.Message] = []

    def record(data: bytes, transport: str) -> bytes:
        seen.append(dns.message.from_wire(data))
        return reply_to(data, a_record)

    async def go() -> None:
        async with fake_server(record) as port:
            await resolver(port).message("signed.test", "A", dnssec=True)

    asyncio.run(go())
    assert seen[0].flags & dns.flags.CD
    assert seen[0].ednsflags & dns.flags.DO


def test_ask_server_reports_the_authoritative_flag_and_transport() -> None:
    def authoritative(query: dns.message.Message, response: dns.message.Message) -> None:
        response.flags |= dns.flags.AA
        a_record(query, response)

    async def go() -> None:
        async with fake_server(lambda d, t: reply_to(d, authoritative)) as port:
            reply = await ask_server("127.0.0.1", "zone.test", "SOA", port=port, per_try=0.5)
            assert reply.answered and reply.authoritative
            assert reply.transport == "udp"
            assert reply.rcode == "NOERROR"

    asyncio.run(go())


def test_ask_server_sees_a_lame_answer() -> None:
    def lame(query: dns.message.Message, response: dns.message.Message) -> None:
        response.set_rcode(dns.rcode.REFUSED)

    async def go() -> None:
        async with fake_server(lambda d, t: reply_to(d, lame)) as port:
            reply = await ask_server("127.0.0.1", "zone.test", port=port, per_try=0.5)
            assert reply.answered and not reply.authoritative
            assert reply.rcode == "REFUSED"

    asyncio.run(go())


def test_ask_server_falls_back_to_tcp_when_udp_is_silent() -> None:
    def tcp_only(data: bytes, transport: str) -> bytes | None:
        return reply_to(data, a_record) if transport == "tcp" else None

    async def go() -> None:
        async with fake_server(tcp_only) as port:
            reply = await ask_server("127.0.0.1", "zone.test", port=port, per_try=0.3)
            assert reply.answered
            assert reply.transport == "tcp"

    asyncio.run(go())


def test_ask_server_on_a_silent_server_gives_an_error_not_an_exception() -> None:
    async def go() -> None:
        async with fake_server(lambda d, t: None) as port:
            reply = await ask_server("127.0.0.1", "zone.test", port=port, per_try=0.3)
            assert not reply.answered
            assert "no answer over UDP" in reply.error
            assert "TCP" in reply.error

    asyncio.run(go())


def test_ask_server_respects_the_address_guard() -> None:
    async def go() -> None:
        reply = await ask_server("127.0.0.1", "zone.test", guard=AddressGuard(allow_non_public=False))
        assert not reply.answered
        assert "refusing to connect to 127.0.0.1" in reply.error

    asyncio.run(go())


@settings(deadline=None)  # a loaded CI machine must not turn slowness into a failure
@given(st.ip_addresses(), st.integers(min_value=1, max_value=65535), st.booleans())
def test_parse_server_reads_back_every_address_and_port(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, port: int, explicit: bool
) -> None:
    if not explicit:
        assert parse_server(str(address)) == (str(address), 53)
    elif address.version == 6:
        assert parse_server(f"[{address}]:{port}") == (str(address), port)
    else:
        assert parse_server(f"{address}:{port}") == (str(address), port)


@settings(deadline=None)  # a loaded CI machine must not turn slowness into a failure
@given(st.text(max_size=40))
def test_parse_server_rejects_junk_with_value_error(text: str) -> None:
    try:
        host, port = parse_server(text)
    except ValueError:
        return
    assert ipaddress.ip_address(host)
    assert 0 < port < 65536


def test_ask_server_rejects_an_invalid_name_without_raising() -> None:
    reply = asyncio.run(ask_server("127.0.0.1", "a..b", port=9))
    assert reply.error.startswith("invalid question")
    assert not reply.answered


def test_a_server_that_rejects_edns_is_asked_again_without_it() -> None:
    def no_edns(data: bytes, transport: str) -> bytes:
        query = dns.message.from_wire(data)
        if query.edns >= 0:
            response = dns.message.make_response(query)
            response.use_edns(False)
            response.set_rcode(dns.rcode.FORMERR)
            return response.to_wire()
        return reply_to(data, a_record)

    async def go() -> None:
        async with fake_server(no_edns) as port:
            r = resolver(port)
            answer = await r.query("old.test", "A")
            assert answer.records == ("192.0.2.10",)
            assert r.queries_sent == 2

    asyncio.run(go())


def test_the_cache_stays_within_its_byte_cap_with_64_kb_answers() -> None:
    async def go() -> None:
        async with fake_server(lambda d, t: reply_to(d, huge_txt)) as port:
            config = ResolverConfig(nameservers=(f"127.0.0.1:{port}",), max_cache_bytes=200_000)
            r = Resolver(config)
            for i in range(8):
                answer = await r.query(f"big{i}.test", "TXT")
                assert len(answer.records[0]) > 64_000
            assert 64_000 < r.cache_bytes <= 200_000
            assert len(r._cache) == 3

    asyncio.run(go())


def test_a_cancelled_asker_does_not_cancel_others_waiting_for_the_same_answer() -> None:
    requests: list[str] = []

    def second_time_lucky(data: bytes, transport: str) -> bytes | None:
        requests.append(transport)
        return reply_to(data, a_record) if len(requests) > 1 else None

    async def go() -> None:
        async with fake_server(second_time_lucky) as port:
            r = resolver(port, timeout=0.5, lifetime=3.0)
            first = asyncio.ensure_future(r.query("shared.test", "A"))
            await asyncio.sleep(0.05)
            second = asyncio.ensure_future(r.query("shared.test", "A"))
            await asyncio.sleep(0.05)
            first.cancel()
            answer = await second
            assert answer.records == ("192.0.2.10",)
            assert first.cancelled()

    asyncio.run(go())
