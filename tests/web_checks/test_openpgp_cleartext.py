"""The structure of OpenPGP cleartext-signed messages (RFC 4880 7, RFC 9580 7), as security.txt uses them."""

from __future__ import annotations

import base64

from hypothesis import given, settings
from hypothesis import strategies as st

from domeinwacht.openpgp_cleartext import crc24, parse_cleartext

# Made with `gpg --clearsign` (ed25519); the structure is what matters here, not the key.
BODY = [
    "iHUEARYIAB0WIQTk3ERQlz1H9ELX6FV0Of27TYiDnQUCaxLyDwAKCRB0Of27TYiD",
    "nefeAQDaks/8nK2MjQTdOBja5Yh/HvdGh8J35D4DODC5MTq8cAEAy6lT2QMGyNzF",
    "75WRyIlY7z6yHV2+2CkdrYWyodLwugQ=",
]
TEXT = ["Contact: mailto:a@example.nl", "Expires: 2027-01-01T00:00:00Z"]


def message(text: list[str] = TEXT, block: list[str] | None = None, hash_line: str = "Hash: SHA256") -> list[str]:
    block = ["", *BODY, "=IP8D"] if block is None else block
    return [
        "-----BEGIN PGP SIGNED MESSAGE-----",
        hash_line,
        "",
        *text,
        "-----BEGIN PGP SIGNATURE-----",
        *block,
        "-----END PGP SIGNATURE-----",
    ]


def errors(lines: list[str]) -> str:
    return " | ".join(parse_cleartext(lines).errors)


def test_a_gpg_clearsigned_message_has_no_errors_and_a_matching_checksum():
    parsed = parse_cleartext(message())
    assert parsed.errors == ()
    assert parsed.cleartext == tuple(TEXT)
    assert parsed.hash_algorithms == ("SHA256",)
    assert parsed.checksum is True
    assert parsed.signature is not None and parsed.signature[0] & 0x80


def test_the_crc24_of_the_body_is_the_armor_checksum():
    data = base64.b64decode("".join(BODY))
    assert crc24(data).to_bytes(3, "big") == base64.b64decode("IP8D")


def test_armor_headers_in_the_signature_block_and_no_checksum_are_fine():
    parsed = parse_cleartext(message(block=["Version: GnuPG v2.2", "Comment: test", "", *BODY]))
    assert parsed.errors == () and parsed.checksum is None


def test_dash_escaped_cleartext_is_unescaped_and_an_unescaped_dash_line_is_an_error():
    assert parse_cleartext(message(text=["- -----x", "- Contact: y"])).cleartext == ("-----x", "Contact: y")
    assert "not dash-escaped (RFC 4880 7.1)" in errors(message(text=["--not escaped"]))


def test_a_dash_escaped_line_inside_the_signature_block_is_an_error():
    assert "a dash-escaped line inside it" in errors(message(block=["- ", "", *BODY, "=IP8D"]))


def test_a_truncated_base64_body_is_an_error():
    cut = [BODY[0][:16], BODY[1][:18], BODY[2]]
    assert "does not decode (RFC 4880 6.3)" in errors(message(block=["", *cut, "=IP8D"]))


def test_a_checksum_that_does_not_match_is_an_error():
    assert "CRC-24 checksum does not match" in errors(message(block=["", *BODY, "=AAAA"]))
    assert "is not a '=XXXX' CRC-24 checksum" in errors(message(block=["", *BODY, "=AAA"]))


def test_two_signature_blocks_are_an_error():
    doubled = message()
    doubled.insert(doubled.index("-----BEGIN PGP SIGNATURE-----"), "-----BEGIN PGP SIGNATURE-----")
    assert "more than one signature block" in errors(doubled)


def test_a_missing_begin_or_end_line_is_an_error():
    assert "no -----BEGIN PGP SIGNATURE----- line" in errors(message()[:4])
    assert "no -----END PGP SIGNATURE----- line" in errors(message()[:-1])


def test_an_unknown_hash_or_another_armor_header_is_an_error():
    assert "is not an OpenPGP hash algorithm" in errors(message(hash_line="Hash: SHA999"))
    assert "unexpected armor header" in errors(message(hash_line="Version: 1"))


def test_a_body_that_is_no_signature_packet_is_an_error():
    literal = base64.b64encode(bytes([0xCB, 3]) + b"abc").decode()  # new format, tag 11 (Literal Data)
    assert "not an OpenPGP Signature packet" in errors(message(block=["", literal]))


def test_a_missing_empty_line_after_the_signature_armor_headers_is_an_error():
    assert "where an armor header or the empty line belongs" in errors(message(block=["Version: x", *BODY]))


_LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@settings(deadline=None)  # a loaded CI machine must not make a parser test flaky
@given(st.lists(_LINE, max_size=12))
def test_dash_escaping_any_text_round_trips_without_errors(text):
    escaped = ["- " + line if line.startswith("-") else line for line in text]
    parsed = parse_cleartext(message(text=escaped))
    assert parsed.errors == ()
    assert parsed.cleartext == tuple(text)


@settings(deadline=None)  # a loaded CI machine must not make a parser test flaky
@given(st.lists(st.one_of(_LINE, st.sampled_from(message())), max_size=20))
def test_any_lines_give_a_result_and_one_line_errors_never_an_exception(lines):
    parsed = parse_cleartext(["-----BEGIN PGP SIGNED MESSAGE-----", *lines])
    assert all("\n" not in e for e in parsed.errors)
