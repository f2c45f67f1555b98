"""The Celery backend: pending targets sent as tasks of ``batch_size`` target ids to workers; this process waits.

Workers (``celery -A domeinwacht.web.celery_app worker -Q QUEUE``) run ``domeinwacht.measure_batch`` (``tasks.py``):
they measure the targets of the batch that have no result yet and write them to the shared database (PostgreSQL).
Tasks are acknowledged late, so a task of a worker that died is delivered again; the store skips targets that are
already done, so nothing is measured or stored twice. The coordinator (this function) counts stored results and finishes
the measurement when all are in; killing it loses nothing — `domeinwacht measure --resume` re-sends what is left.
"""

from __future__ import annotations

import time
from typing import Any

from domeinwacht.scan.backends import Store
from domeinwacht.scan.executor import Progress, RunStats
from domeinwacht.scan.planner import batched
from domeinwacht.web.measurements.tasks import TASK


class CeleryRunError(RuntimeError):
    """The workers did not finish the measurement in time (no worker on the queue, workers crashing)."""


def run(
    store: Store,
    *,
    progress: Progress | None = None,
    queue: str = "domeinwacht",
    batch_size: int = 50,
    poll_seconds: float = 1.0,
    stall_seconds: float = 600.0,
    **options: Any,
) -> RunStats:
    """Send the pending targets to the workers on ``queue`` and wait until all are stored.

    Raises ``CeleryRunError`` when no result arrives for ``stall_seconds`` (the measurement stays resumable).
    """
    from domeinwacht.web.celery_app import app

    started = time.monotonic()
    store.start()
    sent = 0
    for chunk in batched((t.key for t in store.pending()), batch_size):
        app.send_task(TASK, args=[store.measurement_id, list(chunk)], queue=queue)
        sent += len(chunk)
    total = store.total()
    seen = store.done()
    last_change = time.monotonic()
    while seen < total:
        time.sleep(poll_seconds)
        now_done = store.done()
        if now_done != seen:
            if progress is not None:
                progress(now_done - seen)
            seen = now_done
            last_change = time.monotonic()
        elif time.monotonic() - last_change > stall_seconds:
            raise CeleryRunError(
                f"no result for {stall_seconds:g}s with {total - seen} targets left: is a worker consuming "
                f"queue {queue!r}? (`domeinwacht measure --resume` continues later)"
            )
    store.finish()
    return RunStats(done=sent, seconds=time.monotonic() - started)
