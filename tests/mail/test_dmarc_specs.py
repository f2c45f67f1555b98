"""DMARC under RFC 7489 and under DMARCbis, and the records receivers discard (issue 16)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domeinwacht.mail.dmarc import (
    DMARCBIS,
    RFC7489,
    DmarcSyntaxError,
    discarded_reason,
    is_dmarc_record,
    parse_dmarc,
)


@pytest.mark.parametrize("text", [" v=DMARC1; p=reject", "\tv=DMARC1; p=reject", "  v = DMARC1"])
def test_a_record_with_leading_whitespace_is_discarded_with_the_reason(text):
    # RFC 7489 6.4: dmarc-record starts with dmarc-version ("v"); 6.6.3: other records are discarded.
    assert not is_dmarc_record(text)
    assert "starts with whitespace" in (discarded_reason(text) or "")
    with pytest.raises(DmarcSyntaxError, match="starts with whitespace"):
        parse_dmarc(text)


@pytest.mark.parametrize("text", ["v=DMARC1; p=reject", "V = DMARC1;p=reject", "v=spf1 -all", "hello"])
def test_only_near_misses_get_a_discard_reason(text):
    assert discarded_reason(text) is None


def test_a_missing_p_is_an_error_under_rfc7489_and_none_under_dmarcbis():
    old = parse_dmarc("v=DMARC1; rua=mailto:d@example.nl", spec=RFC7489)
    new = parse_dmarc("v=DMARC1; rua=mailto:d@example.nl", spec=DMARCBIS)
    assert old.policy is None and any("p= tag is missing (RFC 7489 6.3)" in e for e in old.errors)
    assert new.policy == "none" and new.errors == ()
    assert any("DMARCbis 4.7 treats the record as p=none" in w for w in new.warnings)


@pytest.mark.parametrize("tag", ["pct=50", "ri=3600", "rf=afrf"])
def test_pct_ri_and_rf_are_removed_in_dmarcbis_and_only_warned(tag):
    record = parse_dmarc(f"v=DMARC1; p=reject; {tag}", spec=DMARCBIS)
    assert record.errors == () and record.pct == 100
    assert any(w.startswith(f"{tag.split('=')[0]}= was removed in DMARCbis") for w in record.warnings)


def test_pct_still_weakens_and_is_validated_under_rfc7489():
    assert parse_dmarc("v=DMARC1; p=reject; pct=50").pct == 50
    assert parse_dmarc("v=DMARC1; p=reject; pct=150").errors
    assert parse_dmarc("v=DMARC1; p=reject; pct=150", spec=DMARCBIS).errors == ()


def test_dmarcbis_tags_are_parsed_under_both_specifications():
    for spec in (RFC7489, DMARCBIS):
        record = parse_dmarc("v=DMARC1; p=reject; np=quarantine; psd=n; t=y", spec=spec)
        assert (record.nonexistent_policy, record.psd, record.testing, record.spec) == ("quarantine", "n", True, spec)


@pytest.mark.parametrize("tag", ["np=invalid", "psd=x", "t=x"])
def test_bad_values_of_the_dmarcbis_tags_are_errors(tag):
    assert parse_dmarc(f"v=DMARC1; p=reject; {tag}", spec=DMARCBIS).errors


def test_a_report_size_limit_is_obsolete_under_dmarcbis_only():
    text = "v=DMARC1; p=reject; rua=mailto:d@example.nl!10m"
    assert any("!size suffix is obsolete" in w for w in parse_dmarc(text, spec=DMARCBIS).warnings)
    assert parse_dmarc(text, spec=RFC7489).warnings == ()


def test_an_unknown_specification_is_refused():
    with pytest.raises(ValueError, match="unknown DMARC specification"):
        parse_dmarc("v=DMARC1; p=reject", spec="rfc9999")


@settings(deadline=None)  # a loaded CI machine must not make a parser test flaky
@given(st.text(max_size=120), st.sampled_from([RFC7489, DMARCBIS]))
def test_any_text_is_a_record_or_a_syntax_error_never_another_exception(text, spec):
    try:
        record = parse_dmarc(text, spec=spec)
    except DmarcSyntaxError as exc:
        assert "\n" not in str(exc)
        return
    assert is_dmarc_record(text)
    assert record.policy in (None, "none", "quarantine", "reject")
    assert record.pct == 100 or spec == RFC7489


@settings(deadline=None)  # a loaded CI machine must not make a parser test flaky
@given(st.text(" \t", min_size=1, max_size=4), st.sampled_from(["p=reject", "p=none; rua=mailto:a@b.nl"]))
def test_any_leading_whitespace_is_discarded(space, tail):
    assert discarded_reason(f"{space}v=DMARC1; {tail}") is not None
    assert is_dmarc_record(f"v=DMARC1; {tail}")


@settings(deadline=None)  # a loaded CI machine must not make a parser test flaky
@given(st.sampled_from(["none", "quarantine", "reject"]), st.sampled_from(["y", "n"]), st.sampled_from("ynu"))
def test_a_valid_dmarcbis_record_parses_without_errors_or_warnings(policy, testing, psd):
    record = parse_dmarc(f"v=DMARC1; p={policy}; np={policy}; t={testing}; psd={psd}", spec=DMARCBIS)
    assert (record.policy, record.testing, record.psd) == (policy, testing == "y", psd)
    assert record.errors == () and record.warnings == ()
