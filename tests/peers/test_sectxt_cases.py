"""DigitalTrustCenter's sectxt suite (the security.txt validator Internet.nl uses) as a table of our verdicts.

Source: github.com/DigitalTrustCenter/sectxt, ``test/test_sectxt.py`` (EUPL-1.2), the versions of 2023-2024 with
the CSAF, OpenPGP (``pgp_data_error``, ``pgp_error``), line-separator and byte-order-mark cases. The inputs and
the peer's expected outcome are transcribed as test data; no code of the peer is used. The peer computes dates
from "today"; here "today" is ``NOW``. ``Parser(...)`` cases have no media type: they are validated as served
with ``text/plain; charset=utf-8``; ``SecurityTXT(...)`` cases (fetch level) keep the peer's Content-Type.

Each row: ``peer_rejects`` whether the peer reports an error for what its test asserts; ``we_reject`` whether we
do: an error containing ``about``, or (``about`` empty) the file being invalid; ``we_warn`` a warning or
recommendation we must give instead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.web.security_txt import security_txt
from domeinwacht.securitytxt import validate_security_txt
from web_checks.builders import endpoint, host, observation, security_txt_fetch

from . import agreement, disagreements_without_rfc

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)
TODAY_PLUS_10 = "2026-01-11"
URL = "https://example.com/.well-known/security.txt"
UTF8 = "text/plain; charset=utf-8"

SIGNED = f"""-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA256

# Canonical URI
Canonical: https://example.com/.well-known/security.txt

# Our security address
Contact: mailto:security@example.com

# Our OpenPGP key
Encryption: https://example.com/pgp-key.txt

# Our security policy
Policy: https://example.com/security-policy.html

# Our security acknowledgments page
Acknowledgments: https://example.com/hall-of-fame.html

# CSAF link
CSAF: https://example.com/.well-known/csaf/provider-metadata.json

Expires: {TODAY_PLUS_10}T18:37:07z
-----BEGIN PGP SIGNATURE-----
Version: GnuPG v2.2

