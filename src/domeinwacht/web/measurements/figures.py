"""The report's figures of a measurement, computed once per finished measurement and kept in Django's cache.

A finished measurement is immutable, so its figures are too; the key also names the previous measurement the
figures compare with (a measurement finished later but observed earlier changes the comparison, not the key's
measurement). An unfinished measurement is computed on every call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache

from domeinwacht.web.measurements import report
from domeinwacht.web.measurements.models import Measurement

TIMEOUT = 7 * 24 * 3600


def cache_key(measurement: Measurement) -> str | None:
    if not measurement.is_finished or measurement.finished_at is None:
        return None
    previous = report.previous_of(measurement)
    return f"domeinwacht:report:{measurement.pk}:{measurement.finished_at.timestamp()}:{previous.pk if previous else 0}"


def report_data(measurement: Measurement) -> dict[str, Any]:
    """``report.build(measurement)``, cached for a finished measurement."""
    key = cache_key(measurement)
    if key is None:
        return report.build(measurement)
    data: dict[str, Any] | None = cache.get(key)
    if data is None:
        data = report.build(measurement)
        cache.set(key, data, TIMEOUT)
    return data


def rendered(measurement: Measurement, fmt: str, render: Callable[[dict[str, Any]], bytes]) -> bytes:
    """``render(report_data(measurement))``, cached per finished measurement and format (a PDF takes a second)."""
    key = cache_key(measurement)
    if key is None:
        return render(report_data(measurement))
    body: bytes | None = cache.get(f"{key}:{fmt}")
    if body is None:
        body = render(report_data(measurement))
        cache.set(f"{key}:{fmt}", body, TIMEOUT)
    return body
