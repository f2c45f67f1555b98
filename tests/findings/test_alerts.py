"""Queuing the alerts of a derived measurement (web/findings/alerts.py)."""

from __future__ import annotations

import json

import pytest

from domeinwacht.monitor.lifecycle import Thresholds
from domeinwacht.web.findings.alerts import enqueue
from domeinwacht.web.findings.derive import derive
from domeinwacht.web.findings.models import OutboxMessage, WebhookEndpoint
from findings.factories import SECURITY_TXT_OK, measured, organisation

pytestmark = pytest.mark.django_db
ONCE = Thresholds(open_after=1, close_after=1)


def derived(name, verdicts, orgs=None):
    measurement = measured(name, verdicts, orgs)
    derive(measurement, ONCE)
    return measurement, enqueue(measurement)


def test_a_new_high_finding_is_mailed_at_once_to_the_hosts_security_txt_contact():
    org = organisation(security="csirt@gemeente-a.example.nl")
    derived("m1", {"a.example.nl": {"web.hsts": "fail", "web.security_txt": SECURITY_TXT_OK}}, {"a.example.nl": org})
    alert = OutboxMessage.objects.get(kind="alert")
    assert alert.recipients == ["security@gemeente-a.example.nl"]
    assert alert.route == "security.txt"
    assert "web.hsts" in alert.subject and "a.example.nl" in alert.subject


def test_without_security_txt_the_registered_security_contact_gets_it():
    org = organisation(security="csirt@gemeente-a.example.nl", general="info@gemeente-a.example.nl")
    derived("m1", {"a.example.nl": {"web.hsts": "fail"}}, {"a.example.nl": org})
    assert OutboxMessage.objects.get(kind="alert").recipients == ["csirt@gemeente-a.example.nl"]


def test_without_a_security_contact_the_general_contact_gets_it():
    org = organisation(general="info@gemeente-a.example.nl")
    derived("m1", {"a.example.nl": {"web.hsts": "fail"}}, {"a.example.nl": org})
    alert = OutboxMessage.objects.get(kind="alert")
    assert (alert.recipients, alert.route) == (["info@gemeente-a.example.nl"], "general_contact")


def test_an_event_without_any_route_is_counted_not_mailed():
    _, queued = derived("m1", {"a.example.nl": {"web.hsts": "fail"}})
    assert not OutboxMessage.objects.exists()
    assert queued["unroutable"] == 2  # the immediate alert and its line in the change report


def test_the_change_report_subject_carries_the_counts():
    org = organisation(security="csirt@gemeente-a.example.nl")
    orgs = {"a.example.nl": org, "b.example.nl": org}
    derived("m1", {"a.example.nl": {"web.hsts": "fail"}, "b.example.nl": {"web.hsts": "pass"}}, orgs)
    derived("m2", {"a.example.nl": {"web.hsts": "pass"}, "b.example.nl": {"web.hsts": "fail"}}, orgs)
    report = OutboxMessage.objects.filter(kind="report").order_by("id").last()
    assert report.subject == "[Domeinwacht] Gemeente A: 1 nieuw, 1 opgelost, 0 teruggekeerd"


def test_a_medium_finding_waits_for_the_change_report():
    org = organisation(security="csirt@gemeente-a.example.nl")
    derived("m1", {"a.example.nl": {"web.tls.client_renegotiation": "fail"}}, {"a.example.nl": org})
    assert list(OutboxMessage.objects.values_list("kind", flat=True)) == ["report"]
    assert "[medium]" in OutboxMessage.objects.get().body


def test_a_warning_the_profile_accepts_queues_nothing():
    org = organisation(security="csirt@gemeente-a.example.nl")
    derived("m1", {"a.example.nl": {"web.hsts": ("warning", {})}}, {"a.example.nl": org})
    assert not OutboxMessage.objects.exists()


def test_an_identical_measurement_queues_nothing():
    org = organisation(security="csirt@gemeente-a.example.nl")
    derived("m1", {"a.example.nl": {"web.hsts": "fail"}}, {"a.example.nl": org})
    before = OutboxMessage.objects.count()
    _, queued = derived("m2", {"a.example.nl": {"web.hsts": "fail"}}, {"a.example.nl": org})
    assert queued == {}
    assert OutboxMessage.objects.count() == before


def test_queuing_the_same_measurement_again_adds_nothing():
    org = organisation(security="csirt@gemeente-a.example.nl")
    measurement, _ = derived("m1", {"a.example.nl": {"web.hsts": "fail"}}, {"a.example.nl": org})
    before = OutboxMessage.objects.count()
    enqueue(measurement)
    assert OutboxMessage.objects.count() == before


def test_an_active_endpoint_of_the_organisation_gets_one_webhook_with_the_events():
    org = organisation(security="csirt@gemeente-a.example.nl")
    WebhookEndpoint.objects.create(organisation=org, url="http://127.0.0.1:9/hook", secret="s")
    WebhookEndpoint.objects.create(organisation=org, url="http://127.0.0.1:9/off", secret="s", active=False)
    derived("m1", {"a.example.nl": {"web.hsts": "fail"}}, {"a.example.nl": org})
    hook = OutboxMessage.objects.get(kind="webhook")
    payload = json.loads(hook.body)
    assert payload["counts"] == {"new": 1}
    assert payload["findings"][0]["check_id"] == "web.hsts"


def test_the_english_texts_are_used_when_configured(settings):
    settings.MONITOR_LANGUAGE = "en"
    org = organisation(security="csirt@gemeente-a.example.nl")
    derived("m1", {"a.example.nl": {"web.hsts": "fail"}}, {"a.example.nl": org})
    assert OutboxMessage.objects.get(kind="report").subject.endswith("1 new, 0 fixed, 0 regressed")
