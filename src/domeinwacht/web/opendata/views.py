"""/data/: the open data page and its downloads at stable URLs (/data/<set>.<csv|json|xlsx>,
/data/measurements/<name>/results.<fmt>), with ETag and Last-Modified so that a conditional GET gets a 304."""

from __future__ import annotations

from typing import Any

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.views.decorators.http import condition, require_safe

from domeinwacht.web.measurements.models import Measurement, Status
from domeinwacht.web.opendata import formats
from domeinwacht.web.opendata.datasets import DATASETS, DataSet, measurement_dataset
from domeinwacht.web.text import is_clean

LICENCE = "CC0 1.0"
LICENCE_URL = "https://creativecommons.org/publicdomain/zero/1.0/"
INDEX_MEASUREMENTS = 200


def _dataset(slug: str | None = None, name: str | None = None) -> DataSet:
    if name is not None:
        if not is_clean(name):
            raise Http404("no finished measurement of that name")
        found = Measurement.objects.filter(name=name, status=Status.FINISHED).first()
        if found is None:
            raise Http404("no finished measurement of that name")
        return measurement_dataset(found)
    if slug not in DATASETS:
        raise Http404("no such data set")
    return DATASETS[slug]


def _etag(request: HttpRequest, fmt: str, slug: str | None = None, name: str | None = None) -> str | None:
    try:
        version = _dataset(slug, name).version().etag
    except Http404:
        return None
    return f'"{fmt}-{version.strip(chr(34))}"'


def _last_modified(request: HttpRequest, fmt: str, slug: str | None = None, name: str | None = None) -> Any:
    try:
        return _dataset(slug, name).version().last_modified
    except Http404:
        return None


def _respond(dataset: DataSet, fmt: str) -> HttpResponseBase:
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in dataset.slug.replace("/", "-"))
    disposition = f'attachment; filename="{stem}.{fmt}"'
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            formats.csv_stream(dataset.columns, dataset.rows()), content_type=formats.CONTENT_TYPES["csv"]
        )
    elif fmt == "json":
        meta = {"dataset": dataset.slug, "title": dataset.title, "licence": LICENCE, "columns": dataset.columns}
        response = StreamingHttpResponse(
            formats.json_stream(dataset.columns, dataset.rows(), meta), content_type=formats.CONTENT_TYPES["json"]
        )
    else:
        try:
            handle = formats.xlsx_file(dataset.title, dataset.columns, dataset.rows())
        except formats.TooLarge as exc:
            return HttpResponse(f"{dataset.slug}: {exc}\n", status=413, content_type="text/plain; charset=utf-8")
        response = FileResponse(handle, content_type=formats.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = disposition
    return response


@require_safe
@condition(etag_func=_etag, last_modified_func=_last_modified)
def download(request: HttpRequest, fmt: str, slug: str | None = None, name: str | None = None) -> HttpResponseBase:
    return _respond(_dataset(slug, name), fmt)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    measurements = Measurement.objects.filter(status=Status.FINISHED).order_by("-observed_at", "-id")
    context = {
        "datasets": list(DATASETS.values()),
        "formats": ("csv", "json", "xlsx"),
        "measurements": list(measurements[:INDEX_MEASUREMENTS]),
        "more_measurements": measurements.count() > INDEX_MEASUREMENTS,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "xlsx_max_rows": formats.XLSX_MAX_ROWS,
    }
    return render(request, "opendata/index.html", context)
