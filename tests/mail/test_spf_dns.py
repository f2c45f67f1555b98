"""SPF over our stub resolver (ResolverSpfDns) against a local DNS server: the production DNS path."""

from __future__ import annotations

import asyncio

import pytest

from domeinwacht.mail.spf import SpfAnswer, SpfDnsError, SpfResult, check_host
from domeinwacht.net.dns import Resolver, ResolverConfig
from domeinwacht.net.spf_dns import ResolverSpfDns

from . import dns_server

ZONE = {
    ("example.nl", "TXT"): ['"v=spf1 ip4:192.0.2.0/24 " "include:_spf.example.nl -all"', '"other text"'],
    ("_spf.example.nl", "TXT"): ['"v=spf1 mx a:relay.example.nl ~all"'],
    ("example.nl", "MX"): ["10 mx1.example.nl.", "20 mx2.example.nl."],
    ("_spf.example.nl", "MX"): ["10 mx1.example.nl."],
    ("mx1.example.nl", "A"): ["198.51.100.1"],
    ("relay.example.nl", "AAAA"): ["2001:db8::25"],
}


def ask(name: str, rdtype: str) -> SpfAnswer:
    async def run() -> SpfAnswer:
        async with dns_server.running(ZONE) as (address, _):
            return await ResolverSpfDns(Resolver(ResolverConfig(nameservers=(address,)))).query(name, rdtype)

    return asyncio.run(run())


def test_txt_strings_of_one_record_are_joined_without_spaces() -> None:
    answer = ask("example.nl", "TXT")
    assert sorted(answer.records) == ["other text", "v=spf1 ip4:192.0.2.0/24 include:_spf.example.nl -all"]


def test_mx_answers_are_exchange_names() -> None:
    assert sorted(ask("example.nl", "MX").records) == ["mx1.example.nl", "mx2.example.nl"]


def test_nxdomain_and_nodata() -> None:
    assert ask("nothing.example.nl", "A") == SpfAnswer("NXDOMAIN")
    assert ask("example.nl", "A").records == ()


def test_a_resolver_that_does_not_answer_is_a_dns_error() -> None:
    dns = ResolverSpfDns(Resolver(ResolverConfig(nameservers=("127.0.0.1:9",), timeout=0.2, attempts=1, lifetime=0.5)))
    with pytest.raises(SpfDnsError):
        asyncio.run(dns.query("example.nl", "TXT"))


@pytest.mark.parametrize(
    ("ip", "result"),
    [
        ("192.0.2.7", SpfResult.PASS),  # ip4 in the top record
        ("198.51.100.1", SpfResult.PASS),  # mx of the included record
        ("2001:db8::25", SpfResult.PASS),  # a:relay over IPv6
        ("203.0.113.9", SpfResult.FAIL),  # the include does not match, then -all
    ],
)
def test_check_host_over_the_resolver(ip: str, result: SpfResult) -> None:
    async def run() -> SpfResult:
        async with dns_server.running(ZONE) as (address, _):
            dns = ResolverSpfDns(Resolver(ResolverConfig(nameservers=(address,))))
            return (await check_host(ip, "example.nl", "user@example.nl", dns)).result

    assert asyncio.run(run()) is result
