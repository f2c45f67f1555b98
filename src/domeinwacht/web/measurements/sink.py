"""The executor's sink for the database: one transaction per batch of finished targets.

A target is done when its ``Result`` row is committed. Writing is idempotent: a target that already has a result
(a Celery task delivered twice, two workers racing) is skipped, never stored twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction

from domeinwacht.scan.executor import TargetOutcome
from domeinwacht.scan.observe import dump_observations
from domeinwacht.serde import to_jsonable
from domeinwacht.web.measurements.models import CheckOutcome, Measurement, Observation, Result
from domeinwacht.web.measurements.storage import compact


class DatabaseSink:
    """Writes outcomes of ``measurement``: observations (deduplicated), results and check verdicts."""

    def __init__(self, measurement: Measurement) -> None:
        self.measurement = measurement
        self.written = 0
        self.skipped = 0

    def write(self, outcomes: Sequence[TargetOutcome]) -> None:
        try:
            self._write(outcomes)
        except IntegrityError:  # another writer stored some of these targets meanwhile: skip those
            self._write(outcomes)

    @transaction.atomic
    def _write(self, outcomes: Sequence[TargetOutcome]) -> None:
        keys = [int(o.target.key) for o in outcomes]
        already = set(Result.objects.filter(target_id__in=keys).values_list("target_id", flat=True))
        todo = [o for o in outcomes if int(o.target.key) not in already]
        self.skipped += len(outcomes) - len(todo)
        if not todo:
            return
        blobs: dict[str, tuple[str, Any]] = {}
        rows = []
        for outcome in todo:
            refs, found = compact(dump_observations(outcome.observed.areas))
            blobs.update(found)
            rows.append(
                Result(
                    measurement_id=self.measurement.pk,
                    target_id=int(outcome.target.key),
                    domain=outcome.target.domain,
                    observations=refs,
                    failures=dict(outcome.observed.failures),
                    score=_json(outcome.evaluation.score),
                    status_counts=dict(Counter(r.status.value for r in outcome.evaluation.results.values())),
                    seconds=round(outcome.seconds, 3),
                )
            )
        store_blobs(blobs)
        created = Result.objects.bulk_create(rows)
        CheckOutcome.objects.bulk_create(
            CheckOutcome(
                measurement_id=self.measurement.pk,
                result_id=row.pk,
                check_id=check_id,
                status=result.status.value,
                summary=result.summary,
                evidence=to_jsonable(result.evidence_json()),
                remedy=result.remedy,
            )
            for row, outcome in zip(created, todo, strict=True)
            for check_id, result in sorted(outcome.evaluation.results.items())
        )
        self.written += len(todo)


def _json(score: Any) -> Any:
    """The score as JSON: the policy engine's ``to_json()`` output is stored as is (no second walk)."""
    if score is None:
        return {}
    return score if isinstance(score, dict) else to_jsonable(score)


def store_blobs(blobs: dict[str, tuple[str, Any]]) -> None:
    """Insert the observation blobs not stored yet (concurrent writers of the same blob are harmless)."""
    if not blobs:
        return
    known = set(Observation.objects.filter(sha256__in=list(blobs)).values_list("sha256", flat=True))
    Observation.objects.bulk_create(
        [Observation(sha256=key, area=area, data=data) for key, (area, data) in blobs.items() if key not in known],
        ignore_conflicts=True,
    )
