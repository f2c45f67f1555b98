"""Scoring a domain and an organisation under a profile (policy/scoring.py)."""

from __future__ import annotations

import json
import textwrap
from datetime import date

import pytest
import yaml

from domeinwacht.checks.result import AddressVerdict, CheckResult, Status
from domeinwacht.policy.profile import Level, Requirement, load, parse_profile
from domeinwacht.policy.scoring import (
    Outcome,
    Severity,
    TrafficLight,
    counts_as_met,
    score_domain,
    score_organisation,
)


def results(**statuses: str) -> dict[str, CheckResult]:
    """``results(web__hsts="fail")`` -> ``{"web.hsts": CheckResult("web.hsts", FAIL, ...)}``."""
    out = {}
    for key, status in statuses.items():
        check_id = key.replace("__", ".")
        out[check_id] = CheckResult(check_id, Status(status), f"{check_id} says {status}")
    return out


TOY = parse_profile(
    yaml.safe_load(
        textwrap.dedent(
            """
            id: toy
            title: Toy
            version: "1"
            tls_profile: ncsc-2025-05
            standards:
              HTTPS:
                scope: web
                deadline: 2018-12-31
                checks:
                  web.https.available: required
                  web.https.redirect: required
                  web.http.compression: informational
              Headers:
                scope: web
                checks:
                  web.headers.csp: recommended
                  web.headers.referrer_policy: optional
              TLS:
                scope: web
                warnings: fail
                checks:
                  web.tls.versions: required
              SPF:
                scope: mail
                checks:
                  mail.spf.exists: required
            scoring:
              method: internetnl
              tests:
                web:
                  One:
                    checks:
                      web.https.available: full
                      web.https.redirect: {max: full, warning: partial}
                      web.hsts: full
                      web.headers.csp: {max: half, info: none}
                  Two:
                    per_server: true
                    checks:
                      web.rpki.roa_exists: {max: full, warning: none}
                      web.rpki.valid: full
                mail:
                  Three:
                    checks:
                      mail.spf.exists: full
            """
        )
    ),
    "toy",
)

ALL_GOOD = {
    "web.https.available": "pass",
    "web.https.redirect": "pass",
    "web.http.compression": "info",
    "web.headers.csp": "pass",
    "web.headers.referrer_policy": "pass",
    "web.tls.versions": "pass",
    "web.hsts": "pass",
    "web.rpki.roa_exists": "pass",
    "web.rpki.valid": "pass",
    "mail.spf.exists": "pass",
}


def with_(**changes: str) -> dict[str, CheckResult]:
    statuses = dict(ALL_GOOD)
    statuses.update({k.replace("__", "."): v for k, v in changes.items()})
    return results(**{k.replace(".", "__"): v for k, v in statuses.items()})


# How statuses count


@pytest.mark.parametrize(
    ("status", "warnings_fail", "met"),
    [
        (Status.PASS, False, True),
        (Status.INFO, False, True),
        (Status.NOT_APPLICABLE, False, True),
        (Status.WARNING, False, True),
        (Status.WARNING, True, False),
        (Status.FAIL, False, False),
        (Status.ERROR, False, None),
        (Status.ERROR, True, None),
    ],
)
def test_each_status_counts_as_documented(status, warnings_fail, met):
    assert counts_as_met(status, Requirement("web.hsts", Level.REQUIRED, warnings_fail)) is met


# Compliance per standard


def test_standard_with_every_required_check_passing_is_compliant():
    assert score_domain(with_(), TOY).standard("HTTPS").outcome is Outcome.COMPLIANT


def test_failing_required_check_makes_the_standard_not_compliant():
    score = score_domain(with_(web__https__redirect="fail"), TOY).standard("HTTPS")
    assert score.outcome is Outcome.NOT_COMPLIANT
    assert score.failing == ("web.https.redirect",)


