"""A measurement, its targets, their results, the stored observations and the check verdicts.

A finished measurement is immutable: saving, updating or deleting it or anything under it raises
``MeasurementFinished`` (model ``save``/``delete``, queryset ``update``/``delete`` and ``bulk_create`` are guarded).
Re-scoring under another profile makes a *new* measurement that points at the old one (``derived_from``) and
reuses its stored observations.

Observations are content-addressed: an ``Observation`` row is keyed by the sha256 of its canonical JSON, so a
mail server's TLS observation shared by 300 domains is stored once (see ``storage.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models


class MeasurementFinished(Exception):
    """An attempt to change a finished measurement (or anything stored under it)."""


class Status(models.TextChoices):
    PLANNED = "planned", "planned"
    RUNNING = "running", "running"
    FINISHED = "finished", "finished"


class MeasurementQuerySet(models.QuerySet["Measurement"]):
    def _guard(self) -> None:
        if self.filter(status=Status.FINISHED).exists():
            raise MeasurementFinished("a finished measurement cannot be changed")

    def update(self, **kwargs: Any) -> int:
        self._guard()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._guard()
        return super().delete()


class Measurement(models.Model):
    """One run over a set of targets under one profile.

    ``selection`` says how the targets were chosen (``{"org_type": "gemeente"}``, ``{"domains_file": …}``);
    ``options`` holds the scan options, observer groups, extra observer modules and executor settings as JSON so
    that a resumed run or a Celery worker scans exactly as the first process did. ``observed_at`` is the moment the
    observations were made: checks are evaluated at that time, so a re-evaluation years later gives the verdicts
    of then.
    """

    name = models.CharField(max_length=200, unique=True)
    profile = models.CharField(max_length=64)
    selection = models.JSONField(default=dict)
    options = models.JSONField(default=dict)
    backend = models.CharField(max_length=16, default="local")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    derived_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="derived")
    created_at = models.DateTimeField(auto_now_add=True)
    observed_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    target_count = models.PositiveIntegerField(default=0)
    done_count = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)  # status -> number of check verdicts, at finish

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.name} ({self.profile}, {self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status == Status.FINISHED

    def _stored_finished(self) -> bool:
        return self.pk is not None and Measurement.objects.filter(pk=self.pk, status=Status.FINISHED).exists()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._stored_finished():
            raise MeasurementFinished(f"measurement {self.name!r} is finished and cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self._stored_finished():
            raise MeasurementFinished(f"measurement {self.name!r} is finished and cannot be deleted")
        return super().delete(*args, **kwargs)


class _ChildQuerySet(models.QuerySet[Any]):
    """Rows that belong to a measurement (through ``measurement``): frozen when it is finished."""

    def _guard(self) -> None:
        if self.filter(measurement__status=Status.FINISHED).exists():
            raise MeasurementFinished("rows of a finished measurement cannot be changed")

    def update(self, **kwargs: Any) -> int:
        self._guard()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._guard()
        return super().delete()

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        ids = {o.measurement_id for o in objs}
        if ids and Measurement.objects.filter(pk__in=ids, status=Status.FINISHED).exists():
            raise MeasurementFinished("rows cannot be added to a finished measurement")
        return super().bulk_create(objs, *args, **kwargs)


class _ChildModel(models.Model):
    measurement: models.ForeignKey[Measurement, Measurement]
    measurement_id: int

    objects = _ChildQuerySet.as_manager()

    class Meta:
        abstract = True

    def _frozen(self) -> bool:
        return Measurement.objects.filter(pk=self.measurement_id, status=Status.FINISHED).exists()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._frozen():
            raise MeasurementFinished("rows of a finished measurement cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self._frozen():
            raise MeasurementFinished("rows of a finished measurement cannot be deleted")
        return super().delete(*args, **kwargs)


class Target(_ChildModel):
    """A planned target. It is done when its ``Result`` row is committed; resuming measures the others.

    ``organisation`` links the register's owner when it is known; its name and type are also recorded as they
    were when the measurement was planned, so that the published figures do not change when the register does.
    """

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveIntegerField()
    domain = models.CharField(max_length=253)
    organisation = models.ForeignKey(
        "register.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="measured_targets"
    )
    organisation_name = models.CharField(max_length=300, blank=True, default="")
    organisation_type = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ("measurement", "position")
        constraints = (
            models.UniqueConstraint(fields=["measurement", "domain"], name="measurement_target_unique_domain"),
        )
        indexes = (models.Index(fields=["measurement", "position"]),)

    def __str__(self) -> str:
        return self.domain


class Observation(models.Model):
    """One stored observation (an area's value, or one element of a per-endpoint tuple), content-addressed."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    area = models.CharField(max_length=32)
    data = models.JSONField()

    def __str__(self) -> str:
        return f"{self.area}:{self.sha256[:12]}"


class Result(_ChildModel):
    """What one target gave: references to its observations, the observer failures, its score.

    ``observations`` maps area -> sha256 (or a list of sha256 for per-endpoint tuples such as ``mail_tls``).
    """

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="results")
    target = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="result")
    domain = models.CharField(max_length=253)
    observations = models.JSONField(default=dict)
    failures = models.JSONField(default=dict)
    score = models.JSONField(default=dict, blank=True)
    status_counts = models.JSONField(default=dict)
    seconds = models.FloatField(default=0.0)
    stored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = (models.Index(fields=["measurement", "domain"]),)

    def __str__(self) -> str:
        return self.domain


class CheckOutcome(_ChildModel):
    """The verdict of one check for one target (a ``CheckResult`` of the core, stored)."""

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="check_outcomes")
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="checks")
    check_id = models.CharField(max_length=64)
    status = models.CharField(max_length=16)
    summary = models.TextField(blank=True, default="")
    evidence = models.JSONField(default=dict, blank=True)
    remedy = models.TextField(null=True, blank=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["result", "check_id"], name="check_outcome_unique"),)
        indexes = (models.Index(fields=["measurement", "check_id", "status"]),)

    def __str__(self) -> str:
        return f"{self.check_id}: {self.status}"
