"""`domeinwacht report MEASUREMENT`: the published figures of a stored measurement (text, CSV or JSON).

domeinwacht report 2026-H2 --format text
domeinwacht report 2026-H2 --format csv -o 2026-H2.csv
domeinwacht report 2026-H2 --format json --profile nl-wdo     # re-scored under another profile, no rescan
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
        "compliant, per organisation type, per organisation (with the ones furthest behind) and per domain.",
    )
    parser.add_argument("measurement", metavar="MEASUREMENT", help="name or id")
    parser.add_argument("--format", choices=("text", "csv", "json"), default="text")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument(
        "--profile",
        help="re-evaluate the stored observations under this profile first (a new measurement; no rescan)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from domeinwacht.web.django_setup import setup

    setup()
    from domeinwacht.web.measurements import report, service

    try:
        measurement = service.find_measurement(args.measurement)
        if args.profile and args.profile != measurement.profile:
            name = f"{measurement.name} ({args.profile})"
            existing = measurement.derived.filter(name=name).first()
            measurement = existing or service.reevaluate(measurement, args.profile, name)
    except (service.MeasurementError, KeyError) as exc:
        raise UserError(str(exc.args[0]) if isinstance(exc, KeyError) else str(exc)) from exc
    data = report.build(measurement)
    if args.format == "json":
        body = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    elif args.format == "csv":
        body = report.render_csv(data)
    else:
        body = report.render_text(data)
    if args.output is None:
        sys.stdout.write(body)
        return 0
    try:
        args.output.write_text(body, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {args.output}: {exc.strerror or exc}") from exc
    print(f"wrote {args.output} ({args.format}, {data['measurement']['measured']} domains)", file=sys.stderr)
    return 0
