"""Deriving findings from consecutive measurements (web/findings/derive.py)."""

from __future__ import annotations

import pytest

from domeinwacht.monitor.keys import dedup_key
from domeinwacht.monitor.lifecycle import Thresholds
from domeinwacht.web.findings.derive import MonitorError, derive
from domeinwacht.web.findings.models import Derivation, Finding, FindingEvent
from findings.factories import EXPIRED, SECURITY_TXT_OK, measured, organisation

pytestmark = pytest.mark.django_db
ONCE = Thresholds(open_after=1, close_after=1)


def test_a_failing_required_check_opens_a_new_high_finding_with_first_and_last_seen():
    m1 = measured("m1", {"a.example.nl": {"web.hsts": "fail"}})
    summary = derive(m1, ONCE)
    finding = Finding.objects.get()
    assert (finding.subject, finding.check_id, finding.state, finding.severity) == (
        "a.example.nl",
        "web.hsts",
        "new",
        "high",
    )
    assert finding.key == dedup_key("a.example.nl", "web.hsts")
    assert finding.first_seen == finding.last_seen == m1.observed_at
    assert summary.events["new"] == 1


def test_a_passing_check_makes_no_finding():
    derive(measured("m1", {"a.example.nl": {"web.hsts": "pass"}}), ONCE)
    assert not Finding.objects.exists()


def test_fixed_and_regressed_across_three_measurements():
    derive(measured("m1", {"a.example.nl": {"web.hsts": "fail"}}), ONCE)
    derive(measured("m2", {"a.example.nl": {"web.hsts": "pass"}}), ONCE)
    assert Finding.objects.get().state == "fixed"
    summary = derive(measured("m3", {"a.example.nl": {"web.hsts": "fail"}}), ONCE)
    assert Finding.objects.get().state == "regressed"
    assert summary.events["regressed"] == 1
    kinds = list(FindingEvent.objects.values_list("kind", flat=True))
    assert kinds == ["new", "fixed", "regressed"]


def test_an_identical_measurement_changes_nothing_to_report():
    derive(measured("m1", {"a.example.nl": {"web.hsts": "fail"}}), ONCE)
    summary = derive(measured("m2", {"a.example.nl": {"web.hsts": "fail"}}), ONCE)
    assert sum(summary.events.values()) == 0
    assert Finding.objects.get().state == "open"


def test_flapping_is_suppressed_until_the_state_holds():
    two = Thresholds(open_after=2, close_after=2)
    derive(measured("m1", {"a.example.nl": {"web.hsts": "fail"}}), two)
    assert Finding.objects.get().state == "pending"
    derive(measured("m2", {"a.example.nl": {"web.hsts": "pass"}}), two)
    assert not Finding.objects.exists()
    assert not FindingEvent.objects.exists()


def test_an_expired_certificate_is_critical_and_opens_at_once():
    derive(measured("m1", {"a.example.nl": {"web.cert.expiry": EXPIRED}}), Thresholds(open_after=3))
    finding = Finding.objects.get()
    assert (finding.state, finding.severity) == ("new", "critical")


def test_an_error_neither_opens_nor_closes():
    derive(measured("m1", {"a.example.nl": {"web.hsts": "fail"}}), ONCE)
    derive(measured("m2", {"a.example.nl": {"web.hsts": "error"}}), ONCE)
    assert Finding.objects.get().state == "new"


def test_the_findings_belong_to_the_targets_organisation():
    org = organisation()
    derive(measured("m1", {"a.example.nl": {"web.hsts": "fail"}}, {"a.example.nl": org}), ONCE)
    assert Finding.objects.get().organisation == org


def test_an_event_keeps_the_security_txt_contacts_seen_for_its_subject():
    derive(measured("m1", {"a.example.nl": {"web.hsts": "fail", "web.security_txt": SECURITY_TXT_OK}}), ONCE)
    event = FindingEvent.objects.get()
    assert event.detail["security_txt_contacts"] == SECURITY_TXT_OK[1]["contacts"]


def test_a_measurement_is_derived_once():
    m1 = measured("m1", {"a.example.nl": {"web.hsts": "fail"}})
    derive(m1, ONCE)
    with pytest.raises(MonitorError, match="derived already"):
        derive(m1, ONCE)


def test_an_older_measurement_than_the_last_derived_is_refused():
    m1 = measured("m1", {"a.example.nl": {"web.hsts": "fail"}})
    m2 = measured("m2", {"a.example.nl": {"web.hsts": "fail"}})
    derive(m2, ONCE)
    with pytest.raises(MonitorError, match="not newer"):
        derive(m1, ONCE)


def test_the_derivation_records_the_previous_measurement_of_its_selection():
    m1 = measured("m1", {"a.example.nl": {"web.hsts": "fail"}})
    m2 = measured("m2", {"a.example.nl": {"web.hsts": "pass"}})
    derive(m1, ONCE)
    derive(m2, ONCE)
    assert Derivation.objects.get(measurement=m2).previous == m1


def test_an_unfinished_measurement_is_refused():
    from measurements.factories import planned

    with pytest.raises(MonitorError, match="not finished"):
        derive(planned(name="busy", n=1), ONCE)


def test_derivation_is_chunked_and_gives_the_same_result_across_chunks(monkeypatch):
    from domeinwacht.web.findings import derive as module

    monkeypatch.setattr(module, "CHUNK", 3)
    verdicts = {f"d{i}.example.nl": {"web.hsts": "fail" if i % 2 else "pass"} for i in range(10)}
    derive(measured("m1", verdicts), ONCE)
    assert Finding.objects.count() == 5
