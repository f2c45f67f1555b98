"""The two parsers of the DNS area — CAA records and trust-anchor files — as properties and examples."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import dns.dnssec
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domeinwacht.checks.dns.caa import CaaSyntaxError, caa, parse_caa, value_problems
from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.net.dnssec import TrustAnchorError, load_trust_anchors, parse_trust_anchors
from domeinwacht.observations.dns import CaaLookup, DnsObservation

CTX = CheckContext(now=datetime(2026, 11, 29, tzinfo=UTC))

# -- CAA parsing ------------------------------------------------------------------------------------------

tags = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=15)


@settings(deadline=None)  # a loaded CI machine must not turn slowness into a failure
@given(st.integers(0, 255), tags, st.binary(max_size=300))
def test_every_record_dnspython_prints_parses_back(flags: int, tag: str, value: bytes) -> None:
    rdata = dns.rdata.from_wire(
        dns.rdataclass.IN,
        dns.rdatatype.CAA,
        bytes([flags, len(tag)]) + tag.encode() + value,
        0,
        2 + len(tag) + len(value),
    )
    record = parse_caa(rdata.to_text())
    assert (record.flags, record.tag, record.value) == (flags, tag, value)


@settings(deadline=None)  # a loaded CI machine must not turn slowness into a failure
@given(st.text(max_size=80))
def test_arbitrary_text_parses_or_raises_a_syntax_error(text: str) -> None:
    try:
        record = parse_caa(text)
    except CaaSyntaxError:
        return
    assert 0 <= record.flags <= 255
    assert isinstance(value_problems(record), list)


@pytest.mark.parametrize(
    "text",
    [
        '0 issue "letsencrypt.org"',
        '0 issue "ca.test; account=230123"',
        '0 issue ";"',
        '0 issuewild "ca.test"',
        '0 iodef "mailto:security@example.test"',
        '0 iodef "https://report.example.test/caa"',
        '128 issue "ca.test"',
        '0 contactemail "dns@example.test"',
    ],
)
def test_well_formed_records_have_no_problems(text: str) -> None:
    assert value_problems(parse_caa(text)) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('0 issue "not a domain"', "is not a domain name"),
        ('0 issue "ca.test; account"', "is not tag=value"),
        ('0 iodef "ftp://x.test/"', "is not a mailto:, http: or https: URL"),
        ('128 tbs "x"', "flagged critical"),
    ],
)
def test_malformed_values_name_the_problem(text: str, problem: str) -> None:
    assert any(problem in p for p in value_problems(parse_caa(text)))


@pytest.mark.parametrize("text", ["0 issue", '256 issue "x"', '0 iss-ue "x"', '0 issue "open', 'x issue "a"'])
def test_records_that_are_not_flags_tag_value_raise(text: str) -> None:
    with pytest.raises(CaaSyntaxError):
        parse_caa(text)


def caa_obs(*lookups: CaaLookup) -> DnsObservation:
    return DnsObservation(domain="example.test", zone="example.test", caa=lookups)


def test_valid_issue_records_on_every_host_pass() -> None:
    found = CaaLookup("example.test", "example.test", ('0 issue "ca.test"', '0 iodef "mailto:a@example.test"'))
    result = caa(caa_obs(found, replace(found, host="www.example.test")), CTX)
    assert result.status is Status.PASS
    assert result.evidence["hosts"][0]["issue"] == ["ca.test"]


def test_no_caa_anywhere_is_info_with_a_remedy() -> None:
    none = CaaLookup("example.test", climbed=("example.test", "test"))
    result = caa(caa_obs(none), CTX)
    assert result.status is Status.INFO
    assert result.remedy and "RFC 8659" in result.remedy


def test_only_iodef_without_issue_is_info() -> None:
    iodef = CaaLookup("example.test", "example.test", ('0 iodef "mailto:a@example.test"',))
    assert caa(caa_obs(iodef), CTX).status is Status.INFO


def test_a_syntax_error_is_a_warning_listing_it() -> None:
    bad = CaaLookup("www.example.test", "example.test", ('0 issue "ca test"',))
    result = caa(caa_obs(bad), CTX)
    assert result.status is Status.WARNING
    assert "www.example.test: issue issuer 'ca test' is not a domain name" in result.summary


def test_a_failed_lookup_is_an_error() -> None:
    failed = CaaLookup("example.test", climbed=("example.test",), error="CAA lookup for example.test answered SERVFAIL")
    result = caa(caa_obs(failed), CTX)
    assert result.status is Status.ERROR
    assert "SERVFAIL" in result.summary


# -- trust anchors ----------------------------------------------------------------------------------------


def test_the_built_in_anchors_are_the_root_ksk_2017_and_2024() -> None:
    anchors = load_trust_anchors(None)
    assert {(d.key_tag, d.algorithm, d.digest_type) for d in anchors.ds[dns.name.root]} == {
        (20326, 8, 2),
        (38696, 8, 2),
    }


def test_an_unbound_style_key_file_with_comments_loads(tmp_path: Path) -> None:
    from dnszones import make_key

    key = make_key(13, ksk=True, index=9)
    path = tmp_path / "root.key"
    path.write_text(f"; autotrust anchor file\nlab. 3600 IN DNSKEY {key.dnskey.to_text()} ;{{id = {key.tag}}}\n")
    anchors = load_trust_anchors(path)
    assert list(anchors.dnskeys) == [dns.name.from_text("lab.")]


def test_a_missing_file_is_a_trust_anchor_error(tmp_path: Path) -> None:
    with pytest.raises(TrustAnchorError, match="cannot read trust anchor file"):
        load_trust_anchors(tmp_path / "nope")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no DS or DNSKEY records"),
        (". IN A 192.0.2.1", "neither DS nor DNSKEY"),
        (". IN DS 1 8 2 abcd", "not zone-file DS/DNSKEY records"),
        (". IN DNSKEY 0 3 13 AAAA", "lacks the Zone Key flag"),
    ],
)
def test_unusable_anchor_text_says_why(text: str, message: str) -> None:
    with pytest.raises(TrustAnchorError, match=message):
        parse_trust_anchors(text)


@settings(deadline=None)  # a loaded CI machine must not turn slowness into a failure
@given(
    st.lists(
        st.tuples(st.integers(0, 65535), st.sampled_from([8, 13, 14, 15]), st.binary(min_size=32, max_size=32)),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from([".", "nl.", "lab.test."]),
    st.booleans(),
)
def test_ds_anchors_read_back_what_was_written(
    records: list[tuple[int, int, bytes]], owner: str, with_ttl: bool
) -> None:
    ttl = "86400 " if with_ttl else ""
    text = "\n".join(f"{owner} {ttl}IN DS {tag} {alg} 2 {digest.hex()}" for tag, alg, digest in records)
    anchors = parse_trust_anchors(text)
    parsed = {(d.key_tag, d.algorithm, d.digest) for d in anchors.ds[dns.name.from_text(owner)]}
    assert parsed == {(tag, alg, digest) for tag, alg, digest in records}


@settings(deadline=None)  # a loaded CI machine must not turn slowness into a failure
@given(st.text(max_size=120))
def test_arbitrary_text_loads_or_raises_a_trust_anchor_error(text: str) -> None:
    try:
        anchors = parse_trust_anchors(text)
    except TrustAnchorError:
        return
    assert anchors.zones


def test_a_dnskey_anchor_is_the_key_itself() -> None:
    from dnszones import make_key

    key = make_key(13, ksk=True, index=9)
    anchors = parse_trust_anchors(f". IN DNSKEY {key.dnskey.to_text()}")
    assert dns.dnssec.key_id(anchors.dnskeys[dns.name.root][0]) == key.tag
