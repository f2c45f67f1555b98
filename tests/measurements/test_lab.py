"""The executor against the lab: every target of the default scenario, web and mail, in one run.

The scan runs once per module (pure core, no database); the tests that store it use their own transaction.
"""

from __future__ import annotations

import pytest

from domeinwacht.scan.executor import ExecutorSettings, run_targets
from domeinwacht.scan.planner import Target
from domeinwacht.web.measurements import service
from domeinwacht.web.measurements.evaluation import make_evaluator
from domeinwacht.web.measurements.models import CheckOutcome
from domeinwacht.web.measurements.service import TargetSpec
from domeinwacht.web.measurements.sink import DatabaseSink

pytestmark = pytest.mark.lab

PROFILE = "nl-ptolu-2025"


class ListSink:
    def __init__(self):
        self.outcomes = []

    def write(self, outcomes):
        self.outcomes.extend(outcomes)


@pytest.fixture(scope="module")
def scanned(lab):
    from datetime import UTC, datetime

    observed_at = datetime.now(UTC)
    options = lab.scan_options(target_timeout=60.0)
    targets = [Target(i, t.name) for i, t in enumerate(lab.targets())]
    sink = ListSink()
    stats = run_targets(
        targets,
        options,
        make_evaluator(PROFILE, observed_at, options),
        sink,
        settings=ExecutorSettings(max_in_flight=32, batch_size=25),
    )
    return {"targets": targets, "outcomes": sink.outcomes, "stats": stats, "observed_at": observed_at}


def test_every_lab_target_is_observed_within_its_deadline(scanned):
    assert len(scanned["outcomes"]) == len(scanned["targets"])
    abandoned = [
        o.target.domain for o in scanned["outcomes"] if any("deadline" in r for r in o.observed.failures.values())
    ]
    assert abandoned == []


def test_a_mail_server_shared_by_many_domains_gets_at_most_two_connections(lab, scanned):
    shared = lab.mail_server("mx-shared")
    addresses = [a for key in ("ipv4", "ipv6") for a in shared.get(key, [])]
    counters = scanned["stats"].counters
    per_address = {a: counters.get(f"smtp.connections.{a}", 0) for a in addresses}
    assert per_address and all(1 <= n <= 2 for n in per_address.values()), per_address


@pytest.mark.django_db
def test_a_stored_lab_measurement_reevaluates_to_the_same_verdicts(lab, scanned):
    measurement = service.create_measurement(
        name="lab",
        profile=PROFILE,
        targets=[TargetSpec(t.domain) for t in scanned["targets"]],
        options=lab.scan_options(target_timeout=60.0),
    )
    service.mark_running(measurement)
    keys = {t.domain: t for t in service.pending_targets(measurement)}
    outcomes = [o.__class__(keys[o.target.domain], o.observed, o.evaluation, o.seconds) for o in scanned["outcomes"]]
    DatabaseSink(measurement).write(outcomes)
    service.finish(measurement)
    again = service.reevaluate(measurement, PROFILE, name="lab again")

    def verdicts(m):
        return sorted(CheckOutcome.objects.filter(measurement=m).values_list("result__domain", "check_id", "status"))

    assert verdicts(again) == verdicts(measurement)
