"""The default scenario is complete, consistent and faithful in shape to CHECKS.md (no root needed)."""

from __future__ import annotations

import fnmatch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domeinwacht.lab.scenario import (
    DNS_CHECKS,
    KIND_CHECKS,
    MAIL_CHECKS,
    PROFILES,
    STATUSES,
    WEB_CHECKS,
    ScenarioError,
    load,
    parse,
)

ALL_CHECKS = set(DNS_CHECKS) | set(WEB_CHECKS) | set(MAIL_CHECKS)


@pytest.fixture(scope="module")
def scenario():
    return load("default")


def _covered(target, check_id):
    if check_id in target.expect:
        return True
    return any(fnmatch.fnmatch(check_id, pattern) for pattern in target.undeclared)


def test_default_scenario_loads_with_many_targets(scenario):
    assert scenario.name == "default"
    assert len(scenario.targets) > 60


def test_every_target_has_a_purpose(scenario):
    missing = [t.name for t in scenario.targets.values() if not t.purpose]
    assert missing == []


def test_every_target_declares_every_check_of_its_kind(scenario):
    gaps = {t.name: [c for c in KIND_CHECKS[t.kind] if not _covered(t, c)] for t in scenario.targets.values()}
    assert {k: v for k, v in gaps.items() if v} == {}


def test_expectations_name_only_known_check_ids(scenario):
    unknown = {
        (t.name, c)
        for t in scenario.targets.values()
        for exp in (t.expect, *t.expect_by_profile.values())
        for c in exp
        if c not in ALL_CHECKS
    }
    assert unknown == set()


def test_green_target_passes_every_web_and_mail_check(scenario):
    green = scenario.targets["green.test"]
    assert green.kind == "both"
    for profile in PROFILES:
        exp = green.expectations(profile)
        for check in KIND_CHECKS["both"]:
            # no OCSP URL in its certificate, no phase-out suite: those two are not applicable
            wanted = {"not_applicable"} if check.endswith(("ocsp_stapling", "cipher_order")) else {"pass"}
            assert set(exp[check]) == wanted, (profile, check, exp[check])


def test_every_check_has_a_negative_target(scenario):
    # No exception: TLS compression, which no Debian server can show, fails on the scripted DEFLATE front.
    negative = {
        c
        for t in scenario.targets.values()
        for profile in PROFILES
        for c, statuses in t.expectations(profile).items()
        if set(statuses) - {"pass", "not_applicable"}
    }
    missing = sorted(ALL_CHECKS - negative)
    assert missing == []


def test_mail_targets_reference_declared_mail_servers(scenario):
    for t in scenario.targets.values():
        if t.mail:
            for ref in t.mail["mx"]:
                assert ref == "null" or ref in scenario.mail_servers


def test_rate_limited_mx_is_never_expected_to_fail(scenario):
    target = scenario.targets["ratelimit.test"]
    for check, statuses in target.expect.items():
        if check.startswith(("mail.tls.", "mail.cert.", "mail.starttls")):
            assert "fail" not in statuses, check


def test_unknown_status_is_a_clear_error():
    with pytest.raises(ScenarioError, match="unknown status 'green'"):
        parse({"targets": {"x.test": {"kind": "dns", "expect": {"dns.caa": "green"}}}})


def test_unknown_mail_server_is_a_clear_error():
    with pytest.raises(ScenarioError, match="not a mail server"):
        parse({"targets": {"x.test": {"kind": "mail", "mail": {"mx": ["nope"]}}}})


def test_missing_scenario_file_is_a_clear_error(tmp_path):
    with pytest.raises(ScenarioError, match="does not exist"):
        load(str(tmp_path / "nope.yaml"))


def test_null_mx_spelling_becomes_the_null_mx():
    s = parse(
        {
            "mail_servers": {"m": {"host": "mx.x.test"}},
            "targets": {"x.test": {"kind": "mail", "mail": {"mx": [None, "m"]}}},
        }
    )
    assert s.targets["x.test"].mail["mx"] == ["null", "m"]


@settings(deadline=None)  # shared, loaded machine: no per-example deadline
@given(
    st.dictionaries(
        st.sampled_from(sorted(ALL_CHECKS)),
        st.one_of(st.sampled_from(STATUSES), st.lists(st.sampled_from(STATUSES), min_size=1, max_size=3)),
        max_size=20,
    )
)
def test_any_valid_expectation_map_round_trips(expect):
    s = parse({"targets": {"p.test": {"kind": "special", "expect": expect}}})
    t = s.targets["p.test"]
    for check, value in expect.items():
        assert t.expected(check) == tuple(value if isinstance(value, list) else [value])


@settings(deadline=None)  # shared, loaded machine: no per-example deadline
@given(st.text(min_size=1, max_size=12).filter(lambda s: s not in STATUSES))
def test_any_other_status_word_is_rejected(word):
    with pytest.raises(ScenarioError):
        parse({"targets": {"p.test": {"kind": "special", "expect": {"dns.caa": word}}}})


def test_lab_check_lists_are_the_catalogues_ids():
    from domeinwacht.checks import catalogue

    # hygiene.forgotten / hygiene.unregistered judge many measurements, not one lab target
    assert catalogue.CHECK_IDS - {"hygiene.forgotten", "hygiene.unregistered"} == ALL_CHECKS
    assert set(KIND_CHECKS["both"]) == set(DNS_CHECKS) | set(WEB_CHECKS) | set(MAIL_CHECKS)
