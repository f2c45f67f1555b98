"""Host names: what the parser accepts, what it refuses and why (domeinwacht.names)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domeinwacht.names import (
    InvalidName,
    display_name,
    host_or_url,
    hostname_from_url,
    is_public_suffix,
    is_within,
    normalise_hostname,
    public_suffix,
    registered_domain,
)

# --- accepted names ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("www.amsterdam.nl", "www.amsterdam.nl"),
        ("WWW.Amsterdam.NL", "www.amsterdam.nl"),
        ("  www.amsterdam.nl  ", "www.amsterdam.nl"),
        ("www.amsterdam.nl.", "www.amsterdam.nl"),
        ("ＷＷＷ。ｅｘａｍｐｌｅ.nl", "www.example.nl"),
        ("a-b.example.nl", "a-b.example.nl"),
        ("0.example.nl", "0.example.nl"),
    ],
)
def test_normalise_gives_lowercase_ascii_without_trailing_dot(text, expected):
    assert normalise_hostname(text) == expected


def test_idn_is_normalised_to_a_label():
    assert normalise_hostname("Bücher.nl") == "xn--bcher-kva.nl"


def test_a_label_input_is_kept():
    assert normalise_hostname("XN--BCHER-KVA.NL") == "xn--bcher-kva.nl"


def test_display_name_gives_the_u_label():
    assert display_name("xn--bcher-kva.nl") == "bücher.nl"


def test_japanese_label_may_mix_han_and_kana():
    assert normalise_hostname("例え.jp").startswith("xn--")


def test_label_of_63_bytes_is_accepted():
    assert normalise_hostname("a" * 63 + ".nl") == "a" * 63 + ".nl"


def test_name_of_253_bytes_is_accepted():
    name = ".".join(["a" * 62] * 4)[:250] + ".nl"
    name = name.replace("..", ".a.")
    assert len(name) <= 253
    assert normalise_hostname(name) == name


# --- refused names, each with its reason ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason_part"),
    [
        ("", "empty name"),
        ("   ", "empty name"),
        ("a..example.nl", "empty label"),
        (".example.nl", "empty label"),
        ("example.nl..", "empty label"),
        ("a" * 64 + ".nl", "64 bytes; at most 63"),
        (".".join(["a" * 63] * 4) + ".nl", "at most 253"),
        ("192.0.2.1", "IP address"),
        ("2001:db8::1", "IP address"),
        ("[2001:db8::1]", "IP address"),
        ("256.1.1.1", "all-numeric"),
        ("https://www.example.nl", "URL"),
        ("www.example.nl/path", "path"),
        ("www.example.nl?q=1", "query"),
        ("www.example.nl#top", "fragment"),
        ("www.example.nl:443", "port"),
        ("user@example.nl", "user information"),
        ("www example.nl", "white space"),
        ("-www.example.nl", "hyphen"),
        ("www-.example.nl", "hyphen"),
        ("under_score.example.nl", "not allowed"),
        ("ab--cd.example.nl", "reserved for IDNA"),
        ("xn--abc.nl", "not valid IDNA"),
        ("xn--a.nl", "not valid IDNA"),
        ("p\u0430ypal.nl", "mixes scripts"),  # Cyrillic а among Latin letters
        ("\u0430\u0440\u0440\u04cf\u0435.nl", "whole-script confusable"),  # "аррӏе"
        ("xn--80ak6aa92e.com", "whole-script confusable"),
        ("nl", "public suffix"),
        ("co.uk", "public suffix"),
        ("localhost", "single-label"),
    ],
)
def test_malformed_names_are_refused_with_a_precise_reason(text, reason_part):
    with pytest.raises(InvalidName) as info:
        normalise_hostname(text)
    assert reason_part in info.value.reason


def test_public_suffix_is_allowed_when_asked():
    assert normalise_hostname("nl", allow_public_suffix=True) == "nl"


def test_non_text_is_refused():
    with pytest.raises(InvalidName):
        normalise_hostname(None)  # type: ignore[arg-type]


# --- registered domain ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("www.amsterdam.nl", "amsterdam.nl"),
        ("a.b.c.amsterdam.nl", "amsterdam.nl"),
        ("amsterdam.nl", "amsterdam.nl"),
        ("www.example.co.uk", "example.co.uk"),
        ("gemeente.example.test", "example.test"),
        ("www.bücher.nl", "xn--bcher-kva.nl"),
    ],
)
def test_registered_domain_is_suffix_plus_one_label(host, domain):
    assert registered_domain(host) == domain


def test_registered_domain_of_a_bare_suffix_is_refused():
    with pytest.raises(InvalidName, match="public suffix"):
        registered_domain("co.uk")


def test_public_suffix_and_is_public_suffix():
    assert public_suffix("www.example.co.uk") == "co.uk"
    assert is_public_suffix("co.uk")
    assert not is_public_suffix("example.co.uk")


# --- URLs ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.amsterdam.nl", "www.amsterdam.nl"),
        ("https://www.amsterdam.nl/", "www.amsterdam.nl"),
        ("http://WWW.Example.NL:8080/a/b?c=d#e", "www.example.nl"),
        ("www.aalburg.nl", "www.aalburg.nl"),
        ("www.aalburg.nl/contact", "www.aalburg.nl"),
        ("https://user:pw@example.nl/", "example.nl"),
        ("https://bücher.nl/", "xn--bcher-kva.nl"),
    ],
)
def test_hostname_from_url(url, host):
    assert hostname_from_url(url) == host


@pytest.mark.parametrize(
    ("url", "reason_part"),
    [
        ("", "empty URL"),
        ("mailto:info@example.nl", "not a web address"),
        ("ftp://example.nl/", "not a web address"),
        ("https://[2001:db8::1]/", "IP address"),
        ("https://192.0.2.1/", "IP address"),
        ("https:///path", "no host"),
        ("https://example.nl:99999/", "not a valid URL"),
        ("https://exa mple.nl/", "white space"),
    ],
)
def test_bad_urls_are_refused_with_a_reason(url, reason_part):
    with pytest.raises(InvalidName) as info:
        hostname_from_url(url)
    assert reason_part in info.value.reason


# --- properties ----------------------------------------------------------------------------------------------------

_ldh_label = st.from_regex(r"\A[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?\Z", fullmatch=True).filter(
    lambda label: label[2:4] != "--"
)
_tld = st.sampled_from(["nl", "com", "org", "frl", "amsterdam", "test"])
_valid_name = st.builds(
    lambda labels, tld: ".".join([*labels, tld]), st.lists(_ldh_label, min_size=1, max_size=4), _tld
).filter(lambda name: not is_public_suffix(name))  # x0.com is a private PSL entry: refused on purpose


@given(_valid_name)
def test_valid_ldh_names_round_trip_unchanged(name):
    assert normalise_hostname(name) == name


@given(_valid_name)
def test_normalising_is_case_insensitive_and_idempotent(name):
    once = normalise_hostname(name.upper() + ".")
    assert once == name
    assert normalise_hostname(once) == once


@given(_valid_name)
def test_registered_domain_is_a_suffix_of_the_name(name):
    domain = registered_domain(name)
    assert name == domain or name.endswith("." + domain)
    assert registered_domain(domain) == domain


@settings(max_examples=300)
@given(st.text(max_size=80))
def test_any_text_either_normalises_or_raises_invalid_name(text):
    try:
        name = normalise_hostname(text)
    except InvalidName as exc:
        assert exc.reason
    else:
        assert name == name.lower()
        assert name.isascii()
        assert len(name) <= 253
        assert all(0 < len(label) <= 63 for label in name.split("."))
        assert normalise_hostname(name) == name


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40).map(lambda s: f"{s}.nl"))
def test_unicode_names_normalise_to_a_stable_a_label_form(text):
    try:
        name = normalise_hostname(text)
    except InvalidName:
        return
    assert normalise_hostname(display_name(name)) == name


@settings(max_examples=200)
@given(st.text(max_size=60))
def test_any_url_text_gives_a_host_or_invalid_name(text):
    try:
        host = hostname_from_url(text)
    except InvalidName as exc:
        assert exc.reason
    else:
        assert host == normalise_hostname(host)


def test_url_with_a_backslash_is_refused():
    # WHATWG parsers read https://www.example.nl\@evil.example as host www.example.nl; urllib would say evil.example.
    with pytest.raises(InvalidName, match="backslash"):
        hostname_from_url("https://www.example.nl\\@evil.example/")


@pytest.mark.parametrize(
    ("host", "domain", "expected"),
    [
        ("www.amsterdam.nl", "amsterdam.nl", True),
        ("amsterdam.nl", "amsterdam.nl", True),
        ("WWW.Amsterdam.NL.", "amsterdam.nl", True),
        ("xamsterdam.nl", "amsterdam.nl", False),
        ("amsterdam.nl", "www.amsterdam.nl", False),
    ],
)
def test_is_within_compares_whole_labels(host, domain, expected):
    assert is_within(host, domain) is expected


# --- a host name or a web address in its place (host_or_url) -------------------------------------------------------


@given(_valid_name)
def test_a_host_name_is_taken_as_it_is_without_a_note(name):
    assert host_or_url(name) == (name, "")


@given(_valid_name, st.sampled_from(["http://", "https://", "HTTPS://", ""]), st.sampled_from(["/", "/a/b?c=d", "/#x"]))
def test_a_web_address_gives_its_host_and_a_note_naming_it(name, scheme, path):
    host, note = host_or_url(f"{scheme}{name}{path}")
    assert host == name
    assert note == f"a web address: its host {name} was used"


@given(st.text(max_size=100))
def test_any_text_gives_a_host_or_a_reason(text):
    try:
        host, _ = host_or_url(text)
    except InvalidName as exc:
        assert exc.reason
    else:
        assert host == normalise_hostname(host)
