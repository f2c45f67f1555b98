"""web.hsts and its RFC 6797 parser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.web.hsts import HstsSyntaxError, hsts, parse_hsts

from .builders import endpoint, green, host, https_response, observation, with_headers

CTX = CheckContext()


def test_one_year_max_age_on_every_address_passes_with_flags_as_evidence():
    result = hsts(green(), CTX)
    assert result.status is Status.PASS
    assert result.remedy is None
    first = result.evidence["endpoints"][0]
    assert first["ip"] == "192.0.2.10" and first["port"] == 443
    assert first["include_subdomains"] is True and first["preload"] is False


def test_a_max_age_shorter_than_a_year_fails():
    result = hsts(with_headers([("strict-transport-security", "max-age=86400")]), CTX)
    assert result.status is Status.FAIL
    assert "max-age=86400 is shorter than 31536000" in result.summary
    assert result.remedy


def test_a_missing_header_fails():
    result = hsts(with_headers([]), CTX)
    assert result.status is Status.FAIL
    assert "no Strict-Transport-Security header" in result.summary


def test_an_unparseable_header_fails_with_the_reason():
    result = hsts(with_headers([("strict-transport-security", "max-age=31536000 includeSubDomains")]), CTX)
    assert result.status is Status.FAIL
    assert "unparseable" in result.summary


def test_only_the_first_header_field_counts_and_the_others_are_evidence():
    headers = [("strict-transport-security", "max-age=31536000"), ("strict-transport-security", "max-age=0")]
    result = hsts(with_headers(headers), CTX)
    assert result.status is Status.PASS
    assert result.evidence["endpoints"][0]["ignored_headers"] == ["max-age=0"]


def test_one_bad_address_among_good_ones_fails_and_is_named():
    bad = endpoint("example.nl", "2001:db8::10", https=https_response("example.nl", "2001:db8::10", []))
    obs = observation(host("example.nl", endpoint("example.nl", "192.0.2.10"), bad))
    result = hsts(obs, CTX)
    assert result.status is Status.FAIL
    assert "[2001:db8::10]:443" in result.summary


def test_no_https_on_any_address_means_no_hsts():
    obs = observation(host("example.nl", endpoint("example.nl", "192.0.2.10", https_open=False)))
    assert hsts(obs, CTX).status is Status.FAIL


def test_an_https_request_that_failed_on_an_open_port_is_an_error():
    obs = observation(host("example.nl", endpoint("example.nl", "192.0.2.10", https_error="no data for 8s")))
    result = hsts(obs, CTX)
    assert result.status is Status.ERROR
    assert "no data for 8s" in result.evidence["reason"]


def test_a_domain_without_web_hosts_is_an_error():
    from domeinwacht.observations.web import AddressLookup, WebHost, WebObservation

    empty = WebHost("example.nl", AddressLookup("A", "NXDOMAIN"), AddressLookup("AAAA", "NXDOMAIN"))
    result = hsts(WebObservation("example.nl", (empty,)), CTX)
    assert result.status is Status.ERROR
    assert "no website" in result.summary


@pytest.mark.parametrize(
    ("value", "max_age", "sub", "preload"),
    [
        ("max-age=31536000", 31536000, False, False),
        ("MAX-AGE=5;INCLUDESUBDOMAINS", 5, True, False),
        ('max-age="63072000"; includeSubDomains; preload', 63072000, True, True),
        ('  max-age = 10 ;; ; unknown="x;y" ', 10, False, False),
    ],
)
def test_valid_headers_parse(value, max_age, sub, preload):
    policy = parse_hsts(value)
    assert (policy.max_age, policy.include_subdomains, policy.preload) == (max_age, sub, preload)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "includeSubDomains",
        "max-age=1; max-age=2",
        "max-age=-1",
        "max-age=1.5",
        "max-age=",
        "max-age=1 includeSubDomains",
        "max-age=1; includeSubDomains=yes",
        'max-age="1',
        "max-age=1, max-age=2",
        "max-age=1; @=2",
    ],
)
def test_invalid_headers_are_refused(value):
    with pytest.raises(HstsSyntaxError):
        parse_hsts(value)


_TOKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!#$%&'*+^`|~", min_size=1)


@settings(deadline=None)  # a loaded CI machine must not make a parser test flaky
@given(st.text(max_size=200))
def test_the_parser_never_crashes_on_arbitrary_text(value):
    try:
        policy = parse_hsts(value)
    except HstsSyntaxError:
        return
    assert policy.max_age >= 0


@settings(deadline=None)  # a loaded CI machine must not make a parser test flaky
@given(
    max_age=st.integers(min_value=0, max_value=10**12),
    sub=st.booleans(),
    preload=st.booleans(),
    extra=st.lists(
        _TOKEN.filter(lambda t: t.lower() not in ("max-age", "includesubdomains", "preload")),
        max_size=3,
        unique_by=str.lower,
    ),
    spaces=st.sampled_from(["", " ", "  ", "\t"]),
)
def test_any_well_formed_header_round_trips(max_age, sub, preload, extra, spaces):
    parts = [f"max-age={max_age}"] + (["includeSubDomains"] if sub else []) + (["preload"] if preload else [])
    parts += [f"{name}=v" for name in extra]
    policy = parse_hsts(f"{spaces};{spaces}".join(parts))
    assert policy.max_age == max_age
    assert policy.include_subdomains is sub and policy.preload is preload
    assert [u.lower() for u in policy.unknown] == [e.lower() for e in extra]


def test_an_address_without_https_is_left_to_https_available_when_others_serve_https():
    obs = observation(
        host(
            "example.nl", endpoint("example.nl", "192.0.2.10"), endpoint("example.nl", "2001:db8::10", https_open=False)
        )
    )
    result = hsts(obs, CTX)
    assert result.status is Status.PASS
    dead = result.evidence["endpoints"][1]
    assert dead["status"] == "not_applicable" and "web.https.available" in dead["detail"]
