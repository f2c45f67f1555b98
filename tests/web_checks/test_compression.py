"""web.http.compression."""

from __future__ import annotations

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.web.compression import compression

from .builders import endpoint, green, host, observation, with_headers

CTX = CheckContext()


def test_uncompressed_https_responses_pass():
    assert compression(green(), CTX).status is Status.PASS


def test_compressed_https_responses_are_info_with_the_encoding():
    result = compression(with_headers([("content-encoding", "gzip")]), CTX)
    assert result.status is Status.INFO
    assert result.evidence["endpoints"][0]["content_encoding"] == "gzip"
    assert result.remedy


def test_identity_is_not_compression():
    assert compression(with_headers([("content-encoding", "identity")]), CTX).status is Status.PASS


def test_without_https_anywhere_it_is_not_applicable():
    obs = observation(host("example.nl", endpoint("example.nl", "192.0.2.10", https_open=False)))
    assert compression(obs, CTX).status is Status.NOT_APPLICABLE
