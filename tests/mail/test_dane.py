"""checks/_dane.py: TLSA matching per RFC 6698/7672, usages 2 and 3, all selectors and matching types."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from domeinwacht.checks._dane import TlsaSyntaxError, match_tlsa, name_matches, parse_tlsa, rollover_scheme

from .certs import Issued, chain, issue

ROOT, INTERMEDIATE, LEAF = chain()
CHAIN = (LEAF.der, INTERMEDIATE.der, ROOT.der)


def spki(issued: Issued) -> bytes:
    return issued.cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def record(usage: int, selector: int, mtype: int, issued: Issued) -> str:
    data = issued.der if selector == 0 else spki(issued)
    if mtype == 1:
        data = hashlib.sha256(data).digest()
    elif mtype == 2:
        data = hashlib.sha512(data).digest()
    return f"{usage} {selector} {mtype} {data.hex()}"


@pytest.mark.parametrize("selector", [0, 1])
@pytest.mark.parametrize("mtype", [0, 1, 2])
def test_dane_ee_matches_the_leaf_for_every_selector_and_matching_type(selector: int, mtype: int) -> None:
    result = match_tlsa([record(3, selector, mtype, LEAF)], CHAIN)
    assert result.matched
    assert result.matches[0].cert_index == 0
    assert "mx.example.nl" in result.matches[0].subject


@pytest.mark.parametrize("selector", [0, 1])
@pytest.mark.parametrize("mtype", [0, 1, 2])
@pytest.mark.parametrize(("issued", "index"), [(INTERMEDIATE, 1), (ROOT, 2)], ids=["intermediate", "root"])
def test_dane_ta_matches_a_certificate_above_the_leaf(selector: int, mtype: int, issued: Issued, index: int) -> None:
    result = match_tlsa([record(2, selector, mtype, issued)], CHAIN)
    assert [m.cert_index for m in result.matches] == [index]


def test_dane_ee_does_not_match_an_issuer() -> None:
    assert not match_tlsa([record(3, 1, 1, INTERMEDIATE)], CHAIN).matched


def test_dane_ta_does_not_match_the_leaf_itself() -> None:
    assert not match_tlsa([record(2, 1, 1, LEAF)], CHAIN).matched


def test_dane_ta_needs_an_unbroken_signature_chain_to_the_anchor() -> None:
    stranger = issue("Unrelated CA", ca=True)
    forged = (LEAF.der, stranger.der)
    result = match_tlsa([record(2, 0, 1, stranger)], forged)
    assert not result.matched
    assert any("not signed by certificate 1" in e for e in result.errors)


def test_pkix_usages_are_ignored_for_smtp_but_matched_for_web() -> None:
    records = [record(1, 1, 1, LEAF), record(0, 1, 1, ROOT)]
    smtp = match_tlsa(records, CHAIN)
    assert not smtp.matched and len(smtp.ignored) == 2 and not smtp.usable
    web = match_tlsa(records, CHAIN, smtp=False)
    assert sorted(m.usage for m in web.matches) == [0, 1]


def test_a_wrong_digest_does_not_match() -> None:
    other = issue("mx.example.nl", INTERMEDIATE)
    assert not match_tlsa([record(3, 1, 1, other)], CHAIN).matched


def test_the_result_says_which_record_matched_which_certificate() -> None:
    current, nxt = record(3, 1, 1, LEAF), record(3, 1, 1, issue("next", INTERMEDIATE))
    result = match_tlsa([nxt, current, record(2, 0, 1, ROOT)], CHAIN)
    assert result.matched_records() == (current, record(2, 0, 1, ROOT))


def test_unparseable_records_are_reported_not_raised() -> None:
    result = match_tlsa(["3 1 1 zz", "bogus"], CHAIN)
    assert not result.matched and len(result.errors) == 2


def test_unknown_parameters_are_ignored() -> None:
    result = match_tlsa(["3 2 1 00ff", "4 1 1 00ff"], CHAIN)
    assert len(result.ignored) == 2


def test_presentation_format_allows_spaces_in_the_hex() -> None:
    assert parse_tlsa("3 1 1 AB CD ( EF )").data == bytes.fromhex("abcdef")
    with pytest.raises(TlsaSyntaxError):
        parse_tlsa("3 1 x abcd")


def test_rollover_scheme_two_311_records() -> None:
    assert rollover_scheme([record(3, 1, 1, LEAF), record(3, 1, 1, INTERMEDIATE)]) is not None


def test_rollover_scheme_a_3_plus_a_2() -> None:
    assert rollover_scheme([record(3, 1, 1, LEAF), record(2, 0, 1, ROOT)]) is not None


def test_a_single_record_is_no_rollover_scheme() -> None:
    assert rollover_scheme([record(3, 1, 1, LEAF)]) is None
    assert rollover_scheme([record(3, 1, 1, LEAF), record(3, 1, 1, LEAF)]) is None


def test_dane_ta_requires_the_mx_name_on_the_leaf() -> None:
    ta = record(2, 0, 1, ROOT)
    assert match_tlsa([ta], CHAIN, hostname="mx.example.nl").matched
    result = match_tlsa([ta], CHAIN, hostname="other.example.nl")
    assert not result.matched and "not issued for other.example.nl" in result.errors[0]


def test_dane_ee_ignores_the_name() -> None:
    assert match_tlsa([record(3, 1, 1, LEAF)], CHAIN, hostname="other.example.nl").matched


def test_wildcard_names_match_one_label() -> None:
    wildcard = issue("*.example.nl", INTERMEDIATE)
    assert name_matches(wildcard.cert, "mx.example.nl")
    assert not name_matches(wildcard.cert, "a.mx.example.nl")
