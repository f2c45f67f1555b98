"""Loading and validating policy profiles."""

from __future__ import annotations

import copy
import textwrap
from datetime import date
from importlib import resources

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domeinwacht.checks.catalogue import CHECK_IDS
from domeinwacht.policy.profile import Level, ProfileError, load, load_file, parse_profile

_KEYS = {"id", "title", "version", "tls_profile", "standards", "scoring", "checks", "level", "method", "tests"}

MINIMAL = """
id: test
title: Test profile
version: "1"
tls_profile: ncsc-2025-05
standards:
  HSTS:
    scope: web
    deadline: 2018-12-31
    checks:
      web.hsts: required
"""


def write(tmp_path, text: str):
    path = tmp_path / "profile.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_minimal_profile_loads(tmp_path):
    profile = load_file(write(tmp_path, MINIMAL))
    (standard,) = profile.standards
    assert (standard.name, standard.deadline) == ("HSTS", date(2018, 12, 31))
    assert standard.requirements[0].level is Level.REQUIRED


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("      web.hsts: required", "      web.hstx: required"), "unknown check id 'web.hstx'"),
        (("      web.hsts: required", "      web.hsts: mandatory"), "unknown level 'mandatory'"),
        (("    scope: web", "    scope: web\n    colour: red"), "unknown key.*colour"),
        (("tls_profile: ncsc-2025-05", "tls_profile: ncsc-1.0"), "unknown NCSC TLS profile"),
        (("tls_profile: ncsc-2025-05", "tls_profile: ncsc-2025-05\ndmarc: rfc9999"), "unknown DMARC specification"),
        (("    deadline: 2018-12-31", "    deadline: soon"), "expected a date"),
        (("      web.hsts: required", "      web.nope.*: required"), "unknown wildcard"),
        (("    scope: web", "    scope: moon"), "unknown scope 'moon'"),
        (('version: "1"\n', ""), "version missing"),
        (
            ("      web.hsts: required", "      web.hsts: required\n      web.hsts: optional"),
            "duplicate key 'web.hsts'",
        ),
    ],
)
def test_invalid_profile_is_refused_with_the_place_and_reason(tmp_path, change, message):
    path = write(tmp_path, MINIMAL.replace(*change))
    with pytest.raises(ProfileError, match=message) as raised:
        load_file(path)
    assert str(path) in str(raised.value)


def test_error_names_the_standard_and_check(tmp_path):
    with pytest.raises(ProfileError, match=r"standards\.HSTS\.checks\.web\.hstx"):
        load_file(write(tmp_path, MINIMAL.replace("web.hsts", "web.hstx")))


def test_invalid_yaml_is_a_profile_error(tmp_path):
    with pytest.raises(ProfileError, match="invalid YAML"):
        load_file(write(tmp_path, "id: [unclosed"))


def test_explicit_id_overrides_the_wildcard_in_either_order(tmp_path):
    text = MINIMAL.replace(
        "      web.hsts: required",
        "      web.tls.ocsp_stapling: informational\n      web.tls.*: required",
    )
    standard = load_file(write(tmp_path, text)).standards[0]
    levels = {r.check_id: r.level for r in standard.requirements}
    assert levels["web.tls.ocsp_stapling"] is Level.INFORMATIONAL
    assert levels["web.tls.versions"] is Level.REQUIRED


def test_check_may_carry_its_own_deadline_and_warning_rule(tmp_path):
    text = MINIMAL.replace(
        "      web.hsts: required", "      web.hsts: {level: required, warnings: fail, deadline: 2019-12-31}"
    )
    (requirement,) = load_file(write(tmp_path, text)).standards[0].requirements
    assert requirement.warnings_fail
    assert requirement.deadline == date(2019, 12, 31)


def test_scored_points_cannot_exceed_the_maximum(tmp_path):
    text = MINIMAL + textwrap.dedent(
        """
        scoring:
          method: internetnl
          tests:
            web:
              HSTS:
                checks:
                  web.hsts: {max: partial, warning: full}
        """
    )
    with pytest.raises(ProfileError, match="cannot exceed max"):
        load_file(write(tmp_path, text))


def test_weight_that_is_not_a_name_is_refused(tmp_path):
    text = MINIMAL + textwrap.dedent(
        """
        scoring:
          method: internetnl
          tests:
            web:
              HSTS:
                checks:
                  web.hsts: {max: [10]}
        """
    )
    with pytest.raises(ProfileError, match=r"unknown weight \[10\]"):
        load_file(write(tmp_path, text))


def test_unknown_profile_id_is_a_key_error():
    with pytest.raises(KeyError, match="unknown policy profile 'nl-nope'"):
        load("nl-nope")


@pytest.mark.parametrize(
    ("name", "tls_profile"),
    [
        ("nl-wdo", "ncsc-2.1.1"),
        ("nl-ptolu-2025", "ncsc-2025-05"),
        ("internetnl", "ncsc-2025-05"),
        ("us-bod-18-01", "ncsc-2.1.1"),
    ],
)
def test_each_profile_names_its_ncsc_tls_profile(name, tls_profile):
    assert load(name).tls_profile == tls_profile


