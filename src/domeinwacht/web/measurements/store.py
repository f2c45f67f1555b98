"""The backends' ``Store`` over the database (see ``domeinwacht.scan.backends``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from domeinwacht.scan.executor import Progress, RunStats
from domeinwacht.scan.planner import Target as PlannedTarget
from domeinwacht.web.measurements import service
from domeinwacht.web.measurements.models import Measurement, Target


class DjangoStore:
    def __init__(self, measurement: Measurement) -> None:
        self.measurement = measurement

    @classmethod
    def load(cls, measurement_id: int) -> DjangoStore:
        return cls(Measurement.objects.get(pk=measurement_id))

    @property
    def measurement_id(self) -> int:
        return int(self.measurement.pk)

    def total(self) -> int:
        return int(self.measurement.target_count)

    def done(self) -> int:
        return service.done_count(self.measurement)

    def pending(self) -> Iterator[PlannedTarget]:
        return service.pending_targets(self.measurement)

    def start(self) -> None:
        service.mark_running(self.measurement)

    def run(self, targets: Iterable[PlannedTarget], progress: Progress | None = None) -> RunStats:
        return service.run_targets_of(self.measurement, targets, progress)

    def run_keys(self, keys: Sequence[int | str]) -> RunStats:
        """Measure those of ``keys`` that have no result yet (a redelivered task repeats nothing)."""
        rows = (
            Target.objects.filter(measurement=self.measurement, pk__in=[int(k) for k in keys], result__isnull=True)
            .order_by("position")
            .values_list("pk", "domain")
        )
        targets = [PlannedTarget(pk, domain) for pk, domain in rows]
        return self.run(targets) if targets else RunStats()

    def finish(self) -> None:
        service.finish(self.measurement)
