"""The open data sets: what each one holds (columns), its rows (streamed from the database in chunks, never a whole
table in memory) and its version (for ETag and Last-Modified).

A data set's version changes when its content can have changed: the register's sets follow the newest ``updated``
(or ``first_seen``/``last_seen``) and the row count; a measurement's set is immutable once it is finished.
Explanations (comply-or-explain) are not offered: the data model has none yet, and no empty file pretends otherwise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Max, QuerySet, Window
from django.db.models.functions import RowNumber

from domeinwacht.web.measurements.models import CheckOutcome, Measurement, Result, Status
from domeinwacht.web.register.models import Domain, Host, Organisation

CHUNK = 2000


@dataclass(frozen=True)
class Version:
    etag: str
    last_modified: dt.datetime | None


@dataclass(frozen=True)
class DataSet:
    slug: str
    title: str
    description: str
    columns: tuple[str, ...]
    rows: Callable[[], Iterator[tuple[Any, ...]]]
    version: Callable[[], Version]


def _version(*parts: Any, last_modified: dt.datetime | None) -> Version:
    digest = hashlib.sha256(json.dumps([str(p) for p in parts]).encode()).hexdigest()[:32]
    return Version(f'"{digest}"', last_modified)


def _stamp(value: Any) -> str:
    return "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)


# --- the register ----------------------------------------------------------------------------------------------

ORGANISATION_COLUMNS = (
    "slug",
    "name",
    "abbreviation",
    "type",
    "tooi",
    "oin",
    "organisatiecode",
    "kvk",
    "valid_from",
    "valid_until",
    "successor",
    "parent",
    "population",
    "website",
)


def _organisation_rows() -> Iterator[tuple[Any, ...]]:
    fields = [f"{c}__slug" if c in {"successor", "parent"} else c for c in ORGANISATION_COLUMNS]
    yield from Organisation.objects.order_by("slug").values_list(*fields).iterator(chunk_size=CHUNK)


def _register_version(model: Any, field: str, dataset: str) -> Version:
    found = model.objects.aggregate(newest=Max(field), n=Count("pk"))
    return _version(dataset, found["newest"], found["n"], last_modified=found["newest"])


DOMAIN_COLUMNS = ("name", "owner", "status", "provenance", "source_date", "verification_state", "tags")


def _domain_rows() -> Iterator[tuple[Any, ...]]:
    query = Domain.objects.select_related("owner").prefetch_related("tags").order_by("name")
    for d in query.iterator(chunk_size=CHUNK):
        yield (
            d.name,
            d.owner.slug,
            d.status,
            d.provenance,
            d.source_date,
            d.verification_state,
            " ".join(t.name for t in d.tags.all()),
        )


HOST_COLUMNS = ("name", "domain", "provenance", "first_seen", "last_seen")


def _host_rows() -> Iterator[tuple[Any, ...]]:
    query = Host.objects.order_by("name").values_list("name", "domain__name", "provenance", "first_seen", "last_seen")
    yield from query.iterator(chunk_size=CHUNK)


def _host_version() -> Version:
    found = Host.objects.aggregate(first=Max("first_seen"), last=Max("last_seen"), n=Count("pk"))
    newest = max((t for t in (found["first"], found["last"]) if t is not None), default=None)
    return _version("hosts", found["first"], found["last"], found["n"], last_modified=newest)


# --- measurements ----------------------------------------------------------------------------------------------

RESULT_COLUMNS = (
    "measurement",
    "observed_at",
    "simulated",
    "domain",
    "organisation",
    "organisation_type",
    "check_id",
    "status",
    "summary",
    "remedy",
    "evidence",
)


def _outcome_rows(outcomes: QuerySet[CheckOutcome]) -> Iterator[tuple[Any, ...]]:
    query = outcomes.order_by("result__domain", "check_id").values_list(
        "measurement__name",
        "measurement__observed_at",
        "measurement__selection",
        "result__domain",
        "result__target__organisation_name",
        "result__target__organisation_type",
        "check_id",
        "status",
        "summary",
        "remedy",
        "evidence",
    )
    for name, observed, selection, *rest, evidence in query.iterator(chunk_size=CHUNK):
        yield (name, observed, bool((selection or {}).get("simulated")), *rest, evidence)


def latest_results() -> QuerySet[Result]:
    """Per domain, its result in the newest finished measurement that measured it (one sort, no per-row subquery)."""
    ranked = Result.objects.filter(measurement__status=Status.FINISHED).annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("domain")],
            order_by=[F("measurement__observed_at").desc(), F("measurement_id").desc()],
        )
    )
    latest: QuerySet[Result] = ranked.filter(rank=1)
    return latest


def _latest_rows() -> Iterator[tuple[Any, ...]]:
    return _outcome_rows(CheckOutcome.objects.filter(result__in=latest_results().values("pk")))


def _finished_version(dataset: str) -> Version:
    found = Measurement.objects.filter(status=Status.FINISHED).aggregate(newest=Max("finished_at"), n=Count("pk"))
    return _version(dataset, found["newest"], found["n"], last_modified=found["newest"])


MEASUREMENT_COLUMNS = ("name", "profile", "observed_at", "finished_at", "targets", "measured", "simulated")


def _measurement_rows() -> Iterator[tuple[Any, ...]]:
    query = Measurement.objects.filter(status=Status.FINISHED).order_by("-observed_at", "-id")
    for m in query.iterator(chunk_size=CHUNK):
        yield (
            m.name,
            m.profile,
            m.observed_at,
            m.finished_at,
            m.target_count,
            m.done_count,
            bool(m.selection.get("simulated")),
        )


DATASETS: dict[str, DataSet] = {
    d.slug: d
    for d in (
        DataSet(
            "organisations",
            "Organisations",
            "Every organisation in the register, with its identifiers (TOOI, OIN, CBS code, KvK) and its place "
            "among other bodies.",
            ORGANISATION_COLUMNS,
            _organisation_rows,
            lambda: _register_version(Organisation, "updated", "organisations"),
        ),
        DataSet(
            "domains",
            "Domains",
            "Every registered domain, its owner, status, provenance and tags.",
            DOMAIN_COLUMNS,
            _domain_rows,
            lambda: _register_version(Domain, "updated", "domains"),
        ),
        DataSet(
            "hosts",
            "Hosts",
            "Every host name under a registered domain, with when it was first and last seen.",
            HOST_COLUMNS,
            _host_rows,
            _host_version,
        ),
        DataSet(
            "latest-results",
            "Latest result per domain and check",
            "For each domain, every check's verdict in the newest finished measurement that measured it: status, "
            "summary, remedy and evidence.",
            RESULT_COLUMNS,
            _latest_rows,
            lambda: _finished_version("latest-results"),
        ),
        DataSet(
            "measurements",
            "Measurements",
            "Every finished measurement; each one's full results are a data set of their own (below).",
            MEASUREMENT_COLUMNS,
            _measurement_rows,
            lambda: _finished_version("measurements"),
        ),
    )
}


def measurement_dataset(measurement: Measurement) -> DataSet:
    """The full history of one finished measurement: every check of every domain (immutable)."""
    finished = measurement.finished_at
    return DataSet(
        f"measurements/{measurement.name}/results",
        f"Results of {measurement.name}",
        f"Every check of every domain in measurement {measurement.name}.",
        RESULT_COLUMNS,
        lambda: _outcome_rows(CheckOutcome.objects.filter(measurement=measurement)),
        lambda: _version("measurement", measurement.pk, finished, last_modified=finished),
    )