def test_failing_informational_check_leaves_the_standard_compliant():
    score = score_domain(with_(web__http__compression="fail"), TOY)
    assert score.standard("HTTPS").compliant


def test_error_is_not_measured_never_compliant():
    score = score_domain(with_(web__https__redirect="error"), TOY).standard("HTTPS")
    assert score.outcome is Outcome.NOT_MEASURED
    assert not score.compliant
    assert score.not_measured == ("web.https.redirect",)


def test_a_fail_outweighs_an_error_elsewhere():
    statuses = with_(web__https__redirect="error", web__https__available="fail")
    assert score_domain(statuses, TOY).standard("HTTPS").outcome is Outcome.NOT_COMPLIANT


def test_required_check_missing_from_a_scanned_part_is_not_measured():
    statuses = with_()
    del statuses["web.https.redirect"]
    score = score_domain(statuses, TOY)
    assert score.standard("HTTPS").outcome is Outcome.NOT_MEASURED
    assert "web.https.redirect" in score.not_measured


def test_standard_of_a_part_that_was_not_scanned_is_not_tested():
    web_only = {k: v for k, v in with_().items() if not k.startswith("mail.")}
    assert score_domain(web_only, TOY).standard("SPF").outcome is Outcome.NOT_TESTED


def test_standard_whose_required_checks_do_not_apply_is_not_applicable():
    statuses = with_(web__https__available="not_applicable", web__https__redirect="not_applicable")
    assert score_domain(statuses, TOY).standard("HTTPS").outcome is Outcome.NOT_APPLICABLE


def test_warning_complies_unless_the_profile_says_warnings_fail():
    assert score_domain(with_(web__https__redirect="warning"), TOY).standard("HTTPS").compliant
    tls = score_domain(with_(web__tls__versions="warning"), TOY).standard("TLS")
    assert tls.outcome is Outcome.NOT_COMPLIANT


def test_standard_without_required_checks_is_not_required():
    assert score_domain(with_(), TOY).standard("Headers").outcome is Outcome.NOT_REQUIRED


def test_overdue_when_not_compliant_after_the_deadline():
    failing = with_(web__https__redirect="fail")
    assert score_domain(failing, TOY, as_of=date(2019, 1, 1)).standard("HTTPS").overdue is True
    assert score_domain(failing, TOY, as_of=date(2018, 6, 1)).standard("HTTPS").overdue is False
    assert score_domain(failing, TOY).standard("HTTPS").overdue is None


# Findings and the traffic light


@pytest.mark.parametrize(
    ("check", "severity"),
    [
        ("web__https__redirect", Severity.HIGH),
        ("web__headers__csp", Severity.MEDIUM),
        ("web__headers__referrer_policy", Severity.LOW),
    ],
)
def test_finding_severity_follows_the_requirement_level(check, severity):
    (finding,) = score_domain(with_(**{check: "fail"}), TOY).findings
    assert finding.severity is severity


def test_failing_informational_check_is_no_finding():
    assert score_domain(with_(web__http__compression="fail"), TOY).findings == ()


def test_dangling_cname_is_high_whatever_the_profile_says():
    statuses = with_()
    statuses["hygiene.dangling_cname"] = CheckResult("hygiene.dangling_cname", Status.FAIL, "takeover")
    (finding,) = score_domain(statuses, TOY).findings
    assert (finding.check_id, finding.severity) == ("hygiene.dangling_cname", Severity.HIGH)
    ptolu = score_domain({"hygiene.dangling_cname": statuses["hygiene.dangling_cname"]}, "nl-ptolu-2025")
    assert [f.severity for f in ptolu.findings] == [Severity.HIGH]