wpwEAQEIABAFAmTHcawJEDs4gPMoG10dAACN5wP/UozhFqHcUWRNhg4KwfY4
HHXU8bf222naeYJHgaHadLTJJ8YQIQ9N5fYF7K4BM0jPZc48aaUPaBdhNxw+
KDtQJWPzVREIbbGLRQ5WNYrLR6/7v1LHTI8RvgY22QZD9EAkFQwgdG8paIP4
2APWewNf8e01t1oh4n5bDBtr4IaQoj0=
=DHXw
-----END PGP SIGNATURE-----
"""
STATIC = f"Expires: {TODAY_PLUS_10}T18:37:07z\nContact: mailto:security@example.com\n"
CSAF = "CSAF: https://example.com/.well-known/csaf/provider-metadata.json"


@dataclass(frozen=True)
class Case:
    peer_test: str
    body: str | bytes
    peer: str  # the outcome the peer's test asserts
    peer_rejects: bool
    we_reject: bool
    about: str = ""
    we_warn: str = ""
    content_type: str | None = UTF8
    why: str = ""


CASES = [
    Case(
        "test_future_expires",
        "Expires: 2029-01-01T12:00:00Z\n",
        "recommendation long_expiry",
        False,
        False,
        about="Expires",
        we_warn="more than a year ahead",
    ),
    Case("test_invalid_expires", "Expires: Nonsense\n", "error invalid_expiry", True, True, "is not an RFC 3339"),
    Case(
        "test_invalid_expires (RFC 5322 date)",
        "Expires: Thu, 15 Sep 2022 06:03:46 -0700\n",
        "error invalid_expiry",
        True,
        True,
        "is not an RFC 3339 date-time",
    ),
    Case("test_expired", "Expires: 2020-01-01T12:00:00Z\n", "error expired", True, True, "the file expired"),
    Case("test_long_expiry", "Expires: 2030-01-01T12:00:00Z\n# Wow", "line 2 is a comment", False, False, "line 2"),
    Case(
        "test_preferred_languages (English)",
        STATIC + "Preferred-Languages: English",
        "error invalid_lang",
        True,
        True,
        "'English' is not a registered language subtag",
    ),
    Case(
        "test_preferred_languages (nl, Invalid)",
        STATIC + "Preferred-Languages: nl, Invalid",
        "error invalid_lang",
        True,
        True,
        "'Invalid' is not a registered language subtag",
    ),
    Case(
        "test_preferred_languages (En, dUT)",
        STATIC + "Preferred-Languages: En, dUT",
        "no invalid_lang error",
        False,
        True,
        "'dUT' is not a registered language subtag",
        why="RFC 5646 2.2.1: a language with an ISO 639-1 code is registered only under it ('nl'); the ISO 639-2/B "
        "code 'dut' is in no registry record, so it is not a valid tag (RFC 9116 2.5.8 asks for RFC 5646 tags)",
    ),
    Case("test_prec_ws", "Contact : mailto:me@example.com\n# Wow", "error prec_ws", True, True, "space before"),
    Case("test_empty_key", ": mailto:me@example.com\n# Wow", "error empty_key", True, True, "line 1: not a field"),
    Case("test_empty_key2", " : mailto:me@example.com\n# Wow", "error empty_key", True, True, "line 1:"),
    Case(
        "test_missing_space",
        "Contact:mailto:me@example.com\n# Wow",
        "error no_space",
        True,
        True,
        "must be followed by ': '",
    ),
    Case("test_missing_value", "Contact: \n# Wow", "error empty_value", True, True, "is not a URI"),
    Case(
        "test_no_https",
        "Contact: http://example.com/contact\n# Wow",
        "error no_https",
        True,
        True,
        "does not use https",
    ),
    Case("test_no_uri", "Contact: me@example.com\n# Wow", "error no_uri", True, True, "is not a URI"),
    Case("test_signed", SIGNED, "valid", False, False),
    Case(
        "test_signed_invalid_pgp (no BEGIN PGP SIGNATURE)",
        SIGNED.replace("-----BEGIN PGP SIGNATURE-----", ""),
        "error pgp_data_error",
        True,
        True,
        "signed file",
    ),
    Case(
        "test_signed_invalid_pgp (dash-escaped line in the block)",
        SIGNED.replace("-----BEGIN PGP SIGNATURE-----", "-----BEGIN PGP SIGNATURE-----\n- \n"),
        "error pgp_data_error",
        True,
        True,
        "a dash-escaped line inside it",
    ),
    Case(
        "test_signed_invalid_pgp (truncated base64)",
        SIGNED.replace("wpwEAQEIABAFAmTHcawJEDs4gPMoG10dAACN5wP/UozhFqHcUWRNhg4KwfY4", "wpwEAQEIABAFAmTH").replace(
            "HHXU8bf222naeYJHgaHadLTJJ8YQIQ9N5fYF7K4BM0jPZc48aaUPaBdhNxw+", "HHXU8bf222naeYJHga"
        ),
        "error pgp_error",
        True,
        True,
        "does not decode",
    ),
    Case(
        "test_signed_no_canonical",
        SIGNED.replace("Canonical: https://example.com/.well-known/security.txt", ""),
        "recommendation no_canonical",
        False,
        False,
        we_warn="should contain a Canonical field",
    ),
    Case("test_signed_dash_escaped", SIGNED.replace("Expires", "- Expires"), "valid", False, False),
    Case(
        "test_pgp_signed_formatting", "\r\n" + SIGNED, "error signed_format_issue", True, True, "not on the first line"
    ),
    Case(
        "test_unknown_fields",
        STATIC
        + "Last-updated: {date.today().isoformat()}T12:00:00z\nUnknown: value\nEncryption: https://example.com/pgp-key.txt\n",
        "valid, two unknown_field notifications",
        False,
        False,
    ),
    Case(
        "test_unknown_fields (recommend_unknown_fields=False)",
        STATIC
        + "Last-updated: {date.today().isoformat()}T12:00:00z\nUnknown: value\nEncryption: https://example.com/pgp-key.txt\n",
        "valid, no unknown_field notification",
        False,
        False,
    ),
    Case(
        "test_no_line_separators (one line)",
        f"Contact: mailto:security@example.com  Expires: {TODAY_PLUS_10}T18:37:07z  # All on a single line",
        "error no_line_separators",
        True,
        True,
    ),
    Case(
        "test_no_line_separators (four lines)",
        "line 1\nline 2\nline 3\nContact: mailto:security@example.com  Expires",
        "error no_line_separators on line 4",
        True,
        True,
        "line 4",
    ),
    Case(
        "test_csaf_https_uri",
        SIGNED.replace(CSAF, CSAF.replace("https:", "http:")),
        "error no_https",
        True,
        True,
        "does not use https",
    ),
    Case(
        "test_csaf_provider_file",
        SIGNED.replace(CSAF, CSAF.replace("provider-metadata.json", "other_provider_name.json")),
        "error no_csaf_file",
        True,
        True,
        "provider-metadata.json",
    ),
    Case(
        "test_multiple_csaf_notification",
        SIGNED.replace("# CSAF link", "# CSAF link\n" + CSAF.replace("example.com", "example2.com")),
        "valid, recommendation multiple_csaf_fields",
        False,
        False,
    ),
    Case(
        "test_multiple_signed_messages",
        SIGNED.replace("-----BEGIN PGP SIGNATURE-----", "-----BEGIN PGP SIGNATURE-----\n-----BEGIN PGP SIGNATURE-----"),
        "error pgp_data_error",
        True,
        True,
        "more than one signature block",
    ),
    Case(
        "test_contact_field_properties",
        SIGNED.replace(
            "Contact: mailto:security@example.com",
            "Contact: mailto:security@example.com\nContact: mailto:security%2Buri%2Bencoded@example.com\n"
            "Contact: mailto:not_a_valid_email\nContact: tel:+1-201-555-0123\n"
            "Contact: https://example.com/security-contact.html",
        ),
        "valid",
        False,
        False,
    ),
    # SecurityTXT(...) cases: fetched, with the Content-Type the peer's mock serves.
    Case(
        "test_valid_security_txt (Content-Type text/plain)",
        f"Contact: mailto:me@example.com\nExpires: {TODAY_PLUS_10}T18:37:07z\n",
        "valid",
        False,
        True,
        "no charset",
        content_type="text/plain",
        why='RFC 9116 3: the file MUST have a Content-Type of "text/plain" with the "charset" parameter set to '
        '"utf-8"; a bare "text/plain" defaults to US-ASCII (RFC 2046 4.1.2)',
    ),
    Case(
        "test_byte_order_mark",
        b"\xef\xbb\xbf\xef\xbb\xbfContact: mailto:me@example.com\nExpires: 2023-08-11T18:37:07z\n",
        "error bom_in_file",
        True,
        True,
        "byte-order mark",
        content_type="text/plain",
    ),
]


def _report(case: Case):  # type: ignore[no-untyped-def]
    body = case.body.encode() if isinstance(case.body, str) else case.body
    return validate_security_txt(body, content_type=case.content_type, fetched_from=(URL,), now=NOW)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.peer_test)
def test_our_verdict_on_every_sectxt_case(case: Case) -> None:
    report = _report(case)
    rejected = any(case.about in e for e in report.errors) if case.about else not report.valid
    assert rejected is case.we_reject, report.errors
    if case.we_warn:
        assert any(case.we_warn in w for w in (*report.warnings, *report.recommendations)), report.warnings


# --- fetch-level cases: the check's verdict over the fetches the peer's mocks describe ---------------------


@dataclass(frozen=True)
class FetchCase:
    peer_test: str
    well_known: str  # "ok", "timeout"
    legacy: str  # "ok", "timeout"
    peer: str
    peer_rejects: bool
    we_reject: bool
    status: Status
    why: str = ""


FETCH_CASES = [
    FetchCase(
        "test_not_correct_path",
        "timeout",
        "ok",
        "error location",
        True,
        False,
        Status.WARNING,
        why="RFC 9116 3: the legacy /security.txt MAY be used for legacy compatibility; the file there is valid, "
        "so we warn (web.security_txt in CHECKS.md) instead of calling it an error",
    ),
    FetchCase(
        "test_invalid_uri_scheme (only http:// answers)",
        "timeout",
        "timeout",
        "error invalid_uri_scheme",
        True,
        True,
        Status.ERROR,  # we never fetch over http (RFC 9116 3): nothing over https could be fetched
    ),
]


def _fetch(kind: str, *, legacy: bool):  # type: ignore[no-untyped-def]
    body = SIGNED.replace("https://example.com/.well-known/security.txt", "https://example.com/security.txt")
    fetch = security_txt_fetch("example.com", "192.0.2.10", body.encode(), legacy=legacy)
    if kind == "timeout":
        return replace(fetch, status=0, body=b"", error="connect timeout")
    return fetch


@pytest.mark.parametrize("case", FETCH_CASES, ids=lambda c: c.peer_test)
def test_our_verdict_on_every_sectxt_fetch_case(case: FetchCase) -> None:
    fetches = (_fetch(case.well_known, legacy=False), _fetch(case.legacy, legacy=True))
    obs = observation(
        host("example.com", endpoint("example.com", "192.0.2.10", security_txt=fetches)), domain="example.com"
    )
    result = security_txt(obs, CheckContext(now=NOW))
    assert result.status is case.status, result.summary
    assert (result.status is not Status.PASS and result.status is not Status.WARNING) is case.we_reject


def test_every_disagreement_with_sectxt_names_the_rfc_clause() -> None:
    assert disagreements_without_rfc([*CASES, *FETCH_CASES]) == []


def test_we_agree_with_sectxt_on_most_cases() -> None:
    # Figures for the report; the disagreements are the rows with a `why`.
    assert agreement([*CASES, *FETCH_CASES]) >= 0.9
