"""The Celery application of the scale-out backend (its tasks live in the Django apps they serve).

    celery -A domeinwacht.web.celery_app worker -Q domeinwacht --concurrency 1 --pool solo

The broker comes from ``CELERY_BROKER_URL`` (RabbitMQ ``amqp://guest:guest@127.0.0.1:5672//`` by default; Redis
works as well); workers write results to the database of ``DATABASE_URL`` (PostgreSQL for more than one worker).
One task (``web/measurements/tasks.py``) is one batch of target ids of one measurement. Each worker process
measures with its own event loop and connection limits; run one process per core (``--concurrency 1 --pool solo``,
several workers) so that the limits per IP address stay meaningful.
"""

from __future__ import annotations

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
    imports=("domeinwacht.web.measurements.tasks",),  # registered in the worker; Django is set up per task
)
