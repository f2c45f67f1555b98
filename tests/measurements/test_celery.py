"""Scale-out: two Celery worker processes on RabbitMQ, writing to PostgreSQL, give the in-process results.

These tests run in the PostgreSQL pass of scripts/test.sh (DATABASE_URL=postgres://…). On SQLite they skip: the
workers are other processes and cannot see the test database, which lives inside this process's transaction.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from domeinwacht.web.measurements import celery_backend, service
from domeinwacht.web.measurements.models import CheckOutcome, Result, Status
from domeinwacht.web.measurements.service import TargetSpec
from domeinwacht.web.measurements.store import DjangoStore
from measurements.conftest import PLUGIN, TESTS
from measurements.factories import domains, planned

pytestmark = pytest.mark.services

N = 30


@pytest.fixture(scope="module")
def postgres_url(django_db_setup):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (DATABASE_URL=postgres://…): Celery workers run in other processes and cannot "
            "share the SQLite test database; scripts/test.sh runs this in its PostgreSQL pass"
        )
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture(scope="module")
def worker_processes(postgres_url, tmp_path_factory):
    """Two worker processes on a queue of their own, for this module; yields (queue, per-worker logs)."""
    from domeinwacht.web.celery_app import app

    tmp_path = tmp_path_factory.mktemp("workers")
    queue = f"domeinwacht-test-{uuid.uuid4().hex[:12]}"
    logs = [tmp_path / f"worker{i}.log" for i in (1, 2)]
    processes = []
    stderr_files = [log.with_suffix(".err").open("wb") for log in logs]
    for i, (log, stderr) in enumerate(zip(logs, stderr_files, strict=True), start=1):
        env = dict(os.environ)
        env.update(
            DATABASE_URL=postgres_url,
            DJANGO_SETTINGS_MODULE="domeinwacht.web.settings",
            PYTHONPATH=os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")]),
            DOMEINWACHT_FAKE_LOG=str(log),
            DOMEINWACHT_FAKE_DELAY="0.05",
            DOMEINWACHT_DATA_DIR=str(tmp_path),
        )
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "domeinwacht.web.celery_app",
                    "worker",
                    "-Q",
                    queue,
                    "--include",
                    PLUGIN,
                    "-n",
                    f"w{i}-{queue}@%h",
                    "--pool",
                    "solo",
                    "--concurrency",
                    "1",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel",
                    "WARNING",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        )
    try:
        deadline = time.monotonic() + 60
        names = {f"w{i}-{queue}" for i in (1, 2)}
        while True:
            replies = app.control.ping(timeout=1.0)
            ready = {name.split("@")[0] for reply in replies for name in reply}
            if names <= ready:
                break
            assert all(p.poll() is None for p in processes), "a worker exited while starting"
            assert time.monotonic() < deadline, "the workers did not come up"
        yield queue, logs
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stderr in stderr_files:
            stderr.close()
        with app.connection_for_write() as connection:
            connection.default_channel.queue_delete(queue)


@pytest.fixture
def workers(worker_processes, fakescan, transactional_db):
    """The module's workers, with their logs emptied for this test."""
    queue, logs = worker_processes
    for log in logs:
        log.write_text("")
    return queue, logs


def _verdicts(measurement):
    return sorted(
        CheckOutcome.objects.filter(measurement=measurement).values_list(
            "result__domain", "check_id", "status", "summary", "evidence", "remedy"
        )
    )


def _observations(measurement):
    return dict(Result.objects.filter(measurement=measurement).values_list("domain", "observations"))


def _lines(logs):
    return [line for log in logs if log.exists() for line in log.read_text().split()]


def _succeeded(logs):
    """Tasks the workers finished (the fake plugin notes each one in the worker's log)."""
    return _lines(logs).count("#task-done")


def _run_on_workers(measurement, queue):
    celery_backend.run(DjangoStore(measurement), queue=queue, batch_size=5, poll_seconds=0.2, stall_seconds=60)
    measurement.refresh_from_db()