@pytest.mark.parametrize(
    ("changes", "light"),
    [
        ({}, TrafficLight.GREEN),
        ({"web__headers__referrer_policy": "fail"}, TrafficLight.GREEN),
        ({"web__headers__csp": "fail"}, TrafficLight.ORANGE),
        ({"web__headers__csp": "fail", "web__https__redirect": "fail"}, TrafficLight.RED),
        ({"web__https__redirect": "error"}, TrafficLight.GREY),
        ({"web__https__redirect": "error", "web__headers__csp": "fail"}, TrafficLight.ORANGE),
    ],
)
def test_traffic_light(changes, light):
    assert score_domain(with_(**changes), TOY).traffic_light is light


def test_explained_finding_is_reported_but_does_not_colour_the_light():
    score = score_domain(with_(web__https__redirect="fail"), TOY, explained={"web.https.redirect"})
    assert score.traffic_light is TrafficLight.GREEN
    (finding,) = score.findings
    assert finding.explained
    assert not score.standard("HTTPS").compliant  # an explanation does not make it compliant


def test_check_in_two_standards_gives_one_finding_naming_both():
    score = score_domain(results(dns__ns__ipv6="fail", web__ipv6__aaaa="pass", mail__mx="pass"), "nl-ptolu-2025")
    (finding,) = [f for f in score.findings if f.check_id == "dns.ns.ipv6"]
    assert finding.standards == ("IPv6 web", "IPv6 mail")


# Internet.nl percentages


def test_category_percentage_is_points_earned_over_maximum():
    # One: available 10/10, redirect warning 2/10, hsts fail 0/10, csp pass 5/5 -> 17/35 = 48 %
    score = score_domain(with_(web__https__redirect="warning", web__hsts="fail"), TOY).internetnl
    assert score is not None
    one = next(c for c in score.categories if c.name == "One")
    assert (one.earned, one.maximum, one.percentage) == (17, 35, 48)


def test_not_applicable_leaves_the_maximum_and_error_earns_nothing():
    score = score_domain(with_(web__hsts="not_applicable", web__https__redirect="error"), TOY).internetnl
    assert score is not None
    one = next(c for c in score.categories if c.name == "One")
    assert (one.earned, one.maximum) == (15, 25)


def test_info_earns_the_points_the_profile_gives_it():
    score = score_domain(with_(web__headers__csp="info"), TOY).internetnl
    assert score is not None
    one = next(c for c in score.categories if c.name == "One")
    assert (one.earned, one.maximum) == (30, 35)


def test_per_server_category_takes_the_minimum_over_servers():
    statuses = with_()
    statuses["web.rpki.roa_exists"] = CheckResult(
        "web.rpki.roa_exists",
        Status.WARNING,
        "x",
        per_address=(AddressVerdict("a", Status.PASS), AddressVerdict("b", Status.WARNING)),
    )
    statuses["web.rpki.valid"] = CheckResult(
        "web.rpki.valid",
        Status.FAIL,
        "x",
        per_address=(AddressVerdict("a", Status.FAIL), AddressVerdict("b", Status.PASS)),
    )
    score = score_domain(statuses, TOY).internetnl
    assert score is not None
    two = next(c for c in score.categories if c.name == "Two")
    assert two.per_server == {"a": 50, "b": 50}
    assert two.percentage == 50
    assert (two.earned, two.maximum) == (0, 20)  # the check-level view: both checks not passing


def test_per_server_minimum_picks_the_worst_server():
    statuses = with_()
    statuses["web.rpki.valid"] = CheckResult(
        "web.rpki.valid",
        Status.FAIL,
        "x",
        per_address=(AddressVerdict("a", Status.PASS), AddressVerdict("b", Status.FAIL)),
    )
    score = score_domain(statuses, TOY).internetnl
    assert score is not None
    assert next(c for c in score.categories if c.name == "Two").per_server == {"a": 100, "b": 50}
    assert next(c for c in score.categories if c.name == "Two").percentage == 50


