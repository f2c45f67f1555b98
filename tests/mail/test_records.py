"""DMARC, DKIM, MTA-STS and TLS-RPT record parsers: examples and hypothesis properties."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given
from hypothesis import strategies as st

from domeinwacht.mail.dkim import DkimSyntaxError, parse_dkim_key
from domeinwacht.mail.dmarc import DmarcSyntaxError, is_dmarc_record, parse_dmarc
from domeinwacht.mail.mtasts import mx_matches, parse_sts_policy, parse_sts_record
from domeinwacht.mail.tags import TagSyntaxError, parse_tags
from domeinwacht.mail.tlsrpt import parse_tlsrpt

# --- tag lists --------------------------------------------------------------------------------------------


def test_tag_lists_keep_order_and_strip_whitespace() -> None:
    assert parse_tags(" v = DMARC1 ;p=reject ; ") == [("v", "DMARC1"), ("p", "reject")]


def test_duplicate_tags_are_refused() -> None:
    with pytest.raises(TagSyntaxError):
        parse_tags("v=DMARC1; p=none; p=reject")


TAG = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)
VALUE = st.text(alphabet=st.characters(blacklist_characters=";", blacklist_categories=("Cs",)), max_size=20)


@given(st.dictionaries(TAG, VALUE, max_size=8))
def test_tag_lists_round_trip(tags: dict[str, str]) -> None:
    text = "; ".join(f"{k}={v}" for k, v in tags.items())
    assert parse_tags(text) == [(k, v.strip(" \t\r\n")) for k, v in tags.items()]


# --- DMARC ------------------------------------------------------------------------------------------------


def test_a_full_dmarc_record() -> None:
    record = parse_dmarc(
        "v=DMARC1; p=reject; sp=quarantine; np=reject; pct=100; t=n; psd=n; adkim=s; aspf=r; "
        "rua=mailto:dmarc@example.nl,mailto:agg@reports.example.com!10m; ruf=mailto:f@example.nl; fo=1"
    )
    assert (record.policy, record.subdomain_policy, record.nonexistent_policy) == ("reject", "quarantine", "reject")
    assert record.adkim == "s" and record.psd == "n" and not record.testing
    assert [u.domain for u in record.rua] == ["example.nl", "reports.example.com"]
    assert record.rua[1].size_limit == "10m"
    assert record.errors == ()


def test_dmarc_errors_are_listed_not_raised() -> None:
    record = parse_dmarc("v=DMARC1; p=maybe; pct=150; rua=ftp://x; adkim=x; t=maybe")
    assert record.policy is None
    assert len(record.errors) == 5


def test_a_missing_policy_is_an_error() -> None:
    errors = parse_dmarc("v=DMARC1; rua=mailto:a@b.nl").errors
    assert any(e.startswith("the required p= tag is missing") for e in errors)


def test_text_without_v_dmarc1_is_no_dmarc_record() -> None:
    assert not is_dmarc_record("v=spf1 -all")
    with pytest.raises(DmarcSyntaxError):
        parse_dmarc("p=reject; v=DMARC1")


def test_dmarcbis_testing_flag() -> None:
    assert parse_dmarc("v=DMARC1; p=reject; t=y").testing


@given(st.text(max_size=120))
def test_dmarc_parser_never_crashes_on_a_dmarc_prefix(tail: str) -> None:
    record = parse_dmarc("v=DMARC1;" + tail)
    assert record.policy in (None, "none", "quarantine", "reject")
    assert 0 <= record.pct <= 100


@given(
    st.sampled_from(["none", "quarantine", "reject"]),
    st.integers(0, 100),
    st.sampled_from(["r", "s"]),
)
def test_valid_dmarc_records_parse_without_errors(policy: str, pct: int, adkim: str) -> None:
    record = parse_dmarc(f"v=DMARC1; p={policy}; pct={pct}; adkim={adkim}")
    assert (record.policy, record.pct, record.adkim, record.errors) == (policy, pct, adkim, ())


# --- DKIM -------------------------------------------------------------------------------------------------


def rsa_record(bits: int) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()
    der = key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return f"v=DKIM1; k=rsa; p={base64.b64encode(der).decode()}"


@pytest.mark.parametrize("bits", [1024, 2048])
def test_rsa_key_sizes_are_read(bits: int) -> None:
    assert parse_dkim_key(rsa_record(bits)).key_bits == bits


def test_a_pkcs1_rsa_key_is_read_too() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    der = key.public_bytes(Encoding.DER, PublicFormat.PKCS1)
    assert parse_dkim_key(f"p={base64.b64encode(der).decode()}").key_bits == 1024


def test_ed25519_keys() -> None:
    raw = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key = parse_dkim_key(f"v=DKIM1; k=ed25519; p={base64.b64encode(raw).decode()}")
    assert key.key_type == "ed25519" and key.key_bits == 256 and key.errors == ()


def test_an_empty_p_is_a_revoked_key() -> None:
    assert parse_dkim_key("v=DKIM1; p=").revoked


def test_broken_keys_are_reported() -> None:
    assert parse_dkim_key("p=!!!").errors == ("p= is not valid base64",)
    assert parse_dkim_key("p=AAAA").errors == ("p= is not an RSA public key",)


def test_a_wrong_version_is_no_dkim_record() -> None:
    with pytest.raises(DkimSyntaxError):
        parse_dkim_key("v=DKIM2; p=AAAA")
    with pytest.raises(DkimSyntaxError):
        parse_dkim_key("k=rsa")


@given(st.text(max_size=100))
def test_dkim_parser_parses_or_raises_its_own_error(text: str) -> None:
    try:
        key = parse_dkim_key(text)
    except DkimSyntaxError:
        return
    assert key.revoked or key.key_bits is not None or key.errors


# --- MTA-STS and TLS-RPT ----------------------------------------------------------------------------------


def test_sts_record() -> None:
    assert parse_sts_record("v=STSv1; id=20260101T000000;").errors == ()
    assert parse_sts_record("v=STSv1; id=bad-id!").errors


def test_sts_policy() -> None:
    policy = parse_sts_policy(
        "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.nl\r\nmx: *.example.nl\r\nmax_age: 604800\r\n"
    )
    assert (policy.mode, policy.mx, policy.max_age, policy.errors) == (
        "enforce",
        ("mx1.example.nl", "*.example.nl"),
        604800,
        (),
    )


def test_sts_policy_errors() -> None:
    policy = parse_sts_policy("version: STSv2\nmode: strict\nmax_age: forever\n")
    assert len(policy.errors) == 3


def test_sts_wildcards_match_one_label() -> None:
    assert mx_matches("*.example.nl", "mx1.example.nl")
    assert not mx_matches("*.example.nl", "a.b.example.nl")
    assert not mx_matches("*.example.nl", "example.nl")
    assert mx_matches("MX.example.nl.", "mx.example.nl")


@given(st.text(max_size=200))
def test_sts_policy_parser_never_crashes(text: str) -> None:
    policy = parse_sts_policy(text)
    assert policy.mode in ("", "enforce", "testing", "none")


def test_tlsrpt_record() -> None:
    record = parse_tlsrpt("v=TLSRPTv1; rua=mailto:tlsrpt@example.nl,https://r.example.nl/v1")
    assert record.rua == ("mailto:tlsrpt@example.nl", "https://r.example.nl/v1") and record.errors == ()
    assert parse_tlsrpt("v=TLSRPTv1;").errors
    assert parse_tlsrpt("v=TLSRPTv1; rua=http://insecure.example.nl").errors


@given(st.text(max_size=100))
def test_tlsrpt_parser_never_crashes(tail: str) -> None:
    assert isinstance(parse_tlsrpt("v=TLSRPTv1;" + tail).errors, tuple)
