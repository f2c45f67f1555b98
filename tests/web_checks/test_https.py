"""web.https.available and web.https.redirect."""

from __future__ import annotations

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.web.https import https_available, https_redirect

from .builders import endpoint, green, host, observation, redirect_hop

CTX = CheckContext()
IP = "192.0.2.10"


def one(**kwargs):  # type: ignore[no-untyped-def]
    return observation(host("example.nl", endpoint("example.nl", IP, **kwargs)))


def test_https_on_every_address_passes():
    result = https_available(green(), CTX)
    assert result.status is Status.PASS
    assert len(result.evidence["endpoints"]) == 4


def test_https_on_no_address_fails():
    result = https_available(one(https_open=False), CTX)
    assert result.status is Status.FAIL
    assert result.summary.startswith("No address serves HTTPS.")


def test_https_on_some_addresses_fails_and_lists_the_others():
    obs = observation(
        host("example.nl", endpoint("example.nl", IP), endpoint("example.nl", "2001:db8::10", https_open=False))
    )
    result = https_available(obs, CTX)
    assert result.status is Status.FAIL
    assert "Not every address" in result.summary and "2001:db8::10" in result.summary


def test_an_untrusted_certificate_still_counts_as_https_served():
    from dataclasses import replace

    from .builders import https_response

    response = replace(https_response("example.nl", IP), tls_verified=False, tls_error="self-signed certificate")
    assert https_available(one(https=response), CTX).status is Status.PASS


def test_a_first_redirect_to_https_on_the_same_host_passes():
    result = https_redirect(green(), CTX)
    assert result.status is Status.PASS
    assert result.evidence["endpoints"][0]["chain"][0]["status"] == 301


def test_no_port_80_at_all_passes():
    result = https_redirect(one(http_open=False), CTX)
    assert result.status is Status.PASS
    assert "no HTTP on port 80" in result.evidence["endpoints"][0]["detail"]


def test_a_first_redirect_to_another_host_fails_even_if_it_is_https():
    chain = (redirect_hop("example.nl", IP, "https://www.example.nl/"),)
    result = https_redirect(one(chain=chain), CTX)
    assert result.status is Status.FAIL
    assert "another host" in result.summary


def test_a_first_redirect_to_plain_http_fails():
    chain = (redirect_hop("example.nl", IP, "http://example.nl/home"),)
    assert https_redirect(one(chain=chain), CTX).status is Status.FAIL


def test_no_redirect_fails():
    chain = (redirect_hop("example.nl", IP, status=200),)
    result = https_redirect(one(chain=chain), CTX)
    assert result.status is Status.FAIL
    assert "without redirecting" in result.summary


def test_a_redirect_to_https_on_another_port_fails():
    chain = (redirect_hop("example.nl", IP, "https://example.nl:8443/"),)
    assert https_redirect(one(chain=chain), CTX).status is Status.FAIL


def test_the_host_comparison_ignores_case_and_a_trailing_dot():
    chain = (redirect_hop("example.nl", IP, "https://EXAMPLE.nl./"),)
    assert https_redirect(one(chain=chain), CTX).status is Status.PASS


def test_port_80_open_but_broken_is_an_error():
    from domeinwacht.observations.web import HttpHop

    chain = (HttpHop("http://example.nl/", IP, error="not a valid HTTP/1.x response"),)
    result = https_redirect(one(chain=chain), CTX)
    assert result.status is Status.ERROR
    assert "not a valid HTTP/1.x response" in result.evidence["reason"]
