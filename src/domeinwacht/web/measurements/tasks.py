"""The Celery task of the scale-out backend: measure one batch of targets of one measurement on a worker.

Sent by ``web/measurements/celery_backend.py``; runs in ``celery -A domeinwacht.web.celery_app worker``. Django is
set up on the first task (not at import), so the worker starts without a database and the app module stays light.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domeinwacht.web.celery_app import app

TASK = "domeinwacht.measure_batch"


@app.task(name=TASK, bind=True, max_retries=3)  # type: ignore[untyped-decorator]
def measure_batch(self: Any, measurement_id: int, target_ids: Sequence[int]) -> int:
    """Measure the targets of ``target_ids`` that have no result yet; returns how many were stored."""
    from domeinwacht.web.django_setup import setup

    setup(migrate=False)
    from domeinwacht.web.measurements.store import DjangoStore

    stats = DjangoStore.load(measurement_id).run_keys(list(target_ids))
    return int(stats.done)
