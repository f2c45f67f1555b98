"""web.security_txt and the RFC 9116 validator."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.web.security_txt import security_txt
from domeinwacht.securitytxt import parse_date_time, validate_security_txt

from .builders import endpoint, green, host, observation, security_txt_fetch

NOW = datetime(2026, 1, 1, tzinfo=UTC)
CTX = CheckContext(now=NOW)
URL = "https://example.nl/.well-known/security.txt"
IP = "192.0.2.10"
VALID = b"Contact: mailto:security@example.nl\nEncryption: https://example.nl/key.asc\nExpires: 2026-06-01T00:00:00Z\n"


def validate(body: bytes, content_type: str | None = "text/plain; charset=utf-8", fetched=(URL,)):  # type: ignore[no-untyped-def]
    return validate_security_txt(body, content_type=content_type, fetched_from=fetched, now=NOW)


def one(*fetches):  # type: ignore[no-untyped-def]
    return observation(host("example.nl", endpoint("example.nl", IP, security_txt=tuple(fetches))))


# --- the check ---------------------------------------------------------------------------------------------


def test_a_valid_well_known_file_on_every_address_passes():
    result = security_txt(green(), CTX)
    assert result.status is Status.PASS
    assert result.evidence["endpoints"][0]["contacts"] == ["mailto:security@example.nl"]


def test_a_file_only_at_the_legacy_location_is_a_warning():
    missing = security_txt_fetch("example.nl", IP, b"", status=404)
    legacy = security_txt_fetch("example.nl", IP, VALID, legacy=True)
    result = security_txt(one(missing, legacy), CTX)
    assert result.status is Status.WARNING
    assert "legacy" in result.summary


def test_a_missing_file_fails():
    missing = security_txt_fetch("example.nl", IP, b"", status=404)
    legacy = security_txt_fetch("example.nl", IP, b"", status=404, legacy=True)
    result = security_txt(one(missing, legacy), CTX)
    assert result.status is Status.FAIL
    assert "no security.txt" in result.summary
    assert result.remedy and "/.well-known/security.txt" in result.remedy


def test_an_expired_file_fails_with_the_date():
    expired = VALID.replace(b"2026-06-01", b"2025-06-01")
    result = security_txt(one(security_txt_fetch("example.nl", IP, expired)), CTX)
    assert result.status is Status.FAIL
    assert "expired on 2025-06-01" in result.summary


def test_an_invalid_file_fails_with_each_error():
    result = security_txt(one(security_txt_fetch("example.nl", IP, b"Expires: soon\n", content_type="text/html")), CTX)
    assert result.status is Status.FAIL
    errors = result.evidence["endpoints"][0]["errors"]
    assert any("text/html" in e for e in errors)
    assert any("no Contact" in e for e in errors)
    assert any("RFC 3339" in e for e in errors)


def test_no_https_means_no_security_txt():
    obs = observation(host("example.nl", endpoint("example.nl", IP, https_open=False)))
    assert security_txt(obs, CTX).status is Status.FAIL


def test_a_fetch_that_could_not_connect_is_an_error():
    from domeinwacht.observations.web import SecurityTxtFetch

    failed = SecurityTxtFetch(URL, IP, error="no data for 8s")
    legacy = SecurityTxtFetch("https://example.nl/security.txt", IP, error="no data for 8s")
    assert security_txt(one(failed, legacy), CTX).status is Status.ERROR


# --- the validator -----------------------------------------------------------------------------------------


def test_the_valid_file_has_no_findings():
    report = validate(VALID)
    assert report.valid and not report.warnings and not report.recommendations
    assert report.expires == datetime(2026, 6, 1, tzinfo=UTC)


def test_crlf_line_ends_are_fine_but_a_missing_final_line_break_is_not():
    assert validate(VALID.replace(b"\n", b"\r\n")).valid
    report = validate(VALID.rstrip(b"\n"))
    assert any("does not end with a line break" in e for e in report.errors)


def test_a_byte_order_mark_is_an_error():
    assert any("byte-order mark" in e for e in validate(b"\xef\xbb\xbf" + VALID).errors)


@pytest.mark.parametrize(
    ("content_type", "fragment"),
    [(None, "no Content-Type"), ("text/plain", "no charset"), ("text/plain; charset=iso-8859-1", "iso-8859-1")],
)
def test_the_content_type_must_be_text_plain_utf8(content_type, fragment):
    assert any(fragment in e for e in validate(VALID, content_type).errors)


def test_charset_parameter_is_case_insensitive_and_may_be_quoted():
    assert validate(VALID, 'Text/Plain; Charset="UTF-8"').valid


def test_expires_is_required_exactly_once_and_warned_beyond_a_year():
    assert any("no Expires" in e for e in validate(b"Contact: mailto:a@example.nl\n").errors)
    twice = VALID + b"Expires: 2026-07-01T00:00:00Z\n"
    assert any("exactly once" in e for e in validate(twice).errors)
    far = VALID.replace(b"2026-06-01", b"2028-06-01")
    report = validate(far)
    assert report.valid and any("more than a year" in w for w in report.warnings)


def test_contact_must_be_mailto_tel_or_https():
    assert any("https" in e for e in validate(VALID + b"Contact: http://example.nl/cvd\n").errors)
    assert any("not a mailto:, tel: or https:" in e for e in validate(VALID + b"Contact: ftp://example.nl/\n").errors)
    assert validate(VALID + b"Contact: tel:+31-70-1234567\nContact: https://example.nl/cvd\n").valid


def test_exactly_one_space_after_the_colon_and_none_before():
    assert any("': '" in e for e in validate(VALID + b"Policy:https://example.nl/p\n").errors)
    assert any("space before the colon" in e for e in validate(VALID + b"Policy : https://example.nl/p\n").errors)


def test_field_names_are_case_insensitive_and_unknown_fields_ignored():
    assert validate(b"CONTACT: mailto:a@example.nl\nexpires: 2026-06-01T00:00:00Z\nX-Custom: whatever\n").valid


def test_comments_and_empty_lines_are_allowed():
    assert validate(b"# our policy\n\n" + VALID + b"   \n# end\n").valid


def test_canonical_must_include_the_url_the_file_came_from():
    assert validate(VALID + f"Canonical: {URL}\n".encode()).valid
    report = validate(VALID + b"Canonical: https://other.nl/.well-known/security.txt\n")
    assert any("not among its Canonical" in e for e in report.errors)


def test_the_final_url_after_redirects_also_counts_for_canonical():
    final = "https://www.example.nl/.well-known/security.txt"
    assert validate(VALID + f"Canonical: {final}\n".encode(), fetched=(URL, final)).valid


def test_encryption_must_be_a_uri_not_the_key():
    report = validate(VALID + b"Encryption: -----BEGIN PGP PUBLIC KEY BLOCK-----\n")
    assert any("holds a key" in e for e in report.errors)


def test_preferred_languages_at_most_once_with_valid_tags():
    assert validate(VALID + b"Preferred-Languages: nl, en-GB\n").valid
    assert any(
        "more than once" in e for e in validate(VALID + b"Preferred-Languages: nl\nPreferred-Languages: en\n").errors
    )
    assert any("language tag" in e for e in validate(VALID + b"Preferred-Languages: nl_NL\n").errors)


@pytest.mark.parametrize(
    ("languages", "bad"),
    [("English", "'English' is not a registered language subtag"), ("nl, Invalid", "'Invalid' is not a registered")],
)
def test_preferred_languages_must_be_registered_rfc5646_tags(languages, bad):
    # RFC 9116 2.5.8 asks for RFC 5646 tags; "English" is well-formed but in no registry (issue 16).
    errors = validate(VALID + f"Preferred-Languages: {languages}\n".encode()).errors
    assert [e for e in errors if bad in e and "RFC 9116 2.5.8" in e]


def test_csaf_must_point_to_provider_metadata():
    assert validate(VALID + b"CSAF: https://example.nl/.well-known/csaf/provider-metadata.json\n").valid
    assert any("provider-metadata.json" in e for e in validate(VALID + b"CSAF: https://example.nl/csaf/\n").errors)


def test_mailto_without_encryption_is_a_recommendation():
    report = validate(b"Contact: mailto:a@example.nl\nExpires: 2026-06-01T00:00:00Z\n")
    assert report.valid and report.recommendations


SIGNED = b"""-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA256