def test_test_percentage_is_the_mean_of_categories_and_total_the_mean_of_tests():
    # web: One 17/35 -> 48, Two 100 -> int(74.0) = 74; mail: Three 100; total int(87.0) = 87
    score = score_domain(with_(web__https__redirect="warning", web__hsts="fail"), TOY).internetnl
    assert score is not None
    assert (score.web, score.mail, score.total) == (74, 100, 87)


def test_mail_percentage_is_absent_when_mail_was_not_scanned():
    web_only = {k: v for k, v in with_().items() if not k.startswith("mail.")}
    score = score_domain(web_only, TOY).internetnl
    assert score is not None
    assert (score.web, score.mail, score.total) == (100, None, 100)


def test_internetnl_profile_gives_100_when_every_scored_check_passes():
    profile = load("internetnl")
    statuses = {
        c.check_id: CheckResult(c.check_id, Status.PASS, "ok") for cat in profile.categories for c in cat.checks
    }
    score = score_domain(statuses, profile)
    assert score.internetnl is not None
    assert (score.internetnl.web, score.internetnl.mail, score.internetnl.total) == (100, 100, 100)


def test_profiles_without_scoring_have_no_percentage():
    assert score_domain(with_(), "nl-wdo").internetnl is None


def test_json_block_is_serialisable_and_names_every_part():
    block = score_domain(with_(web__https__redirect="fail"), TOY).to_json()
    assert json.loads(json.dumps(block)) == block
    assert block["traffic_light"] == "red"
    assert block["standards"]["HTTPS"]["outcome"] == "not_compliant"
    assert block["findings"][0]["check_id"] == "web.https.redirect"
    assert block["findings_by_severity"] == {"high": 1, "medium": 0, "low": 0}
    assert block["internetnl"]["categories"]["web"]["One"]["percentage"] == 71  # 25 of 35


# Organisations


def test_organisation_share_per_standard_counts_not_measured_against_it():
    scores = [
        score_domain(with_(), TOY),
        score_domain(with_(web__https__redirect="fail"), TOY),
        score_domain(with_(web__https__redirect="error"), TOY),
        score_domain(with_(web__https__available="not_applicable", web__https__redirect="not_applicable"), TOY),
    ]
    share = score_organisation(scores).share("HTTPS")
    assert (share.compliant, share.not_compliant, share.not_measured, share.not_applicable) == (1, 1, 1, 1)
    assert share.percentage == pytest.approx(33.3)


def test_organisation_light_is_the_worst_of_its_domains():
    org = score_organisation([score_domain(with_(), TOY), score_domain(with_(web__headers__csp="fail"), TOY)])
    assert org.traffic_light is TrafficLight.ORANGE
    assert org.lights == {"red": 0, "orange": 1, "grey": 0, "green": 1}
    assert org.findings_by_severity == {"high": 0, "medium": 1, "low": 0}


def test_organisation_without_domains_is_grey_and_empty():
    org = score_organisation([])
    assert (org.domains, org.traffic_light, org.standards) == (0, TrafficLight.GREY, ())


def test_organisation_json_is_serialisable():
    org = score_organisation([score_domain(with_(), TOY), score_domain(with_(web__hsts="fail"), TOY)])
    block = org.to_json()
    assert json.loads(json.dumps(block)) == block
    assert block["standards"]["HTTPS"]["percentage"] == 100.0
    # web: 100 and int(mean(int(100 * 25 / 35) = 71, 100)) = 85 -> int(92.5) = 92
    assert block["internetnl"]["web"] == 92


def test_domain_score_round_trips_through_serde_for_storage():
    from domeinwacht.policy.scoring import DomainScore
    from domeinwacht.serde import from_jsonable, to_jsonable

    score = score_domain(with_(web__https__redirect="fail", web__headers__csp="error"), TOY, as_of=date(2020, 1, 1))
    stored = json.loads(json.dumps(to_jsonable(score)))
    assert from_jsonable(DomainScore, stored) == score
    assert score_organisation([from_jsonable(DomainScore, stored)]).traffic_light is TrafficLight.RED
