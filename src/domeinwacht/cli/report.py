"""`domeinwacht report MEASUREMENT`: the published figures of a stored measurement (text, CSV, JSON), and the
half-yearly report with charts (HTML, PDF, XLSX) — every format from the same figures (``report.build``).

domeinwacht report 2026-H2 --format text
domeinwacht report 2026-H2 --format csv -o 2026-H2.csv
domeinwacht report 2026-H2 --format pdf -o 2026-H2.pdf
domeinwacht report 2026-H2 --format json --policy nl-wdo      # re-scored under another profile, no rescan
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from domeinwacht.cli import UserError


def configure(sub: Any) -> None:
    parser = sub.add_parser(
        "report",
        help="the figures of a measurement: share compliant per standard, type, organisation, domain",
        description="Print or write the figures of a stored measurement: per standard the share of domains "
        "compliant, per organisation type, per organisation (with the ones furthest behind) and per domain, and "
        "the change since the previous measurement. html, pdf and xlsx give the half-yearly report with charts "
        "(pdf and xlsx are binary: use -o FILE or a pipe).",
    )
    parser.add_argument("measurement", metavar="MEASUREMENT", nargs="?", help="name or id (see --list)")
    parser.add_argument("--list", action="store_true", help="list the stored measurements and stop")
    parser.add_argument(
        "--format", choices=("text", "csv", "json", "html", "pdf", "xlsx"), default="text", help="output format"
    )
    parser.add_argument(
        "--language", choices=("nl", "en"), default="nl", help="language of the html and pdf report (default nl)"
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument(
        "--policy",
        help="re-evaluate the stored observations under this profile first (a new measurement; no rescan)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from domeinwacht.web.django_setup import setup

    setup()
    from domeinwacht.web.measurements import report, service

    if args.list:
        return print_measurements(args.format)
    if args.measurement is None:
        raise UserError("name the measurement to report (`domeinwacht report --list` shows them)")
    try:
        measurement = service.find_measurement(args.measurement)
        if args.policy and args.policy != measurement.profile:
            name = f"{measurement.name} ({args.policy})"
            existing = measurement.derived.filter(name=name).first()
            measurement = existing or service.reevaluate(measurement, args.policy, name)
    except (service.MeasurementError, KeyError) as exc:
        raise UserError(str(exc.args[0]) if isinstance(exc, KeyError) else str(exc)) from exc
    data = report.build(measurement)
    body: str | bytes
    if args.format == "json":
        body = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    elif args.format == "csv":
        body = report.render_csv(data)
    elif args.format == "html":
        from domeinwacht.web.reports.document import render_document

        body = render_document(data, args.language)
    elif args.format == "pdf":
        from domeinwacht.web.reports.pdf import render_pdf

        body = render_pdf(data, args.language)
    elif args.format == "xlsx":
        from domeinwacht.web.reports.xlsx import render_xlsx

        body = render_xlsx(data)
    else:
        body = report.render_text(data)
    if isinstance(body, str):
        body = body.encode("utf-8")
    if args.output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        return 0
    try:
        args.output.write_bytes(body)
    except OSError as exc:
        raise UserError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    print(f"wrote {args.output} ({args.format}, {data['measurement']['measured']} domains)", file=sys.stderr)
    return 0


def print_measurements(fmt: str = "text") -> int:
    """The stored measurements, newest first: id, name, status, progress, policy, times (Django set up).
    ``fmt`` is text (a table), csv or json."""
    from domeinwacht.web.measurements.models import Measurement

    rows = [
        {
            "id": m.pk,
            "name": m.name,
            "status": m.status,
            "done": m.done_count,
            "targets": m.target_count,
            "policy": m.profile,
            "created": m.created_at.isoformat(),
            "finished": m.finished_at.isoformat() if m.finished_at else None,
        }
        for m in Measurement.objects.order_by("-created_at", "-id").iterator()
    ]
    if fmt == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if fmt == "csv":
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["id"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return 0
    if not rows:
        print("no measurements stored yet (`domeinwacht measure` makes one)")
        return 0
    print(f"{'id':>5}  {'name':<40} {'status':<9} {'done':>13}  {'policy':<14} {'created (UTC)':<17} finished")
    for row in rows:
        done = f"{row['done']}/{row['targets']}"
        finished = str(row["finished"])[:16].replace("T", " ") if row["finished"] else "-"
        created = str(row["created"])[:16].replace("T", " ")
        name, status, policy = row["name"], row["status"], row["policy"]
        print(f"{row['id']:>5}  {name:<40} {status:<9} {done:>13}  {policy:<14} {created}  {finished}")
    return 0
