"""web.headers.csp and its CSP Level 3 parser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.web.csp import classify_source, combined_defects, csp, parse_header, parse_policy

from .builders import green, with_headers

CTX = CheckContext()
STRICT = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'; object-src 'none'"


def defects(*values: str) -> list[str]:
    return combined_defects(parse_header(values))


def test_a_strict_policy_on_every_address_passes():
    result = csp(green(), CTX)
    assert result.status is Status.PASS
    assert result.remedy is None


def test_a_missing_policy_is_a_warning_and_report_only_does_not_count():
    result = csp(with_headers([("content-security-policy-report-only", STRICT)]), CTX)
    assert result.status is Status.WARNING
    assert "Report-Only" in result.summary
    assert result.remedy


def test_each_defect_is_listed_in_the_warning():
    policy = "default-src * 'unsafe-inline'; script-src 'self' 'unsafe-eval' data:; style-src http: 'unsafe-hashes'"
    result = csp(with_headers([("content-security-policy", policy)]), CTX)
    assert result.status is Status.WARNING
    found = result.evidence["endpoints"][0]["defects"]
    for expected in (
        "wildcard source * in default-src",
        "'unsafe-inline' in default-src",
        "'unsafe-eval' in script-src",
        "data: allowed for script-src (via script-src)",
        "insecure scheme source http: in style-src",
        "'unsafe-hashes' in style-src",
        "default-src not restricted",
        "base-uri missing (it does not fall back to default-src)",
        "frame-ancestors missing",
        "form-action missing",
    ):
        assert expected in found, expected


def test_bare_https_scheme_and_wildcard_hosts_are_defects():
    found = defects(STRICT + "; img-src https:; connect-src https://*")
    assert "scheme-only source https: in img-src" in found
    assert "wildcard host in https://* in connect-src" in found


def test_data_in_default_src_reaches_scripts_and_objects_through_fallback():
    found = defects("default-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    assert "data: allowed for script-src (via default-src)" in found
    assert "data: allowed for object-src (via default-src)" in found


def test_unsafe_inline_next_to_a_nonce_is_ignored_by_browsers_and_not_a_defect():
    assert defects(STRICT + "; script-src 'nonce-r4nd0m' 'unsafe-inline' 'strict-dynamic'") == []


def test_a_duplicate_directive_is_reported_and_only_the_first_counts():
    policy = parse_policy("default-src 'self'; default-src *")
    assert policy.get("default-src") == ("'self'",)
    assert any("duplicate directive default-src" in p for p in policy.problems)


def test_directive_names_are_case_insensitive_and_invalid_ones_ignored():
    policy = parse_policy("DEFAULT-SRC 'self'; sc$ript-src *")
    assert policy.get("default-src") == ("'self'",)
    assert policy.get("sc$ript-src") is None
    assert policy.problems and "invalid directive name" in policy.problems[0]


def test_a_defect_counts_only_when_every_enforced_policy_has_it():
    # The second policy restricts scripts, so the first one's 'unsafe-inline' allows nothing more.
    found = defects(STRICT + "; script-src 'self' 'unsafe-inline'", STRICT)
    assert found == []
    assert defects("default-src *", "default-src 'self'") == [
        "base-uri missing (it does not fall back to default-src)",
        "form-action missing",
        "frame-ancestors missing",
    ]


def test_comma_separated_policies_in_one_header_are_separate_policies():
    assert len(parse_header(["default-src 'self', img-src *"])) == 2


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("'self'", "keyword"),
        ("'NONE'", "keyword"),
        ("'nonce-abc123=='", "nonce"),
        ("'sha256-AbC+/='", "hash"),
        ("https:", "scheme"),
        ("data:", "scheme"),
        ("example.nl", "host"),
        ("*.example.nl:443/path/", "host"),
        ("https://[2001:db8::1]:8443", "host"),
        ("*", "host"),
        ("'unknown'", "invalid"),
        ("exa mple", "invalid"),
    ],
)
def test_source_expressions_are_classified_per_csp3(source, kind):
    assert classify_source(source) == kind


_SOURCE = st.sampled_from(
    ["'self'", "'none'", "*", "https:", "http:", "data:", "example.nl", "'unsafe-inline'", "'nonce-x'"]
)
_NAME = st.sampled_from(
    ["default-src", "script-src", "object-src", "base-uri", "form-action", "frame-ancestors", "img-src", "report-uri"]
)


@settings(deadline=None)  # a loaded CI machine must not make a parser test flaky
@given(st.text(max_size=300))
def test_the_parser_never_crashes_and_names_are_lower_case(text):
    for policy in parse_header([text]):
        assert all(name == name.lower() and name for name, _ in policy.directives)
    combined_defects(parse_header([text]))


@settings(deadline=None)  # a loaded CI machine must not make a parser test flaky
@given(st.lists(st.tuples(_NAME, st.lists(_SOURCE, max_size=4)), max_size=8))
def test_serialising_and_parsing_keeps_the_first_of_each_directive(directives):
    text = "; ".join(" ".join([name, *sources]) for name, sources in directives)
    policy = parse_policy(text)
    expected: dict[str, tuple[str, ...]] = {}
    for name, sources in directives:
        expected.setdefault(name, tuple(sources))
    assert dict(policy.directives) == expected


@settings(deadline=None)  # a loaded CI machine must not make a parser test flaky
@given(st.lists(st.tuples(_NAME, st.lists(_SOURCE, max_size=4)), max_size=8))
def test_adding_a_policy_never_adds_defects(directives):
    text = "; ".join(" ".join([name, *sources]) for name, sources in directives)
    alone = set(defects(text))
    assert set(defects(text, STRICT)) <= alone
