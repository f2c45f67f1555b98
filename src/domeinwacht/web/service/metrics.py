"""``/metrics``: Prometheus text exposition format 0.0.4, read from the database on every scrape.

- ``domeinwacht_measurements{status}``: measurements per state (planned, running, finished);
- ``domeinwacht_domains_measured_total``: domain results stored, over every measurement;
- ``domeinwacht_check_errors_total``: check verdicts ``error`` (could not observe), over every measurement;
- ``domeinwacht_target_failures_total``: domain results where an observer or check crashed;
- ``domeinwacht_queue_depth``: targets of unfinished measurements not yet measured;
- with the Celery backend, ``domeinwacht_broker_up`` (the broker answered within BROKER_TIMEOUT s) and
  ``domeinwacht_broker_queue_messages`` (task messages waiting in the ``domeinwacht`` queue).

When DOMEINWACHT_METRICS_TOKEN is set, a scrape must send ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.db.models import Count, F, Sum
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from domeinwacht.web.measurements.models import CheckOutcome, Measurement, Result, Status

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
BROKER_QUEUE = "domeinwacht"  # web/celery_app.py task_default_queue
BROKER_TIMEOUT = 2.0


def _metric(name: str, kind: str, doc: str, samples: list[tuple[str, int]]) -> list[str]:
    lines = [f"# HELP {name} {doc}", f"# TYPE {name} {kind}"]
    lines += [f"{name}{labels} {value}" for labels, value in samples]
    return lines


def _check_errors() -> int:
    # Finished measurements keep their verdict counts; unfinished ones are counted row by row.
    finished = sum(
        int((counts or {}).get("error", 0))
        for counts in Measurement.objects.filter(status=Status.FINISHED).values_list("counts", flat=True)
    )
    live = CheckOutcome.objects.exclude(measurement__status=Status.FINISHED).filter(status="error").count()
    return finished + live


def broker_queue_messages() -> int | None:
    """Messages waiting in the Celery queue, or None when the broker does not answer in time."""
    from kombu.connection import Connection
    from kombu.exceptions import ChannelError

    try:
        with Connection(  # type: ignore[no-untyped-call]  # kombu is untyped
            settings.DOMEINWACHT_BROKER_URL, connect_timeout=BROKER_TIMEOUT
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)
            channel = conn.channel()
            try:
                return int(channel.queue_declare(queue=BROKER_QUEUE, passive=True).message_count)
            except ChannelError:
                return 0  # the queue does not exist yet: nothing waits
    except Exception:
        return None


def exposition() -> str:
    per_status = {status: 0 for status in Status.values}
    for row in Measurement.objects.order_by().values("status").annotate(n=Count("id")):
        per_status[row["status"]] = int(row["n"])
    unfinished = Measurement.objects.exclude(status=Status.FINISHED)
    queue = unfinished.aggregate(n=Sum(F("target_count") - F("done_count")))["n"] or 0
    lines: list[str] = []
    lines += _metric(
        "domeinwacht_measurements",
        "gauge",
        "Measurements per state.",
        [(f'{{status="{status}"}}', count) for status, count in sorted(per_status.items())],
    )
    lines += _metric(
        "domeinwacht_domains_measured_total", "counter", "Domain results stored.", [("", Result.objects.count())]
    )
    lines += _metric(
        "domeinwacht_check_errors_total",
        "counter",
        "Check verdicts 'error' (nothing observed).",
        [("", _check_errors())],
    )
    lines += _metric(
        "domeinwacht_target_failures_total",
        "counter",
        "Domain results with a crashed observer or check.",
        [("", Result.objects.exclude(failures={}).count())],
    )
    lines += _metric(
        "domeinwacht_queue_depth", "gauge", "Targets of unfinished measurements not yet measured.", [("", int(queue))]
    )
    if settings.DOMEINWACHT_BACKEND == "celery":
        waiting = broker_queue_messages()
        lines += _metric(
            "domeinwacht_broker_up", "gauge", "The Celery broker answered.", [("", int(waiting is not None))]
        )
        if waiting is not None:
            lines += _metric(
                "domeinwacht_broker_queue_messages", "gauge", "Task messages waiting in the broker.", [("", waiting)]
            )
    return "\n".join(lines) + "\n"


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.DOMEINWACHT_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return HttpResponse("metrics need a bearer token\n", status=401, content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE)
