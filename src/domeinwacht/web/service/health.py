"""``/health``: can the service do its work? The database answers a query, and the broker (when the Celery
backend is configured) accepts a connection. 200 with every component "ok", else 503 naming what failed.

Each probe is bounded (database: the driver's connect timeout; broker: HEALTH_TIMEOUT seconds).
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from domeinwacht import __version__

HEALTH_TIMEOUT = 3.0


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"error: {type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
    return "ok"


def broker_status() -> str:
    if settings.DOMEINWACHT_BACKEND != "celery":
        return "not used (local backend)"
    from kombu.connection import Connection

    try:
        with Connection(  # type: ignore[no-untyped-call]  # kombu is untyped
            settings.DOMEINWACHT_BROKER_URL, connect_timeout=HEALTH_TIMEOUT
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=HEALTH_TIMEOUT)
    except Exception as exc:
        return f"error: {type(exc).__name__}: {exc}"
    return "ok"


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = not any(value.startswith("error") for value in checks.values())
    body = {"status": "ok" if healthy else "error", "version": __version__, "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)
