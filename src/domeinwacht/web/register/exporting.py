"""Open-data export of the register as CSV or JSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any

from domeinwacht.web.register.models import Domain, Organisation

ORGANISATION_COLUMNS = (
    "slug",
    "name",
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
    "domains",
)
DOMAIN_COLUMNS = (
    "name",
    "display_name",
    "owner",
    "owner_name",
    "owner_tooi",
    "status",
    "provenance",
    "source",
    "source_date",
    "verification_state",
    "tags",
    "hosts",
)
WHAT = ("organisations", "domains")
FORMATS = ("csv", "json")


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def organisation_rows() -> Iterator[dict[str, Any]]:
    orgs = Organisation.objects.select_related("successor", "parent").prefetch_related("domains").order_by("slug")
    for org in orgs:
        yield {
            "slug": org.slug,
            "name": org.name,
            "type": org.type,
            "tooi": org.tooi,
            "oin": org.oin or None,
            "organisatiecode": org.organisatiecode or None,
            "kvk": org.kvk or None,
            "valid_from": _iso(org.valid_from),
            "valid_until": _iso(org.valid_until),
            "successor": org.successor.slug if org.successor else None,
            "parent": org.parent.slug if org.parent else None,
            "population": org.population,
            "website": org.website or None,
            "domains": sorted(d.name for d in org.domains.all()),
        }


def domain_rows() -> Iterator[dict[str, Any]]:
    domains = Domain.objects.select_related("owner").prefetch_related("tags", "hosts").order_by("name")
    for domain in domains:
        yield {
            "name": domain.name,
            "display_name": domain.display_name,
            "owner": domain.owner.slug,
            "owner_name": domain.owner.name,
            "owner_tooi": domain.owner.tooi,
            "status": domain.status,
            "provenance": domain.provenance,
            "source": domain.source or None,
            "source_date": _iso(domain.source_date),
            "verification_state": domain.verification_state,
            "tags": sorted(t.name for t in domain.tags.all()),
            "hosts": sorted(h.name for h in domain.hosts.all()),
        }


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = " ".join(value)
    text = str(value)
    # Spreadsheet formula injection: a cell must not start a formula when opened in Excel or LibreOffice.
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def export(what: str, fmt: str, out: IO[str]) -> int:
    """Write the export to ``out``; returns the number of records."""
    if what not in WHAT:
        raise ValueError(f"unknown export {what!r}; choose from {', '.join(WHAT)}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    rows = list(organisation_rows() if what == "organisations" else domain_rows())
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        columns = ORGANISATION_COLUMNS if what == "organisations" else DOMAIN_COLUMNS
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(row[c]) for c in columns])
    return len(rows)
