"""Verdicts under refusal: what the address guard declined, or DNS could not tell, is `error` with the reason.

Every test runs a DNS server on 127.0.0.1 and the real observers without ``--allow-non-public``: the guard
refuses the loopback addresses the zone publishes, so no connection is attempted and no check may say `fail`
(or `not_applicable`) about the servers behind them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.scan.env import ScanEnv, ScanOptions
from domeinwacht.scan.observe.dns import observe_dns
from domeinwacht.scan.observe.mail import observe_mail
from domeinwacht.scan.observe.web import observe_web
from domeinwacht.scan.single import DomainObservations, check_context, evaluate_domain

from .zonedns import Zone, running

LOOPBACK = {
    ("example.nl", "A"): ["127.0.0.1"],
    ("example.nl", "AAAA"): ["::1"],
    ("www.example.nl", "A"): ["127.0.0.1"],
    ("www.example.nl", "AAAA"): ["::1"],
    ("example.nl", "MX"): ["10 mx.example.nl."],
    ("example.nl", "TXT"): ['"v=spf1 mx -all"'],
    ("mx.example.nl", "A"): ["127.0.0.1"],
    ("mx.example.nl", "AAAA"): ["::1"],
}

NS_AT_LOOPBACK = {
    ("example.nl", "NS"): ["ns1.example.nl."],
    ("example.nl", "SOA"): ["ns1.example.nl. hostmaster.example.nl. 1 7200 3600 1209600 300"],
    ("ns1.example.nl", "A"): ["127.0.0.1"],
    ("ns1.example.nl", "AAAA"): ["::1"],
}

UNRESOLVABLE = {
    ("example.nl", "RCODE"): ["SERVFAIL"],
    ("www.example.nl", "RCODE"): ["SERVFAIL"],
}

MX_UNRESOLVABLE = {
    ("example.nl", "MX"): ["10 mx.example.nl."],
    ("example.nl", "TXT"): ['"v=spf1 mx -all"'],
    ("mx.example.nl", "RCODE"): ["SERVFAIL"],
}

# The checks whose verdict rests on a connection to a web or mail server of the domain.
WEB_CONNECTION_CHECKS = (
    "web.https.",
    "web.hsts",
    "web.headers.",
    "web.http.compression",
    "web.security_txt",
    "web.ipv6.reach",
    "web.ipv6.same_content",
    "web.tls.",
    "web.cert.",
)
MAIL_CONNECTION_CHECKS = ("mail.starttls.", "mail.ipv6.reach", "mail.tls.", "mail.cert.")


def observe(zone: Zone, group: str, **extra: Any) -> tuple[dict[str, CheckResult], Mapping[str, int]]:
    async def run() -> tuple[dict[str, CheckResult], Mapping[str, int]]:
        async with running(zone) as resolver:
            options = ScanOptions(resolver=(resolver,), target_timeout=20, connect_timeout=2, io_timeout=2, **extra)
            env = ScanEnv(options)
            observer = {"web": observe_web, "mail": observe_mail, "dns": observe_dns}[group]
            areas: dict[str, Any] = await observer("example.nl", env)
            observed = DomainObservations("example.nl", frozenset({group}), areas)
            return evaluate_domain(observed, check_context(options)), dict(env.counters)

    return asyncio.run(run())


def affected(results: Mapping[str, CheckResult], prefixes: tuple[str, ...]) -> dict[str, CheckResult]:
    chosen = {cid: r for cid, r in results.items() if cid.startswith(prefixes)}
    assert chosen, "no check of the affected kind was evaluated"
    return chosen


def connection_attempts(counters: Mapping[str, int]) -> int:
    return sum(n for name, n in counters.items() if "connections" in name)


@pytest.fixture(scope="module")
def web_refused() -> tuple[dict[str, CheckResult], Mapping[str, int]]:
    return observe(LOOPBACK, "web")


@pytest.fixture(scope="module")
def mail_refused() -> tuple[dict[str, CheckResult], Mapping[str, int]]:
    return observe(LOOPBACK, "mail")


def test_the_guard_refusal_is_not_a_connection_attempt(web_refused, mail_refused):
    assert connection_attempts(web_refused[1]) == 0
    assert connection_attempts(mail_refused[1]) == 0


def test_an_a_record_at_loopback_makes_https_available_an_error_naming_the_guard(web_refused):
    result = web_refused[0]["web.https.available"]
    assert result.status is Status.ERROR, result
    assert "refusing to connect to 127.0.0.1: loopback address" in result.summary


def test_every_web_check_that_needs_a_connection_says_error_with_the_guard_reason(web_refused):
    for check_id, result in affected(web_refused[0], WEB_CONNECTION_CHECKS).items():
        assert result.status is Status.ERROR, (check_id, result)
        reason = f"{result.summary} {result.evidence.get('reason', '')}"
        assert "refusing to connect to" in reason, (check_id, result)


def test_an_mx_at_ipv6_loopback_makes_mail_ipv6_reach_an_error_naming_the_guard(mail_refused):
    result = mail_refused[0]["mail.ipv6.reach"]
    assert result.status is Status.ERROR, result
    assert "refusing to connect to ::1: loopback address" in result.summary


def test_every_mail_check_that_needs_a_connection_says_error_with_the_guard_reason(mail_refused):
    for check_id, result in affected(mail_refused[0], MAIL_CONNECTION_CHECKS).items():
        assert result.status is Status.ERROR, (check_id, result)
        reason = f"{result.summary} {result.evidence.get('reason', '')}"
        assert "refusing to connect to" in reason, (check_id, result)


def test_a_failed_address_lookup_makes_every_web_check_an_error_naming_it():
    results, counters = observe(UNRESOLVABLE, "web")
    assert connection_attempts(counters) == 0
    for check_id, result in affected(results, ("web.",)).items():
        if check_id.startswith("web.rpki."):
            continue  # no VRP data configured: its own error, tested in tests/rpki
        assert result.status is Status.ERROR, (check_id, result)
        assert "lookup of example.nl failed: the resolver answered SERVFAIL" in result.summary, (check_id, result)


def test_a_failed_mx_address_lookup_makes_the_mail_tls_and_ipv6_checks_errors_naming_it():
    results, _ = observe(MX_UNRESOLVABLE, "mail")
    for check_id, result in affected(results, ("mail.tls.", "mail.cert.", "mail.ipv6.")).items():
        assert result.status is Status.ERROR, (check_id, result)
        assert "mx.example.nl" in result.summary and "SERVFAIL" in result.summary, (check_id, result)


APEX_LOOP = {
    ("example.nl", "CNAME"): ["loop-b.example.org."],
    ("loop-b.example.org", "CNAME"): ["example.nl."],
    ("www.example.nl", "CNAME"): ["loop-b.example.org."],
}
LOOP = "example.nl -> loop-b.example.org -> example.nl"


def test_a_cname_loop_at_the_apex_makes_the_spf_checks_errors_naming_the_loop():
    results, _ = observe(APEX_LOOP, "mail")
    for check_id in ("mail.spf.exists", "mail.spf.policy"):
        assert results[check_id].status is Status.ERROR, results[check_id]
        assert f"CNAME loop for TXT example.nl: {LOOP}" in results[check_id].summary


def test_a_failed_mx_lookup_makes_every_mx_dependent_check_an_error_naming_the_loop():
    results, _ = observe(APEX_LOOP, "mail")
    prefixes = ("mail.mx", "mail.tls.", "mail.cert.", "mail.starttls.", "mail.ipv6.", "mail.mta_sts", "mail.tls_rpt")
    for check_id, result in affected(results, prefixes).items():
        assert result.status is Status.ERROR, (check_id, result)
        assert f"CNAME loop {LOOP}" in result.summary, (check_id, result)


def test_a_cname_loop_at_the_web_hosts_is_an_error_naming_the_loop():
    results, _ = observe(APEX_LOOP, "web")
    for check_id, result in affected(results, ("web.https.", "web.tls.", "web.cert.")).items():
        assert result.status is Status.ERROR, (check_id, result)
        assert "CNAME loop: example.nl -> loop-b.example.org -> example.nl" in result.summary, (check_id, result)


@pytest.fixture
def rpki_data(tmp_path: Path) -> dict[str, Path]:
    vrps, routes = tmp_path / "json", tmp_path / "pfx2as.txt"
    vrps.write_text(json.dumps({"roas": [{"asn": "AS64500", "prefix": "192.0.2.0/24", "maxLength": 24}]}))
    routes.write_text("192.0.2.0/24 64500\n")
    return {"vrp_file": vrps, "pfx2as_file": routes}


def test_with_rpki_data_a_failed_address_lookup_makes_the_web_rpki_checks_errors_naming_it(rpki_data):
    results, _ = observe(UNRESOLVABLE, "web", **rpki_data)
    for check_id in ("web.rpki.roa_exists", "web.rpki.valid"):
        assert results[check_id].status is Status.ERROR, results[check_id]
        assert "example.nl: A lookup of example.nl failed: the resolver answered SERVFAIL" in results[check_id].summary


def test_with_rpki_data_a_failed_mx_lookup_makes_the_mail_rpki_checks_errors_naming_it(rpki_data):
    results, _ = observe(APEX_LOOP, "mail", **rpki_data)
    for check_id in ("mail.rpki.roa_exists", "mail.rpki.valid"):
        assert results[check_id].status is Status.ERROR, results[check_id]
        assert f"MX lookup failed: MX lookup of example.nl: CNAME loop {LOOP}" in results[check_id].summary


def test_name_servers_at_loopback_make_the_ns_reach_checks_errors_naming_the_guard():
    results, _ = observe(NS_AT_LOOPBACK, "dns")
    for check_id, address in (("dns.ns.ipv4_reach", "127.0.0.1"), ("dns.ns.ipv6_reach", "::1")):
        assert results[check_id].status is Status.ERROR, results[check_id]
        assert f"refusing to connect to {address}: loopback address" in results[check_id].summary
