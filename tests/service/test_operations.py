"""/health checks the database and the broker; /metrics speaks Prometheus text; logs are JSON lines."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from domeinwacht.jsonlog import JsonFormatter
from domeinwacht.web.measurements.models import CheckOutcome, Measurement, Result, Status, Target

pytestmark = pytest.mark.django_db


def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "not used (local backend)"}


def test_health_names_an_unreachable_broker_with_503(client, settings):
    settings.DOMEINWACHT_BACKEND = "celery"
    settings.DOMEINWACHT_BROKER_URL = "amqp://guest:guest@127.0.0.1:9//"  # discard port: nothing listens
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error")


@pytest.mark.services
def test_health_is_ok_with_a_running_broker(client, settings):
    settings.DOMEINWACHT_BACKEND = "celery"
    settings.DOMEINWACHT_BROKER_URL = "redis://127.0.0.1:6379/0"
    response = client.get("/health")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["broker"] == "ok"


def _measurement(name, status, targets, done, counts=None):
    from django.utils import timezone

    return Measurement.objects.create(
        name=name,
        profile="nl-wdo",
        status=status,
        observed_at=timezone.now(),
        target_count=targets,
        done_count=done,
        counts=counts or {},
    )


def _metrics(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for line in response.content.decode().splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = int(value)
    return samples


def test_metrics_count_domains_errors_and_the_queue(client):
    running = _measurement("running", Status.RUNNING, targets=10, done=1)
    target = Target.objects.create(measurement=running, position=0, domain="a.example.nl")
    result = Result.objects.create(measurement=running, target=target, domain="a.example.nl", failures={"web": "x"})
    CheckOutcome.objects.create(measurement=running, result=result, check_id="web.hsts", status="error")
    CheckOutcome.objects.create(measurement=running, result=result, check_id="web.csp", status="pass")
    _measurement("finished", Status.FINISHED, targets=3, done=3, counts={"pass": 10, "error": 2})
    samples = _metrics(client)
    assert samples['domeinwacht_measurements{status="running"}'] == 1
    assert samples['domeinwacht_measurements{status="finished"}'] == 1
    assert samples["domeinwacht_domains_measured_total"] == 1
    assert samples["domeinwacht_check_errors_total"] == 3
    assert samples["domeinwacht_target_failures_total"] == 1
    assert samples["domeinwacht_queue_depth"] == 9


def test_metrics_say_the_broker_is_down_when_it_does_not_answer(client, settings):
    settings.DOMEINWACHT_BACKEND = "celery"
    settings.DOMEINWACHT_BROKER_URL = "redis://127.0.0.1:9/0"  # discard port: nothing listens
    samples = _metrics(client)
    assert samples["domeinwacht_broker_up"] == 0
    assert "domeinwacht_broker_queue_messages" not in samples


@pytest.mark.services
def test_metrics_count_the_messages_waiting_in_the_broker(client, settings, monkeypatch):
    import uuid

    from kombu import Connection

    from domeinwacht.web.service import metrics

    name = f"domeinwacht-test-{uuid.uuid4().hex[:8]}"  # not the real queue: other sessions share this Redis
    monkeypatch.setattr(metrics, "BROKER_QUEUE", name)
    settings.DOMEINWACHT_BACKEND = "celery"
    settings.DOMEINWACHT_BROKER_URL = "redis://127.0.0.1:6379/0"
    with Connection(settings.DOMEINWACHT_BROKER_URL) as conn:
        queue = conn.SimpleQueue(name)
        queue.clear()
        queue.put({"task": "test"})
        queue.put({"task": "test"})
        try:
            samples = _metrics(client)
        finally:
            queue.clear()
            queue.close()
    assert samples["domeinwacht_broker_up"] == 1
    assert samples["domeinwacht_broker_queue_messages"] == 2


def test_metrics_need_the_token_when_one_is_configured(client, settings):
    settings.DOMEINWACHT_METRICS_TOKEN = "s3cret"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret").status_code == 200


def _record(**kwargs):
    return logging.LogRecord("domeinwacht.test", logging.WARNING, __file__, 1, "hello %s", ("world",), None, **kwargs)


def test_a_log_record_is_one_json_line():
    line = JsonFormatter().format(_record())
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "warning" and entry["logger"] == "domeinwacht.test" and entry["message"] == "hello world"


def test_extra_fields_are_kept():
    record = _record()
    record.domain = "a.example.nl"
    assert json.loads(JsonFormatter().format(record))["domain"] == "a.example.nl"


def test_an_exception_stays_on_the_line():
    try:
        raise ValueError("bad")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert "\n" not in line and entry["exc_type"] == "ValueError" and "bad" in entry["exc"]


def test_a_gunicorn_access_record_becomes_fields():
    atoms = {"m": "GET", "U": "/health", "s": "200", "B": "42", "M": 3, "h": "127.0.0.1", "a": "curl"}
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(h)s", (), None)
    record.args = atoms
    entry = json.loads(JsonFormatter().format(record))
    assert (entry["method"], entry["path"], entry["status"], entry["bytes"]) == ("GET", "/health", 200, 42)
