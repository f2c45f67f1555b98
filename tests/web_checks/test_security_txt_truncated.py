"""A security.txt cut at the size cap: the cut is ours, so it is named, never read as the file's error."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.web.security_txt import security_txt
from domeinwacht.observations.web import SECURITY_TXT_CAP
from domeinwacht.securitytxt import validate_security_txt

from .builders import endpoint, host, observation, security_txt_fetch

NOW = datetime(2026, 1, 1, tzinfo=UTC)
URL = "https://example.nl/.well-known/security.txt"
IP = "192.0.2.10"
CONTACT = b"Contact: mailto:security@example.nl\n"
EXPIRES = b"Expires: 2026-06-01T00:00:00Z\n"
PADDING = b"# " + b"x" * (2 * SECURITY_TXT_CAP) + b"\n"  # one comment line longer than the cap


def cut(body: bytes) -> bytes:
    return body[:SECURITY_TXT_CAP]


def validate(body: bytes):  # type: ignore[no-untyped-def]
    return validate_security_txt(
        cut(body), content_type="text/plain; charset=utf-8", fetched_from=(URL,), now=NOW, truncated=True
    )


def judge(body: bytes):  # type: ignore[no-untyped-def]
    fetch = replace(security_txt_fetch("example.nl", IP, cut(body)), body_truncated=True)
    return security_txt(
        observation(host("example.nl", endpoint("example.nl", IP, security_txt=(fetch,)))), CheckContext(now=NOW)
    )


def test_the_line_cut_by_the_cap_is_not_reported_as_an_invalid_line():
    report = validate(CONTACT + EXPIRES + PADDING)
    assert report.errors == ()
    assert report.truncated_at == SECURITY_TXT_CAP
    assert f"truncated at {SECURITY_TXT_CAP} bytes" in report.warnings[0]


def test_a_required_field_that_may_follow_the_cut_is_unseen_not_missing():
    report = validate(CONTACT + PADDING + EXPIRES)
    assert report.errors == ()
    assert report.unseen == (f"no Expires field in the first {SECURITY_TXT_CAP} bytes",)


def test_the_check_says_error_naming_the_truncation_when_a_required_field_was_not_seen():
    result = judge(CONTACT + PADDING + EXPIRES)
    assert result.status is Status.ERROR, result
    assert f"truncated at {SECURITY_TXT_CAP} bytes: no Expires field in the first {SECURITY_TXT_CAP} bytes" in (
        result.summary
    )


def test_an_error_in_the_complete_lines_before_the_cut_still_fails():
    result = judge(CONTACT + b"Expires: soon\n" + PADDING)
    assert result.status is Status.FAIL, result
    assert "not an RFC 3339 date-time" in result.summary


def test_a_complete_file_before_the_cut_is_judged_with_the_truncation_as_a_warning():
    result = judge(CONTACT + EXPIRES + PADDING)
    assert result.status is Status.WARNING, result
    assert f"truncated at {SECURITY_TXT_CAP} bytes" in result.summary


def test_a_signature_block_that_may_follow_the_cut_is_unseen_not_missing():
    signed = b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + CONTACT + EXPIRES + PADDING
    report = validate(signed + b"-----BEGIN PGP SIGNATURE-----\n")
    assert report.errors == ()
    assert report.unseen == (
        f"signed file: no -----BEGIN PGP SIGNATURE----- line in the first {SECURITY_TXT_CAP} bytes",
    )
