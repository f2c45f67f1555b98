"""The texts of alerts and change reports (monitor/messages.py)."""

from __future__ import annotations

import pytest

from domeinwacht.monitor.messages import ChangeLine, alert, change_report

LINES = [
    ChangeLine("new", "a.example.nl", "web.hsts", "high", "no HSTS"),
    ChangeLine("new", "b.example.nl", "web.https", "high", "no HTTPS"),
    ChangeLine("fixed", "c.example.nl", "web.csp", "medium", "CSP fixed"),
]


def test_the_dutch_change_report_subject_carries_the_counts():
    text = change_report(language="nl", organisation="Gemeente Voorbeeld", measurement="2026-01", lines=LINES)
    assert text.subject == "[Domeinwacht] Gemeente Voorbeeld: 2 nieuw, 1 opgelost, 0 teruggekeerd"


def test_the_english_change_report_subject_carries_the_counts():
    text = change_report(language="en", organisation="Gemeente Voorbeeld", measurement="2026-01", lines=LINES)
    assert text.subject == "[Domeinwacht] Gemeente Voorbeeld: 2 new, 1 fixed, 0 regressed"


def test_the_change_report_lists_every_line_under_its_kind():
    text = change_report(language="en", organisation="X", measurement="m", lines=LINES)
    assert "new (2):" in text.body and "fixed (1):" in text.body
    assert "a.example.nl web.hsts [high]: no HSTS" in text.body


def test_an_alert_names_the_check_the_host_and_the_remedy():
    text = alert(
        language="nl",
        organisation="Gemeente Voorbeeld",
        measurement="2026-01",
        subject="www.example.nl",
        check_id="web.cert.expiry",
        severity="critical",
        summary="the certificate expired",
        remedy="Renew the certificate",
        first_seen="2026-01-01",
    )
    assert text.subject == "[Domeinwacht] CRITICAL: web.cert.expiry op www.example.nl"
    assert "kritieke bevinding op www.example.nl" in text.body
    assert "Oplossing: Renew the certificate" in text.body


def test_an_unknown_language_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="nl, en"):
        change_report(language="fr", organisation="X", measurement="m", lines=[])
