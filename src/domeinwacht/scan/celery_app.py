"""The Celery application of the scale-out backend.

    celery -A domeinwacht.scan.celery_app worker -Q domeinwacht --concurrency 1 --pool solo

The broker comes from ``CELERY_BROKER_URL`` (RabbitMQ ``amqp://guest:guest@127.0.0.1:5672//`` by default; Redis
works as well); workers write results to the database of ``DATABASE_URL`` (PostgreSQL for more than one worker).
One task is one batch of target ids of one measurement. Each worker process measures with its own event loop and
connection limits; run one process per core (``--concurrency 1 --pool solo``, several workers) so that the limits
per IP address stay meaningful.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from celery import Celery

from domeinwacht import config

app = Celery("domeinwacht")
app.conf.update(
    broker_url=config.load().broker_url,
    task_acks_late=True,  # a batch of a worker that died is delivered again (the store skips what is done)
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    task_default_queue="domeinwacht",
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    worker_send_task_events=False,
)


def _store(measurement_id: int) -> Any:
    setup = importlib.import_module("domeinwacht.web.django_setup")
    setup.setup(migrate=False)
    return importlib.import_module("domeinwacht.web.measurements.store").DjangoStore.load(measurement_id)


@app.task(name="domeinwacht.measure_batch", bind=True, max_retries=3)  # type: ignore[untyped-decorator]
def measure_batch(self: Any, measurement_id: int, target_ids: Sequence[int]) -> int:
    """Measure the targets of ``target_ids`` that have no result yet; returns how many were stored."""
    stats = _store(measurement_id).run_keys(list(target_ids))
    return int(stats.done)
