"""web.headers.x_frame_options, web.headers.x_content_type_options, web.headers.referrer_policy."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.web.headers import (
    POLICY_TOKENS,
    frame_options,
    parse_referrer_policy,
    referrer_policy,
    x_content_type_options,
    x_frame_options,
)

from .builders import endpoint, green, host, observation, with_headers

CTX = CheckContext()


def test_the_green_site_passes_all_three():
    for check in (x_frame_options, x_content_type_options, referrer_policy):
        assert check(green(), CTX).status is Status.PASS


@pytest.mark.parametrize("value", ["DENY", "sameorigin", " SameOrigin "])
def test_deny_or_sameorigin_passes(value):
    assert x_frame_options(with_headers([("x-frame-options", value)]), CTX).status is Status.PASS


@pytest.mark.parametrize("value", [None, "ALLOW-FROM https://example.nl", "ALLOWALL"])
def test_absent_or_other_frame_options_are_info(value):
    headers = [] if value is None else [("x-frame-options", value)]
    result = x_frame_options(with_headers(headers), CTX)
    assert result.status is Status.INFO
    assert result.remedy


def test_csp_frame_ancestors_replaces_x_frame_options():
    result = x_frame_options(with_headers([("content-security-policy", "frame-ancestors 'none'")]), CTX)
    assert result.status is Status.PASS
    assert "frame-ancestors" in result.evidence["endpoints"][0]["detail"]


def test_conflicting_frame_options_are_treated_as_deny_like_browsers_do():
    assert frame_options(["DENY", "SAMEORIGIN"]) == "conflict"
    assert frame_options(["deny, deny"]) == "deny"


def test_nosniff_passes_and_anything_else_warns():
    assert x_content_type_options(with_headers([("x-content-type-options", "NoSniff")]), CTX).status is Status.PASS
    for headers in ([], [("x-content-type-options", "sniff")]):
        result = x_content_type_options(with_headers(headers), CTX)
        assert result.status is Status.WARNING
        assert result.remedy


def test_no_https_means_the_absent_verdict_not_a_pass():
    obs = observation(host("example.nl", endpoint("example.nl", "192.0.2.10", https_open=False)))
    assert x_content_type_options(obs, CTX).status is Status.WARNING
    assert x_frame_options(obs, CTX).status is Status.INFO


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("no-referrer", Status.PASS),
        ("same-origin", Status.PASS),
        ("strict-origin", Status.INFO),
        ("strict-origin-when-cross-origin", Status.INFO),
        (None, Status.INFO),
        ("unsafe-url", Status.WARNING),
        ("origin", Status.WARNING),
        ("no-referrer-when-downgrade", Status.WARNING),
        ("origin-when-cross-origin", Status.WARNING),
        ("unsafe-url, no-referrer", Status.PASS),  # the last valid token wins
        ("no-referrer, bogus", Status.PASS),  # unknown tokens are ignored
        ("bogus", Status.INFO),
    ],
)
def test_referrer_policy_classes(value, status):
    headers = [] if value is None else [("referrer-policy", value)]
    assert referrer_policy(with_headers(headers), CTX).status is status


def test_several_referrer_policy_fields_combine_and_the_last_token_wins():
    assert parse_referrer_policy(["no-referrer", "unsafe-url"]).policy == "unsafe-url"


@settings(deadline=None)  # a loaded CI machine must not make a parser test flaky
@given(st.lists(st.sampled_from([*POLICY_TOKENS, "bogus", "", " ", "NO-REFERRER"]), max_size=6))
def test_the_effective_policy_is_the_last_known_token(tokens):
    parsed = parse_referrer_policy([",".join(tokens)])
    known = [t.strip().lower() for t in tokens if t.strip().lower() in POLICY_TOKENS]
    assert parsed.policy == (known[-1] if known else "")


@settings(deadline=None)  # a loaded CI machine must not make a parser test flaky
@given(st.text(max_size=200))
def test_the_referrer_parser_never_crashes(text):
    parsed = parse_referrer_policy([text])
    assert parsed.policy in ("", *POLICY_TOKENS)
