"""Severity of a monitored finding (monitor/severity.py)."""

from __future__ import annotations

from domeinwacht.checks.result import Status
from domeinwacht.monitor.severity import IMMEDIATE, Severity, classify
from domeinwacht.policy.scoring import Severity as PolicySeverity


def test_a_failing_required_standard_keeps_the_profiles_high():
    assert classify("web.hsts", Status.FAIL, {}, PolicySeverity.HIGH) is Severity.HIGH


def test_a_recommended_one_keeps_medium():
    assert classify("web.csp", Status.FAIL, {}, PolicySeverity.MEDIUM) is Severity.MEDIUM


def test_an_expired_certificate_is_critical():
    evidence = {"certificates": [{"position": 0, "days_left": -3}]}
    assert classify("web.cert.expiry", Status.FAIL, evidence, PolicySeverity.HIGH) is Severity.CRITICAL
    assert classify("mail.cert.expiry", Status.FAIL, evidence, PolicySeverity.MEDIUM) is Severity.CRITICAL


def test_a_certificate_not_yet_valid_is_not_critical():
    evidence = {"certificates": [{"position": 0, "days_left": 400}]}
    assert classify("web.cert.expiry", Status.FAIL, evidence, PolicySeverity.HIGH) is Severity.HIGH


def test_a_certificate_expiring_soon_is_not_critical():
    evidence = {"certificates": [{"position": 0, "days_left": 5}]}
    assert classify("web.cert.expiry", Status.WARNING, evidence, PolicySeverity.MEDIUM) is Severity.MEDIUM


def test_a_dangling_cname_is_critical():
    assert classify("hygiene.dangling_cname", Status.FAIL, {}, PolicySeverity.HIGH) is Severity.CRITICAL


def test_a_dangling_cname_warning_is_not_critical():
    assert classify("hygiene.dangling_cname", Status.WARNING, {}, "low") is Severity.LOW


def test_high_and_critical_are_sent_at_once():
    assert {Severity.CRITICAL, Severity.HIGH} == IMMEDIATE


def test_severities_are_ranked_worst_first():
    assert [s.rank for s in Severity] == [0, 1, 2, 3]
