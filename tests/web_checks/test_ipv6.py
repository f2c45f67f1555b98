"""web.ipv6.aaaa, web.ipv6.reach and web.ipv6.same_content."""

from __future__ import annotations

import gzip

from hypothesis import given, settings
from hypothesis import strategies as st

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.web.ipv6 import aaaa, page_text, reach, same_content, similarity

from .builders import PAGE, endpoint, green, host, https_response, observation

CTX = CheckContext()
V4, V6, V6B = "192.0.2.10", "2001:db8::10", "2001:db8::11"


def test_hosts_with_aaaa_pass():
    result = aaaa(green(), CTX)
    assert result.status is Status.PASS
    assert {e["host"] for e in result.evidence["endpoints"]} == {"example.nl", "www.example.nl"}


def test_a_host_without_aaaa_fails_and_is_named():
    obs = observation(
        host("example.nl", endpoint("example.nl", V4), endpoint("example.nl", V6)),
        host("www.example.nl", endpoint("www.example.nl", V4)),
    )
    result = aaaa(obs, CTX)
    assert result.status is Status.FAIL
    assert "www.example.nl" in result.summary


def test_a_failed_aaaa_lookup_is_an_error_not_a_fail():
    obs = observation(host("example.nl", endpoint("example.nl", V4), aaaa_error="no answer within 8s"))
    assert aaaa(obs, CTX).status is Status.ERROR


def test_every_ipv6_address_accepting_the_ipv4_ports_passes():
    result = reach(green(), CTX)
    assert result.status is Status.PASS
    assert result.evidence["reached"] == result.evidence["expected"] == 4


def test_an_ipv6_address_missing_one_port_is_a_warning():
    obs = observation(host("example.nl", endpoint("example.nl", V4), endpoint("example.nl", V6, http_open=False)))
    result = reach(obs, CTX)
    assert result.status is Status.WARNING
    assert "[2001:db8::10]:80" in result.summary


def test_no_ipv6_address_reachable_fails():
    obs = observation(
        host("example.nl", endpoint("example.nl", V4), endpoint("example.nl", V6, http_open=False, https_open=False))
    )
    assert reach(obs, CTX).status is Status.FAIL


def test_only_the_ports_ipv4_accepts_are_expected():
    obs = observation(
        host("example.nl", endpoint("example.nl", V4, http_open=False), endpoint("example.nl", V6, http_open=False))
    )
    result = reach(obs, CTX)
    assert result.status is Status.PASS
    assert result.evidence["expected"] == 1


def test_reach_without_aaaa_is_not_applicable():
    obs = observation(host("example.nl", endpoint("example.nl", V4)))
    assert reach(obs, CTX).status is Status.NOT_APPLICABLE


def test_the_same_page_over_both_families_passes():
    result = same_content(green(), CTX)
    assert result.status is Status.PASS
    assert result.evidence["endpoints"][0]["similarity"] == 1.0


def test_pages_differing_only_in_nonces_are_the_same():
    a = PAGE.replace(b"<body>", b'<body><script nonce="abcdefgh12345678">x()</script>')
    b = PAGE.replace(b"<body>", b'<body><script nonce="zyxwvuts87654321">x()</script>')
    obs = observation(
        host(
            "example.nl",
            endpoint("example.nl", V4, https=https_response("example.nl", V4, body=a)),
            endpoint("example.nl", V6, https=https_response("example.nl", V6, body=b)),
        )
    )
    assert same_content(obs, CTX).status is Status.PASS


def test_a_different_status_code_over_ipv6_is_a_warning():
    obs = observation(
        host(
            "example.nl",
            endpoint("example.nl", V4),
            endpoint("example.nl", V6, https=https_response("example.nl", V6, status=503)),
        )
    )
    result = same_content(obs, CTX)
    assert result.status is Status.WARNING
    assert "status 503 over IPv6, 200 over IPv4" in result.summary


def test_a_different_page_over_ipv6_is_a_warning():
    other = b"<html><body><h1>Welcome to nginx!</h1><p>default server page</p></body></html>"
    obs = observation(
        host(
            "example.nl",
            endpoint("example.nl", V4),
            endpoint("example.nl", V6),
            endpoint("example.nl", V6B, https=https_response("example.nl", V6B, body=other)),
        )
    )
    result = same_content(obs, CTX)
    assert result.status is Status.WARNING
    assert V6B in result.summary and "[2001:db8::10]" not in result.summary


def test_a_gzip_page_is_compared_after_decoding():
    gz = https_response("example.nl", V6, [("content-encoding", "gzip")], body=gzip.compress(PAGE))
    assert page_text(gz) == page_text(https_response("example.nl", V4))


def test_same_content_needs_both_families():
    obs = observation(host("example.nl", endpoint("example.nl", V4)))
    assert same_content(obs, CTX).status is Status.NOT_APPLICABLE


def test_a_missing_ipv6_page_is_an_error():
    obs = observation(
        host("example.nl", endpoint("example.nl", V4), endpoint("example.nl", V6, https_error="no data for 8s"))
    )
    assert same_content(obs, CTX).status is Status.ERROR


@settings(deadline=None)  # a loaded CI machine must not make a parser test flaky
@given(st.binary(max_size=2000), st.binary(max_size=2000))
def test_similarity_is_symmetric_and_bounded(a, b):
    s = similarity(a, b)
    assert 0.0 <= s <= 1.0
    assert similarity(a, a) == 1.0


def test_large_pages_are_compared_with_bounded_work():
    import random
    import time

    rng = random.Random(1)
    words = [b"<div>", b"<p>", b"</p>", b"</div>", b'<a href="/x">', b"</a>"] + [b"w%d" % i for i in range(300)]
    page = b" ".join(rng.choice(words) for _ in range(12000))[:65536]
    other = b" ".join(rng.choice(words) for _ in range(12000))[:65536]
    edited = page.replace(b"w1 ", b"w2 ")
    started = time.monotonic()
    assert similarity(page, edited) > 0.99
    assert similarity(page, other) < 0.5
    assert time.monotonic() - started < 3  # difflib on all tokens takes seconds per pair


@settings(deadline=None)  # a loaded CI machine must not make a parser test flaky
@given(st.lists(st.sampled_from([b"<p>", b"</p>", b"a", b"b", b"c"]), max_size=60), st.integers(0, 60))
def test_inserting_one_token_keeps_pages_similar(tokens, at):
    page = b" ".join(tokens)
    at = min(at, len(tokens))
    edited = b" ".join([*tokens[:at], b"inserted", *tokens[at:]])
    n = len(tokens)
    assert similarity(page, edited) >= (2 * n) / (2 * n + 1) - 1e-9


def test_redirects_to_different_places_over_ipv4_and_ipv6_are_a_warning():
    moved_v4 = https_response("example.nl", V4, [("location", "https://example.nl/home")], status=301, body=b"")
    moved_v6 = https_response("example.nl", V6, [("location", "https://old.example.nl/")], status=301, body=b"")
    obs = observation(
        host("example.nl", endpoint("example.nl", V4, https=moved_v4), endpoint("example.nl", V6, https=moved_v6))
    )
    result = same_content(obs, CTX)
    assert result.status is Status.WARNING
    assert "old.example.nl" in result.summary
