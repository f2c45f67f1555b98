"""The SPF record parser (RFC 7208 4.6, 7.1, 12): examples and properties."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domeinwacht.mail.spf_record import (
    Macro,
    Mechanism,
    Qualifier,
    SpfSyntaxError,
    is_spf_record,
    parse_domain_spec,
    parse_macro_string,
    parse_record,
    select_records,
)


def test_a_typical_record_parses_into_directives_and_modifiers() -> None:
    record = parse_record("v=spf1 ip4:192.0.2.0/24 a:mail.example.nl/28//64 include:_spf.example.nl ~all exp=x.nl")
    assert [d.mechanism for d in record.directives] == [Mechanism.IP4, Mechanism.A, Mechanism.INCLUDE, Mechanism.ALL]
    assert record.directives[0].network == ipaddress.IPv4Network("192.0.2.0/24")
    assert (record.directives[1].cidr4, record.directives[1].cidr6) == (28, 64)
    assert record.directives[3].qualifier is Qualifier.SOFTFAIL
    assert record.exp is not None and record.exp.text == "x.nl"
    assert record.dns_terms == 2


def test_version_must_be_followed_by_space_or_end() -> None:
    assert is_spf_record("v=spf1") and is_spf_record("V=SPF1 -all")
    assert not is_spf_record("v=spf10") and not is_spf_record("v=spf1-all")
    assert select_records(["hello", "v=spf1 -all", "v=spf10"]) == ["v=spf1 -all"]


@pytest.mark.parametrize(
    "text",
    [
        "v=spf1 foo",  # unknown mechanism
        "v=spf1 a:example",  # no top label
        "v=spf1 ip4:192.0.2.1/33",
        "v=spf1 ip6:2001:db8::/129",
        "v=spf1 ip4:1.2.3",
        "v=spf1 redirect=a.nl redirect=b.nl",
        "v=spf1 exp=",
        "v=spf1 all:x",
        "v=spf1 include:%{x}.example.nl",
        "v=spf1 exists:%{i0}.example.nl",
        "v=spf1 a:%(i).example.nl",
        "v=spf1 1up=foo",
        "v=spf1 -all\tmx",
        "v=spf1 ptr/24",
        "v=spf1 mx:example.-com",
    ],
)
def test_syntax_errors_anywhere_are_detected(text: str) -> None:
    with pytest.raises(SpfSyntaxError):
        parse_record(text)


def test_unknown_modifiers_are_kept_and_ignored() -> None:
    record = parse_record("v=spf1 moo.cow-far_out=man:dog/cat -all")
    assert record.unknown_modifiers[0].name == "moo.cow-far_out"


def test_macro_strings_tokenise_transformers_and_delimiters() -> None:
    spec = parse_macro_string("%{ir}.%{l2r-+}._spf.%{D}%%%_%-")
    assert spec.parts[0] == Macro("i", None, True, "")
    assert spec.parts[2] == Macro("l", 2, True, "-+")
    assert spec.parts[4] == Macro("D")
    assert spec.parts[5] == "% %20"


def test_explain_only_macros_are_refused_in_domain_specs() -> None:
    with pytest.raises(SpfSyntaxError):
        parse_domain_spec("%{c}.example.nl")
    assert parse_macro_string("from %{c} at %{t}", explain=True).has_macros


LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
DOMAIN = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(LABEL, min_size=1, max_size=3),
    st.sampled_from(["nl", "com", "example"]),
)
QUAL = st.sampled_from(["", "+", "-", "~", "?"])
IP4 = st.builds(lambda a, n: f"ip4:{ipaddress.IPv4Address(a)}/{n}", st.integers(0, 2**32 - 1), st.integers(0, 32))
IP6 = st.builds(lambda a, n: f"ip6:{ipaddress.IPv6Address(a)}/{n}", st.integers(0, 2**128 - 1), st.integers(0, 128))
TERM = st.one_of(
    st.builds(lambda q, t: q + t, QUAL, st.one_of(IP4, IP6)),
    st.builds(lambda q, m, d: f"{q}{m}:{d}", QUAL, st.sampled_from(["a", "mx", "include", "exists", "ptr"]), DOMAIN),
    st.builds(lambda q, m: q + m, QUAL, st.sampled_from(["a", "mx", "ptr", "a/24", "mx//64", "a/32//128"])),
)


@given(st.lists(TERM, max_size=12), QUAL)
def test_generated_valid_records_parse_with_one_directive_per_term(terms: list[str], last: str) -> None:
    text = " ".join(["v=spf1", *terms, f"{last}all"])
    record = parse_record(text)
    assert len(record.directives) == len(terms) + 1
    assert [d.text for d in record.directives] == [*terms, f"{last}all"]
    assert record.all_directive is not None


@given(st.text(max_size=80))
def test_the_parser_either_parses_or_raises_a_syntax_error(tail: str) -> None:
    try:
        record = parse_record("v=spf1 " + tail)
    except SpfSyntaxError:
        return
    terms = tail.split(" ")
    assert all(d.text in terms for d in record.directives)


@given(st.text(max_size=40))
def test_macro_strings_either_tokenise_or_raise_a_syntax_error(text: str) -> None:
    try:
        spec = parse_macro_string(text)
    except SpfSyntaxError:
        return
    assert spec.text == text
