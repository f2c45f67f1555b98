"""/rapport/<name>/: the half-yearly report of a finished measurement as a page, and as PDF, XLSX and JSON."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import condition

from domeinwacht.web.measurements.figures import rendered, report_data
from domeinwacht.web.measurements.models import Measurement, Status
from domeinwacht.web.reports.document import LANGUAGES, render_page
from domeinwacht.web.reports.pdf import render_pdf
from domeinwacht.web.reports.xlsx import render_xlsx
from domeinwacht.web.text import is_clean

FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _json(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def _measurement(name: str) -> Measurement:
    if not is_clean(name):
        raise Http404("no finished measurement of that name")
    found = Measurement.objects.filter(name=name, status=Status.FINISHED).first()
    if found is None:
        raise Http404("no finished measurement of that name")
    return found


def _last_modified(request: HttpRequest, name: str, fmt: str = "") -> datetime | None:
    if not is_clean(name):
        return None
    found = Measurement.objects.filter(name=name, status=Status.FINISHED).values_list("finished_at", flat=True)
    return found.first()


INDEX_MAX = 200


def report_index(request: HttpRequest) -> HttpResponse:
    """Every finished measurement's report, newest first."""
    measurements = Measurement.objects.filter(status=Status.FINISHED).order_by("-observed_at", "-id")[:INDEX_MAX]
    return render(request, "reports/index.html", {"measurements": measurements})


@condition(last_modified_func=_last_modified)
def report_page(request: HttpRequest, name: str) -> HttpResponse:
    return HttpResponse(render_page(report_data(_measurement(name)), request=request))


@condition(last_modified_func=_last_modified)
def report_download(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("no such format")
    language = (translation.get_language() or "nl")[:2]
    language = language if language in LANGUAGES else "nl"
    renderers = {"pdf": lambda data: render_pdf(data, language), "xlsx": render_xlsx, "json": _json}
    body = rendered(_measurement(name), f"pdf-{language}" if fmt == "pdf" else fmt, renderers[fmt])
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