Contact: mailto:security@example.nl
Encryption: https://example.nl/key.asc
Expires: 2026-06-01T00:00:00Z
Canonical: https://example.nl/.well-known/security.txt
-----BEGIN PGP SIGNATURE-----

iQEzBAEBCAAdFiEE
-----END PGP SIGNATURE-----
"""


def test_a_signed_file_is_parsed_from_its_cleartext_and_the_signature_is_not_verified():
    report = validate(SIGNED)
    assert report.valid and report.signed
    assert report.signature_verified is None
    assert report.contacts == ("mailto:security@example.nl",)


def test_a_signed_file_with_content_after_the_signature_is_invalid():
    assert any("after the signature" in e for e in validate(SIGNED + b"Contact: mailto:x@example.nl\n").errors)


def test_a_signed_file_without_signature_block_or_canonical_is_reported():
    cut = SIGNED.split(b"-----BEGIN PGP SIGNATURE-----")[0]
    assert any("no -----BEGIN PGP SIGNATURE-----" in e for e in validate(cut).errors)
    no_canonical = SIGNED.replace(b"Canonical: https://example.nl/.well-known/security.txt\n", b"")
    assert any("Canonical" in w for w in validate(no_canonical).warnings)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ((b"-----BEGIN PGP SIGNATURE-----\n", b"-----BEGIN PGP SIGNATURE-----\n- \n"), "dash-escaped line inside"),
        ((b"iQEzBAEBCAAdFiEE", b"iQEzBAEBCAAdF"), "does not decode"),
        ((b"-----BEGIN PGP SIGNATURE-----\n", b"-----BEGIN PGP SIGNATURE-----\n" * 2), "more than one signature"),
    ],
)
def test_a_malformed_signature_block_makes_a_signed_file_invalid(change, fragment):
    # issue 16: the OpenPGP structure (RFC 4880 7) is checked, not only the BEGIN and END lines.
    report = validate(SIGNED.replace(*change))
    assert report.signed and not report.valid
    assert any(fragment in e for e in report.errors), report.errors


def test_an_html_page_served_as_security_txt_gives_a_bounded_error_list():
    html = b"<html>\n" + b"<p>page</p>\n" * 500 + b"</html>\n"
    report = validate(html, "text/html; charset=utf-8")
    assert not report.valid
    assert len(report.errors) < 20
    assert any("more line errors" in e for e in report.errors)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("2026-06-01T00:00:00Z", True),
        ("2026-06-01t00:00:00z", True),
        ("2026-06-01T00:00:00.123456789+02:00", True),
        ("2026-06-01 00:00:00Z", False),
        ("2026-06-01T00:00:00", False),
        ("2026-13-01T00:00:00Z", False),
    ],
)
def test_rfc3339_date_times(text, ok):
    assert (parse_date_time(text) is not None) is ok


_LINE = st.one_of(
    st.text(max_size=80).filter(lambda s: "\n" not in s and "\r" not in s),
    st.sampled_from(
        [
            "Contact: mailto:a@example.nl",
            "Expires: 2026-06-01T00:00:00Z",
            "# c",
            "",
            "-----BEGIN PGP SIGNED MESSAGE-----",
        ]
    ),
)


@settings(deadline=None)  # a loaded CI machine must not make a parser test flaky
@given(st.lists(_LINE, max_size=30), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_the_validator_never_crashes_and_a_valid_file_has_contact_and_expiry(lines, eol, bom):
    body = (b"\xef\xbb\xbf" if bom else b"") + eol.join(lines).encode("utf-8", "surrogatepass") + eol.encode()
    report = validate(body)
    if report.valid:
        assert report.contacts and report.expires is not None and not bom


@settings(deadline=None)  # a loaded CI machine must not make a parser test flaky
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_give_a_report_not_an_exception(body):
    validate_security_txt(body, content_type=None, fetched_from=(URL,), now=NOW, truncated=True)


def test_a_file_reached_over_plain_http_after_redirects_fails():
    from dataclasses import replace

    fetch = replace(security_txt_fetch("example.nl", IP, VALID), final_url="http://cdn.example.nl/security.txt")
    result = security_txt(one(fetch), CTX)
    assert result.status is Status.FAIL
    assert "plain HTTP" in result.summary


def test_the_file_of_the_domain_is_judged_not_the_one_of_www():
    broken = security_txt_fetch("www.example.nl", IP, b"nonsense\n")
    obs = observation(
        host("example.nl", endpoint("example.nl", IP, security_txt=(security_txt_fetch("example.nl", IP, VALID),))),
        host("www.example.nl", endpoint("www.example.nl", IP, security_txt=(broken,))),
    )
    result = security_txt(obs, CTX)
    assert result.status is Status.PASS
    assert result.evidence["host"] == "example.nl"


def test_www_is_judged_when_the_domain_itself_has_no_address():
    from domeinwacht.observations.web import AddressLookup, WebHost

    bare = WebHost("example.nl", AddressLookup("A", "NOERROR"), AddressLookup("AAAA", "NOERROR"))
    missing = security_txt_fetch("www.example.nl", IP, b"", status=404)
    obs = observation(bare, host("www.example.nl", endpoint("www.example.nl", IP, security_txt=(missing, missing))))
    result = security_txt(obs, CTX)
    assert result.status is Status.FAIL
    assert result.evidence["host"] == "www.example.nl"


def test_an_address_without_https_does_not_hide_the_verdict_of_the_others():
    obs = observation(
        host(
            "example.nl",
            endpoint("example.nl", IP, security_txt=(security_txt_fetch("example.nl", IP, VALID),)),
            endpoint("example.nl", "2001:db8::10", https_open=False),
        )
    )
    result = security_txt(obs, CTX)
    assert result.status is Status.PASS
    assert result.evidence["endpoints"][1]["status"] == "not_applicable"
