"""Planning, running, finishing, resuming and re-evaluating measurements (local backend, fake observers)."""

from __future__ import annotations

import pytest

from domeinwacht.web.measurements import service
from domeinwacht.web.measurements.models import CheckOutcome, Observation, Result, Status, Target
from domeinwacht.web.measurements.service import MeasurementError, TargetSpec
from measurements.factories import domains, finished, planned

pytestmark = pytest.mark.django_db


def test_planning_stores_every_target_in_order(fakescan):
    measurement = planned(n=5)
    assert list(Target.objects.filter(measurement=measurement).values_list("domain", flat=True)) == domains(5)
    assert measurement.target_count == 5 and measurement.status == Status.PLANNED


def test_an_unknown_profile_is_refused(fakescan):
    with pytest.raises(MeasurementError, match="unknown profile 'nope'"):
        planned(profile="nope")


def test_an_empty_selection_is_refused(fakescan):
    with pytest.raises(MeasurementError, match="no targets"):
        planned(specs=[])


def test_a_local_run_stores_one_result_per_target_and_finishes(fakescan):
    measurement = finished(n=25)
    assert Result.objects.filter(measurement=measurement).count() == 25
    assert measurement.status == Status.FINISHED and measurement.done_count == 25


def test_every_check_verdict_is_stored_with_evidence_and_remedy(fakescan):
    measurement = finished(specs=[TargetSpec("abcd.nl")])
    outcome = CheckOutcome.objects.get(measurement=measurement, check_id="test.fake.even")
    assert (outcome.status, outcome.evidence, outcome.remedy) == ("fail", {"length": 7}, "add a letter")


def test_a_shared_mail_server_observation_is_stored_once(fakescan):
    finished(n=30)
    assert Observation.objects.filter(area="fake_tls").count() == 3
    assert Observation.objects.filter(area="fake").count() == 30


def test_finish_counts_the_verdicts(fakescan):
    measurement = finished(n=10)
    assert sum(measurement.counts.values()) == 20


def test_finishing_with_targets_left_is_refused(fakescan):
    measurement = planned(n=3)
    with pytest.raises(MeasurementError, match="3 targets without a result"):
        service.finish(measurement)


def test_a_run_measures_only_the_targets_without_a_result(fakescan):
    measurement = planned(n=20)
    first = list(service.pending_targets(measurement))[:7]
    service.mark_running(measurement)
    service.run_targets_of(measurement, first)
    seen = []
    service.run_local(measurement, progress=seen.append)
    assert sum(seen) == 13
    assert Result.objects.filter(measurement=measurement).count() == 20


def test_a_result_written_twice_is_stored_once(fakescan):
    measurement = planned(n=4)
    service.mark_running(measurement)
    batch = list(service.pending_targets(measurement))
    service.run_targets_of(measurement, batch)
    service.run_targets_of(measurement, batch)
    assert Result.objects.filter(measurement=measurement).count() == 4


def test_reevaluation_makes_a_new_finished_measurement_with_the_same_observations(fakescan):
    source = finished(n=8)
    again = service.reevaluate(source, "nl-wdo")
    assert again.derived_from == source and again.status == Status.FINISHED
    assert dict(Result.objects.filter(measurement=again).values_list("domain", "observations")) == dict(
        Result.objects.filter(measurement=source).values_list("domain", "observations")
    )


def test_reevaluation_applies_the_new_profile_without_probing(fakescan, monkeypatch):
    source = finished(n=3)
    monkeypatch.setattr(fakescan, "observe_fake", None)  # a probe now would crash the observer
    again = service.reevaluate(source, "nl-wdo", name="wdo")
    evidence = CheckOutcome.objects.filter(measurement=again, check_id="test.fake.tls").first().evidence
    assert evidence["profile"] == "ncsc-2.1.1"


def test_reevaluation_gives_the_same_verdicts_under_the_same_profile(fakescan):
    source = finished(n=8)
    again = service.reevaluate(source, source.profile, name="same")

    def verdicts(m):
        return sorted(CheckOutcome.objects.filter(measurement=m).values_list("result__domain", "check_id", "status"))

    assert verdicts(again) == verdicts(source)


def test_a_measurement_is_found_by_name_or_id(fakescan):
    measurement = planned(name="2026-H2")
    assert service.find_measurement("2026-H2") == measurement
    assert service.find_measurement(str(measurement.pk)) == measurement


def test_resume_picks_the_latest_unfinished_measurement(fakescan):
    finished(name="done")
    unfinished = planned(name="half")
    assert service.latest_unfinished() == unfinished
