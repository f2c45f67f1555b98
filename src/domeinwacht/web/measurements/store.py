"""The backends' ``Store`` over the database (see ``domeinwacht.scan.backends``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from domeinwacht.scan.executor import ProbeLoop, Progress, RunStats
from domeinwacht.scan.planner import Target as PlannedTarget
from domeinwacht.web.measurements import service
from domeinwacht.web.measurements.models import Measurement, Target

_LOOPS: dict[int, ProbeLoop] = {}  # measurement id -> the probe loop this process keeps for its batches


def _probe_loop(measurement: Measurement) -> ProbeLoop:
    loop = _LOOPS.get(measurement.pk)
    if loop is None:
        for old in _LOOPS.values():
            old.close()
        _LOOPS.clear()
        settings = service.executor_settings(measurement)
        loop = _LOOPS[measurement.pk] = ProbeLoop(service.scan_options(measurement), settings.max_shared_probes)
    return loop


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

    def pending(self, shard: tuple[int, int] | None = None) -> Iterator[PlannedTarget]:
        return service.pending_targets(self.measurement, shard=shard)

    def start(self) -> None:
        service.mark_running(self.measurement)

    def run(self, targets: Iterable[PlannedTarget], progress: Progress | None = None) -> RunStats:
        return service.run_targets_of(self.measurement, targets, progress)

    def run_keys(self, keys: Sequence[int | str]) -> RunStats:
        """Measure those of ``keys`` that have no result yet (a redelivered task repeats nothing).

        The probe loop is kept for the next batch of the same measurement (one per process), so a shared mail
        server is probed once per worker, not once per batch.
        """
        rows = (
            Target.objects.filter(measurement=self.measurement, pk__in=[int(k) for k in keys], result__isnull=True)
            .order_by("position")
            .values_list("pk", "domain")
        )
        targets = [PlannedTarget(pk, domain) for pk, domain in rows]
        if not targets:
            return RunStats()
        service.load_plugins(self.measurement)
        return service.run_targets_of(self.measurement, targets, probe_loop=_probe_loop(self.measurement))

    def finish(self) -> None:
        service.finish(self.measurement)
