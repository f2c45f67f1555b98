"""Chromium's hstspreload suite (HSTS header parsing and preload eligibility) as tables of our verdicts.

Source: github.com/chromium/hstspreload, ``header_test.go`` (BSD-3-Clause): ``parseHeaderStringTests``,
``parseHeaderStringWithErrorsTests``, ``ExampleParseHeaderString``, ``preloadableHeaderStringTests`` and
``eligibleHeaderStringTests``. The headers and the peer's expected issues are transcribed as test data; no code
of the peer is used. Not transcribed: ``removableHeaderStringTests`` (may a site leave the preload list — no
check of ours asks that) and the ``HSTSHeader`` struct-equality helper tests.

Two questions, two tables: does the header parse (RFC 6797 6.1: ours raises ``HstsSyntaxError``), and is it
good enough (the peer: preloadable under a policy; ours: the ``web.hsts`` verdict, max-age of at least one year
per CHECKS.md). Every row also states the ``web.hsts`` status the header gets.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.web.hsts import HstsSyntaxError, hsts, parse_hsts
from web_checks.builders import with_headers

from . import agreement, disagreements_without_rfc

CTX = CheckContext()
PASS, FAIL = Status.PASS, Status.FAIL


@dataclass(frozen=True)
class Case:
    peer_test: str
    header: str
    peer: str  # the issues the peer's test expects
    peer_rejects: bool  # the peer reports an error
    we_reject: bool  # parse table: HstsSyntaxError; preload table: web.hsts does not pass
    status: Status  # our web.hsts verdict for a first HTTPS response carrying this header
    why: str = ""


_NO_MAX_AGE = "RFC 6797 6.1.1: the max-age directive is REQUIRED; without it the header is not a valid STS header"

PARSE_CASES = [
    Case("without preload", "includeSubDomains; max-age=1337", "none", False, False, FAIL),
    Case("without includeSubDomains", "preload; max-age=1337", "none", False, False, FAIL),
    Case("without max-age", "preload; includeSubDomains", "none", False, True, FAIL, _NO_MAX_AGE),
    Case("full", "max-age=31536000; includeSubDomains; preload", "none", False, False, PASS),
    Case("any order", "includeSubDomains; preload; max-age=4321", "none", False, False, FAIL),
    Case(
        "extra whitespace",
        "   max-age=10886400  ;     includeSubDomains    ;     preload      ",
        "none",
        False,
        False,
        FAIL,
    ),
    Case("larger max-age", "includeSubDomains; preload; max-age=12345678", "none", False, False, FAIL),
    Case("reordered", "max-age=10886400; preload; includeSubDomains", "none", False, False, FAIL),
    Case("reordered, without preload", "max-age=10886400; includeSubDomains", "none", False, False, FAIL),
    Case("case-insensitive", "inCLUDESUBDomaINs; max-AGe=12345678", "none", False, False, FAIL),
    Case("empty", "", "warning header.parse.empty", False, True, FAIL, _NO_MAX_AGE),
    Case(
        "repeated preload",
        "preload; includeSubDomains; preload; max-age=12345678; preload",
        "warning header.parse.repeated.preload",
        False,
        True,
        FAIL,
        "RFC 6797 6.1: all directives MUST appear only once in an STS header field",
    ),
    Case(
        "single extra directive",
        "includeSubDomains; max-age=12345678; preload; extraDirective",
        "warning header.parse.unknown_directive",
        False,
        False,
        FAIL,
    ),
    Case(
        "multiple extra directives",
        "max-age=12345678; extra; includeSubDomains; directives; preload",
        "2 warnings header.parse.unknown_directive",
        False,
        False,
        FAIL,
    ),
    Case("semicolon only", ";", "warning header.parse.empty_directive", False, True, FAIL, _NO_MAX_AGE),
    Case(
        "trailing semicolon",
        "max-age=10886400; includeSubDomains; preload;",
        "warning header.parse.empty_directive",
        False,
        False,
        FAIL,
    ),
    Case(
        "prefixed by semicolon",
        "; max-age=10886400; includeSubDomains; preload",
        "warning header.parse.empty_directive",
        False,
        False,
        FAIL,
    ),
    Case("bad max-age: leading 0", "max-age=01234", "warning header.parse.max_age.leading_zero", False, False, FAIL),
    Case("bad max-age: empty value", "max-age=", "error header.parse.max_age.parse_int_error", True, True, FAIL),
    Case("bad max-age: no value", "max-age", "error header.parse.invalid.max_age.no_value", True, True, FAIL),
    Case("max-age: minus", "max-age=-101", "error header.parse.max_age.non_digit_characters", True, True, FAIL),
    Case("max-age: plus", "max-age=+101", "error header.parse.max_age.non_digit_characters", True, True, FAIL),
    Case(
        "error and warning: no max-age value, trailing semicolon",
        "max-age;",
        "error no_value, warning empty_directive",
        True,
        True,
        FAIL,
    ),
    Case(
        "error and warnings: no max-age value, unknown directive, trailing semicolon",
        "includeDomains; max-age;",
        "error no_value, warnings unknown_directive and empty_directive",
        True,
        True,
        FAIL,
    ),
    Case("ExampleParseHeaderString", "includeSubDomains; max-age;", "error no_value", True, True, FAIL),
]


def _parses(header: str) -> bool:
    try:
        parse_hsts(header)
    except HstsSyntaxError:
        return False
    return True


def _status(header: str) -> Status:
    return hsts(with_headers([("strict-transport-security", header)]), CTX).status


@pytest.mark.parametrize("case", PARSE_CASES, ids=lambda c: c.peer_test)
def test_our_verdict_on_every_hstspreload_parse_case(case: Case) -> None:
    assert (not _parses(case.header)) is case.we_reject
    assert _status(case.header) is case.status


# --- preload eligibility vs web.hsts --------------------------------------------------------------------------

_PRELOAD = (
    "RFC 6797 6.1: preload is no directive of RFC 6797 (it is hstspreload.org's submission rule) and "
    "includeSubDomains is OPTIONAL (6.1.2); web.hsts asks max-age of at least one year only (CHECKS.md)"
)
_EIGHTEEN_WEEKS = (
    "RFC 6797 6.1.1 leaves the max-age value to the host; web.hsts applies the one-year minimum of CHECKS.md "
    "(NCSC, Internet.nl), not the 18 weeks of hstspreload's older bulk policy"
)

PRELOAD_CASES = [
    Case("preloadable: no issues", "max-age=31536000; includeSubDomains; preload", "none", False, False, PASS),
    Case(
        "preloadable: max-age > 10 years",
        "max-age=315360001; preload; includeSubDomains",
        "warning over_10_years",
        False,
        False,
        PASS,
    ),
    Case("preloadable: empty", "", "errors isd, preload, max_age missing", True, True, FAIL),
    Case(
        "preloadable: missing preload",
        "includeSubDomains; max-age=31536000",
        "error preload.missing",
        True,
        False,
        PASS,
        _PRELOAD,
    ),
    Case(
        "preloadable: missing includeSubdomains",
        "preload; max-age=31536000",
        "error include_sub_domains.missing",
        True,
        False,
        PASS,
        _PRELOAD,
    ),
    Case("preloadable: missing max-age", "includeSubDomains; preload", "error max_age.missing", True, True, FAIL),
    Case("preloadable: only preload", "preload", "errors isd, max_age missing", True, True, FAIL),
    Case(
        "preloadable: only includeSubdomains", "includeSubDomains", "errors preload, max_age missing", True, True, FAIL
    ),
    Case(
        "preloadable: only max-age",
        "max-age=123456789",
        "errors isd, preload missing",
        True,
        False,
        PASS,
        _PRELOAD,
    ),
    Case(
        "preloadable: max-age without value",
        "includeSubDomains; preload; max-age",
        "errors no_value, max_age missing",
        True,
        True,
        FAIL,
    ),
    Case("preloadable: maxAge=0", "includeSubDomains; preload; max-age=0", "error max_age.zero", True, True, FAIL),
    Case("preloadable: maxAge=100", "includeSubDomains; preload; max-age=100", "error below_1_year", True, True, FAIL),
    Case(
        "preloadable: maxAge=10886400",
        "includeSubDomains; preload; max-age=10886400",
        "error below_1_year",
        True,
        True,
        FAIL,
    ),
    Case(
        "preloadable: missing preload, >10 years",
        "max-age=315360001; includeSubDomains",
        "error preload.missing, warning over_10_years",
        True,
        False,
        PASS,
        _PRELOAD,
    ),
    Case("eligible 1 year: no issues", "max-age=31536000; includeSubDomains; preload", "none", False, False, PASS),
    Case(
        "eligible 18 weeks: no issues",
        "max-age=10886400; includeSubDomains; preload",
        "none",
        False,
        True,
        FAIL,
        _EIGHTEEN_WEEKS,
    ),
    *(
        Case(
            f"eligible {policy}: max-age > 10 years",
            "max-age=315360001; preload; includeSubDomains",
            "warning",
            False,
            False,
            PASS,
        )
        for policy in ("1 year", "18 weeks")
    ),
    *(
        Case(f"eligible {policy}: empty", "", "errors isd, preload, max_age missing", True, True, FAIL)
        for policy in ("1 year", "18 weeks")
    ),
    *(
        Case(
            f"eligible {policy}: max-age without value",
            "includeSubDomains; preload; max-age",
            "errors no_value, max_age missing",
            True,
            True,
            FAIL,
        )
        for policy in ("1 year", "18 weeks")
    ),
    *(
        Case(
            f"eligible {policy}: maxAge=0",
            "includeSubDomains; preload; max-age=0",
            "error max_age.zero",
            True,
            True,
            FAIL,
        )
        for policy in ("1 year", "18 weeks")
    ),
    Case(
        "eligible 1 year: maxAge=100", "includeSubDomains; preload; max-age=100", "error below_1_year", True, True, FAIL
    ),
    Case(
        "eligible 18 weeks: maxAge=100",
        "includeSubDomains; preload; max-age=100",
        "error below_18_weeks",
        True,
        True,
        FAIL,
    ),
    Case(
        "eligible 1 year: maxAge=10886400",
        "includeSubDomains; preload; max-age=10886400",
        "error below_1_year",
        True,
        True,
        FAIL,
    ),
    *(
        Case(
            f"eligible {policy}: missing preload, >10 years",
            "max-age=315360001; includeSubDomains",
            "error preload.missing, warning over_10_years",
            True,
            False,
            PASS,
            _PRELOAD,
        )
        for policy in ("1 year", "18 weeks")
    ),
]


@pytest.mark.parametrize("case", PRELOAD_CASES, ids=lambda c: c.peer_test)
def test_our_verdict_on_every_hstspreload_preload_case(case: Case) -> None:
    status = _status(case.header)
    assert status is case.status
    assert (status is not Status.PASS) is case.we_reject


def test_every_disagreement_with_hstspreload_names_the_rfc_clause() -> None:
    assert disagreements_without_rfc([*PARSE_CASES, *PRELOAD_CASES]) == []


def test_we_agree_with_hstspreload_on_most_parse_cases() -> None:
    assert agreement(PARSE_CASES) >= 0.8
