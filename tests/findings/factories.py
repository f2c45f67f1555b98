"""Finished measurements with chosen verdicts, stored the way a run stores them (the real sink and scoring)."""

from __future__ import annotations

from typing import Any

from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.scan.executor import Evaluation, TargetOutcome
from domeinwacht.scan.single import DomainObservations
from domeinwacht.web.measurements import service
from domeinwacht.web.measurements.evaluation import score
from domeinwacht.web.measurements.service import TargetSpec
from domeinwacht.web.register.models import Contact, Organisation
from measurements.factories import planned

PROFILE = "nl-wdo"
SECURITY_TXT_OK = ("pass", {"contacts": ["mailto:security@gemeente-a.example.nl", "https://example.nl/cvd"]})
EXPIRED = ("fail", {"certificates": [{"position": 0, "days_left": -2}]})


def organisation(slug: str = "gemeente-a", security: str | None = None, general: str | None = None) -> Organisation:
    org = Organisation.objects.create(slug=slug, name=f"Gemeente {slug[-1].upper()}", type="gemeente")
    if security:
        Contact.objects.create(organisation=org, email=security, role="security")
    if general:
        Contact.objects.create(organisation=org, email=general, role="general")
    return org


def _result(check_id: str, verdict: Any) -> CheckResult:
    status, evidence = verdict if isinstance(verdict, tuple) else (verdict, {"ip": "192.0.2.1"})
    return CheckResult(
        check_id, Status(status), f"{check_id} {status}", evidence, None if status == "pass" else f"fix {check_id}"
    )


def measured(name: str, verdicts: dict[str, dict[str, Any]], orgs: dict[str, Organisation] | None = None):
    """A finished measurement: ``verdicts`` maps domain -> {check id: status or (status, evidence)}."""
    orgs = orgs or {}
    specs = [TargetSpec(d, orgs[d].pk, orgs[d].name, orgs[d].type) if d in orgs else TargetSpec(d) for d in verdicts]
    measurement = planned(name=name, profile=PROFILE, specs=specs)
    service.mark_running(measurement)
    keys = {t.domain: t for t in service.pending_targets(measurement)}
    outcomes = []
    for domain, checks in verdicts.items():
        results = {cid: _result(cid, v) for cid, v in checks.items()}
        observed = DomainObservations(domain, frozenset({"web"}), {}, {})
        evaluation = Evaluation(results, score(PROFILE, results, measurement.observed_at))
        outcomes.append(TargetOutcome(keys[domain], observed, evaluation, 0.1))
    from domeinwacht.web.measurements.sink import DatabaseSink

    DatabaseSink(measurement).write(outcomes)
    return service.finish(measurement)