def test_the_dmarc_specification_is_a_profile_setting_defaulting_to_rfc7489(tmp_path):
    assert load_file(write(tmp_path, MINIMAL)).dmarc_spec == "rfc7489"
    bis = MINIMAL.replace("tls_profile: ncsc-2025-05", "tls_profile: ncsc-2025-05\ndmarc: dmarcbis")
    assert load_file(write(tmp_path, bis)).dmarc_spec == "dmarcbis"
    # The shipped profiles follow the standards lists, which name RFC 7489.
    assert {load(name).dmarc_spec for name in ("nl-wdo", "nl-ptolu-2025", "internetnl", "us-bod-18-01")} == {"rfc7489"}


def test_wdo_requires_https_redirect_hsts_and_tls_good_or_sufficient():
    profile = load("nl-wdo")
    required = {r.check_id for s in profile.standards for r in s.required}
    assert {"web.https.available", "web.https.redirect", "web.hsts", "web.tls.versions"} <= required
    assert profile.standard("TLS").requirements[0].warnings_fail  # phase-out does not comply


def test_ptolu_deadlines_follow_the_obdo_target_agreements():
    profile = load("nl-ptolu-2025")
    assert profile.standard("DNSSEC").deadline == date(2017, 12, 31)
    assert profile.standard("STARTTLS+DANE").deadline == date(2019, 12, 31)
    assert profile.standard("IPv6 web").deadline == date(2021, 12, 31)
    assert profile.standard("RPKI").deadline == date(2024, 12, 31)
    assert profile.standard("security.txt").listed_since == date(2023, 5, 25)
    spf_policy = next(r for r in profile.standard("SPF").requirements if r.check_id == "mail.spf.policy")
    assert spf_policy.deadline == date(2019, 12, 31)


def test_ptolu_has_every_standard_of_the_comply_or_explain_list():
    names = {s.name for s in load("nl-ptolu-2025").standards}
    assert {
        "DNSSEC",
        "HTTPS",
        "HSTS",
        "TLS",
        "SPF",
        "DKIM",
        "DMARC",
        "STARTTLS+DANE",
        "IPv6 web",
        "IPv6 mail",
        "RPKI",
        "security.txt",
    } <= names


def test_internetnl_has_the_categories_of_both_tests():
    categories = {(c.test, c.name) for c in load("internetnl").categories}
    assert categories == {
        ("web", "IPv6"),
        ("web", "DNSSEC"),
        ("web", "HTTPS/TLS"),
        ("web", "RPKI"),
        ("mail", "IPv6"),
        ("mail", "DNSSEC"),
        ("mail", "Authenticity (DMARC, DKIM, SPF)"),
        ("mail", "STARTTLS (+DANE)"),
        ("mail", "RPKI"),
    }


def test_internetnl_does_not_score_security_options():
    scored = {c.check_id for cat in load("internetnl").categories for c in cat.checks}
    assert not {i for i in scored if i.startswith("web.headers.") or i == "web.security_txt"}
    assert "web.tls.ocsp_stapling" not in scored


def test_internetnl_weights_are_10_5_2_0():
    https = next(c for c in load("internetnl").categories if c.name == "HTTPS/TLS")
    versions = next(c for c in https.checks if c.check_id == "web.tls.versions")
    assert (versions.maximum, versions.warning, versions.fail) == (10, 5, 0)
    ipv6 = next(c for c in load("internetnl").categories if c.name == "IPv6" and c.test == "web")
    same = next(c for c in ipv6.checks if c.check_id == "web.ipv6.same_content")
    assert (same.maximum, same.warning) == (2, 0)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=12), st.sampled_from(["required", "full", "web"])
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.one_of(st.text(max_size=12), st.sampled_from(sorted(_KEYS))), children, max_size=4),
    ),
    max_leaves=20,
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # shared machine
@given(documents)
def test_any_document_loads_or_fails_with_a_profile_error(document):
    try:
        parse_profile(document)
    except ProfileError as exc:
        assert str(exc).startswith("<profile>")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # shared machine
@given(st.sampled_from(sorted(CHECK_IDS)), st.sampled_from(list(Level)), st.booleans())
def test_any_catalogue_id_at_any_level_loads(check_id, level, warnings_fail):
    document = yaml.safe_load(MINIMAL)
    document["standards"]["HSTS"]["checks"] = {
        check_id: {"level": level.value, "warnings": "fail" if warnings_fail else "pass"}
    }
    (requirement,) = parse_profile(document).standards[0].requirements
    assert (requirement.check_id, requirement.level, requirement.warnings_fail) == (
        check_id,
        level,
        warnings_fail,
    )


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))


SHIPPED = yaml.safe_load(
    (resources.files("domeinwacht.policy") / "profiles" / "internetnl.yaml").read_text(encoding="utf-8")
)
PATHS = [p for p in _paths(SHIPPED) if p]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # shared machine
@given(st.sampled_from(PATHS), documents)
def test_shipped_profile_with_any_value_replaced_loads_or_fails_with_a_profile_error(path, value):
    document = copy.deepcopy(SHIPPED)
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    try:
        parse_profile(document)
    except ProfileError as exc:
        assert str(exc).startswith("<profile>")
