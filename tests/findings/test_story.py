"""The monitoring story end to end, on stored measurements (the lab story of issue 11 without the lab):

measure, change (one target breaks, another is fixed), measure again -> exactly the expected findings, mails at
a real SMTP server (recipients from security.txt and the register, counts in the subject) and signed webhook
calls; a third identical measurement sends nothing.
"""

from __future__ import annotations

import json

import pytest

from domeinwacht.monitor.lifecycle import Thresholds
from domeinwacht.web.findings.alerts import enqueue
from domeinwacht.web.findings.derive import derive
from domeinwacht.web.findings.models import Finding, WebhookEndpoint
from domeinwacht.web.findings.sender import make_sender
from findings.factories import SECURITY_TXT_OK, measured, organisation

pytestmark = pytest.mark.django_db
ONCE = Thresholds(open_after=1, close_after=1)


def step(name, verdicts, orgs):
    measurement = measured(name, verdicts, orgs)
    summary = derive(measurement, ONCE)
    enqueue(measurement)
    counts = make_sender().run_once(batch=100)
    return summary, counts


def test_break_one_fix_another_then_nothing_changes(smtp_server, hook_server):
    org = organisation(security="csirt@gemeente-a.example.nl", general="info@gemeente-a.example.nl")
    WebhookEndpoint.objects.create(organisation=org, url=hook_server.url, secret="hook-secret")
    orgs = {"breaks.example.nl": org, "fixed.example.nl": org}
    with_txt = {"web.security_txt": SECURITY_TXT_OK}

    step("m1", {"breaks.example.nl": {"web.hsts": "pass", **with_txt}, "fixed.example.nl": {"web.hsts": "fail"}}, orgs)
    smtp_server.received.clear()
    hook_server.calls.clear()

    summary, counts = step(
        "m2", {"breaks.example.nl": {"web.hsts": "fail", **with_txt}, "fixed.example.nl": {"web.hsts": "pass"}}, orgs
    )
    assert (summary.events["new"], summary.events["fixed"], summary.events["regressed"]) == (1, 1, 0)
    assert Finding.objects.get(subject="breaks.example.nl").state == "new"
    assert Finding.objects.get(subject="fixed.example.nl").state == "fixed"
    mails = sorted((r.recipients, str(r.message["Subject"])) for r in smtp_server.received)
    assert mails == [
        (["csirt@gemeente-a.example.nl"], "[Domeinwacht] Gemeente A: 0 nieuw, 1 opgelost, 0 teruggekeerd"),
        (["security@gemeente-a.example.nl"], "[Domeinwacht] Gemeente A: 1 nieuw, 0 opgelost, 0 teruggekeerd"),
        (["security@gemeente-a.example.nl"], "[Domeinwacht] HIGH: web.hsts op breaks.example.nl"),
    ]
    [call] = hook_server.calls
    assert call["verified"]
    assert json.loads(call["body"])["counts"] == {"fixed": 1, "new": 1}
    assert counts["sent"] == 4

    smtp_server.received.clear()
    hook_server.calls.clear()
    summary, counts = step(
        "m3", {"breaks.example.nl": {"web.hsts": "fail", **with_txt}, "fixed.example.nl": {"web.hsts": "pass"}}, orgs
    )
    assert sum(summary.events.values()) == 0
    assert counts["sent"] == 0
    assert smtp_server.received == [] and hook_server.calls == []