def test_two_workers_give_the_results_of_the_in_process_run(workers):
    queue, _ = workers
    local = planned(name="local", n=N)
    service.run_local(local)
    scaled = planned(name="celery", n=N, backend="celery")
    _run_on_workers(scaled, queue)
    assert scaled.status == Status.FINISHED and scaled.done_count == N
    assert _verdicts(scaled) == _verdicts(local)
    assert _observations(scaled) == _observations(local)


def test_both_workers_take_part(workers):
    queue, logs = workers
    measurement = planned(name="celery", n=N, backend="celery")
    # One target per task: RabbitMQ hands a worker (prefetch 1, late acks) the next task only after it acked
    # the last, so two consuming workers both get some of the 30 tasks.
    celery_backend.run(DjangoStore(measurement), queue=queue, batch_size=1, poll_seconds=0.2, stall_seconds=60)
    idle = [log.name for log in logs if not (log.exists() and log.read_text().strip())]
    errors = {log.name: log.with_suffix(".err").read_text(errors="replace")[-2000:] for log in logs}
    assert not idle, f"workers that measured nothing: {idle}; their stderr: {errors}"


def test_a_batch_delivered_twice_is_stored_once(workers):
    from domeinwacht.web.celery_app import app

    queue, logs = workers
    measurement = planned(name="twice", specs=[TargetSpec(d) for d in domains(10)], backend="celery")
    service.mark_running(measurement)
    keys = [t.key for t in service.pending_targets(measurement)]
    for delivery in (1, 2):
        app.send_task(celery_backend.TASK, args=[measurement.pk, keys], queue=queue)
        deadline = time.monotonic() + 60
        while _succeeded(logs) < delivery:
            assert time.monotonic() < deadline, f"delivery {delivery} was not processed"
            time.sleep(0.2)
    assert Result.objects.filter(measurement=measurement).count() == 10
    measured = [line for line in _lines(logs) if not line.startswith("#")]
    assert len(measured) == 10


def test_measure_cli_with_the_celery_backend_finishes_on_the_workers(workers, tmp_path, monkeypatch, capsys):
    from domeinwacht.cli import main
    from domeinwacht.web.measurements.models import Measurement

    queue, _ = workers
    monkeypatch.setattr("domeinwacht.web.django_setup.setup", lambda migrate=True: None)
    listing = tmp_path / "domains.txt"
    listing.write_text("\n".join(domains(12)) + "\n")
    args = ["measure", "--domains", str(listing), "--name", "cli-celery", "--backend", "celery", "--queue", queue]
    args += [
        "--plugin",
        PLUGIN,
        "--group",
        "fakescan",
        "--resolver",
        "127.0.0.1:9",
        "--no-progress",
        "--skip-preflight",
    ]
    assert main(args) == 0
    measurement = Measurement.objects.get(name="cli-celery")
    assert (measurement.status, measurement.done_count, measurement.backend) == (Status.FINISHED, 12, "celery")


@pytest.mark.services
@pytest.mark.django_db
def test_without_a_worker_the_coordinator_stops_with_a_clear_error_and_the_measurement_stays_resumable(fakescan):
    """Needs only the broker: nothing runs in another process, so this works on SQLite too."""
    from domeinwacht.web.celery_app import app

    queue = f"domeinwacht-test-idle-{uuid.uuid4().hex[:12]}"
    measurement = planned(name="idle", n=3, backend="celery")
    try:
        with pytest.raises(celery_backend.CeleryRunError, match=f"is a worker consuming queue '{queue}'"):
            celery_backend.run(DjangoStore(measurement), queue=queue, poll_seconds=0.1, stall_seconds=0.5)
    finally:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_delete(queue)
    measurement.refresh_from_db()
    assert measurement.status == Status.RUNNING
    assert service.pending_count(measurement) == 3
