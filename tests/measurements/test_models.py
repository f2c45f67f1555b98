"""A finished measurement is immutable: no save, update, delete or new row gets through."""

from __future__ import annotations

import pytest

from domeinwacht.web.measurements.models import (
    CheckOutcome,
    Measurement,
    MeasurementFinished,
    Result,
    Status,
    Target,
)
from measurements.factories import finished, planned

pytestmark = pytest.mark.django_db


def test_a_finished_measurement_cannot_be_saved(fakescan):
    measurement = finished()
    measurement.name = "renamed"
    with pytest.raises(MeasurementFinished):
        measurement.save()


def test_a_finished_measurement_cannot_be_updated_through_a_queryset(fakescan):
    measurement = finished()
    with pytest.raises(MeasurementFinished):
        Measurement.objects.filter(pk=measurement.pk).update(profile="nl-wdo")


def test_a_finished_measurement_cannot_be_deleted(fakescan):
    measurement = finished()
    with pytest.raises(MeasurementFinished):
        measurement.delete()
    with pytest.raises(MeasurementFinished):
        Measurement.objects.all().delete()


def test_verdicts_of_a_finished_measurement_cannot_be_changed(fakescan):
    measurement = finished()
    outcome = CheckOutcome.objects.filter(measurement=measurement).first()
    outcome.status = "pass"
    with pytest.raises(MeasurementFinished):
        outcome.save()
    with pytest.raises(MeasurementFinished):
        CheckOutcome.objects.filter(measurement=measurement).update(status="pass")


def test_results_of_a_finished_measurement_cannot_be_deleted(fakescan):
    measurement = finished()
    with pytest.raises(MeasurementFinished):
        Result.objects.filter(measurement=measurement).delete()


def test_no_target_can_be_added_to_a_finished_measurement(fakescan):
    measurement = finished()
    with pytest.raises(MeasurementFinished):
        Target.objects.bulk_create([Target(measurement=measurement, position=99, domain="late.nl")])


def test_a_running_measurement_can_still_be_changed(fakescan):
    measurement = planned()
    Measurement.objects.filter(pk=measurement.pk).update(status=Status.RUNNING)
    measurement.refresh_from_db()
    measurement.selection = {"note": "edited"}
    measurement.save()
    assert Measurement.objects.get(pk=measurement.pk).selection == {"note": "edited"}
