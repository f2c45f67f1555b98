"""Language tags (RFC 5646) validated against the IANA Language Subtag Registry extract."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domeinwacht.langtags import language_tag_problem, registry


def test_the_registry_extract_names_its_file_date_and_holds_every_subtag_type():
    reg = registry()
    assert reg.file_date == "2024-05-16"
    assert {"language", "extlang", "script", "region", "variant", "grandfathered"} <= set(reg.subtags)
    assert len(reg.subtags["language"]) > 8000


@pytest.mark.parametrize(
    "tag",
    ["nl", "EN", "en-GB", "nl-NL", "fy", "zh-Hant-TW", "sl-rozaj-biske", "de-CH-1901", "es-419", "zh-yue"],
)
def test_registered_tags_are_valid_in_any_case(tag):
    assert language_tag_problem(tag) is None
    assert language_tag_problem(tag.swapcase()) is None


@pytest.mark.parametrize("tag", ["i-klingon", "x-whatever", "en-x-internal", "qaa", "en-Qabx", "nl-QM"])
def test_grandfathered_private_use_and_reserved_range_tags_are_valid(tag):
    assert language_tag_problem(tag) is None


@pytest.mark.parametrize(
    ("tag", "reason"),
    [
        ("English", "'English' is not a registered language subtag (RFC 5646 2.2.1"),
        ("Invalid", "'Invalid' is not a registered language subtag"),
        ("dut", "'dut' is not a registered language subtag"),  # ISO 639-2/B; the registry has "nl" only
        ("nl-UK", "'UK' is not a registered region subtag (RFC 5646 2.2.4)"),
        ("nl-Abcd", "'Abcd' is not a registered script subtag (RFC 5646 2.2.3)"),
        ("nl-NL-abcde", "'abcde' is not a registered variant subtag (RFC 5646 2.2.5)"),
        ("de-1901-1901", "variant '1901' appears twice (RFC 5646 2.2.5)"),
        ("en-a-bbb-a-ccc", "extension 'a' appears twice (RFC 5646 2.2.6)"),
        ("en-u", "extension 'u' has no subtags"),
        ("nl_NL", "subtags are letters and digits separated by '-' (RFC 5646 2.1)"),
        ("nl--NL", "subtags are letters and digits separated by '-'"),
        ("abcd", "four-letter primary language subtags are reserved"),
        ("en-US-toolongvariant", "out of place or malformed (RFC 5646 2.1)"),
        ("", "an empty language tag"),
    ],
)
def test_a_bad_tag_gets_one_reason_naming_the_subtag_and_the_clause(tag, reason):
    problem = language_tag_problem(tag)
    assert problem is not None and reason in problem
    assert "\n" not in problem


_REG = registry()
_LANGUAGES = sorted(s for s in _REG.subtags["language"] if len(s) in (2, 3))
_SCRIPTS = sorted(_REG.subtags["script"])
_REGIONS = sorted(_REG.subtags["region"])


@settings(deadline=None)  # a loaded CI machine must not make a parser test flaky
@given(
    st.sampled_from(_LANGUAGES),
    st.none() | st.sampled_from(_SCRIPTS),
    st.none() | st.sampled_from(_REGIONS),
    st.none() | st.lists(st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8), min_size=1),
)
def test_any_tag_built_from_registered_subtags_is_valid(language, script, region, private):
    tag = "-".join(p for p in (language, script, region) if p)
    if private:
        tag += "-x-" + "-".join(private)
    assert language_tag_problem(tag) is None, tag


@settings(deadline=None)  # a loaded CI machine must not make a parser test flaky
@given(st.text(max_size=40))
def test_any_text_gives_none_or_a_one_line_reason_never_an_exception(text):
    problem = language_tag_problem(text)
    assert problem is None or (problem and "\n" not in problem.replace(repr(text), ""))
