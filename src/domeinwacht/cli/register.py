"""`domeinwacht register …`: import organisations and domain lists, export the register, look up an owner."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from domeinwacht.cli import UserError


def configure(subparsers: Any) -> None:
    parser = subparsers.add_parser("register", help="the register of organisations, domains and hosts")
    sub = parser.add_subparsers(dest="register_command", metavar="ACTION", required=True)

    orgs = sub.add_parser("import-orgs", help="import organisations (YAML tree) and derive their domains and hosts")
    orgs.add_argument("path", type=Path, help="folder with one YAML file per organisation (or one file)")
    orgs.add_argument("--format", choices=("text", "json"), default="text", help="report format")
    orgs.set_defaults(handler=_import_orgs)

    domains = sub.add_parser("import-domains", help="import a CSV or XLSX list of domains and their owners")
    domains.add_argument(
        "file", type=Path, help="CSV (UTF-8) or XLSX with columns domain, organisation[, tags]; at most 200,000 rows"
    )
    domains.add_argument("--format", choices=("text", "json"), default="text", help="report format")
    domains.add_argument(
        "--all-rows", action="store_true", help="list every row, not only the rejected ones and those with a note"
    )
    domains.add_argument("--no-progress", action="store_true", help="no running count of the rows read")
    domains.set_defaults(handler=_import_domains)

    export = sub.add_parser("export", help="export organisations or domains as open data")
    export.add_argument("--what", choices=("organisations", "domains"), required=True, help="what to export")
    export.add_argument("--format", choices=("csv", "json"), default="csv", help="output format (default csv)")
    export.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    export.set_defaults(handler=_export)

    lookup = sub.add_parser("lookup", help="which organisation owns a host name")
    lookup.add_argument("host", help="a host name or a web address (its host is looked up)")
    lookup.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    lookup.set_defaults(handler=_lookup)


def _setup() -> None:
    from domeinwacht.web.django_setup import setup

    setup()


def _import_orgs(args: argparse.Namespace) -> int:
    _setup()
    from domeinwacht.web.register.importing.orgs import import_orgs
    from domeinwacht.web.register.importing.report import ImportError_

    try:
        report = import_orgs(args.path)
    except ImportError_ as exc:
        raise UserError(str(exc)) from None
    if args.format == "json":
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(f"{report.files} files read from {args.path}")
        for kind, counts in sorted(report.counts.items()):
            print(f"  {kind}: " + ", ".join(f"{n} {action}" for action, n in sorted(counts.items())))
        for row in report.rows:
            print(f"  {row.status} {row.row}: {row.reason}" + (f" ({row.value})" if row.value else ""))
    return 1 if report.rejected else 0


def _import_domains(args: argparse.Namespace) -> int:
    _setup()
    from domeinwacht.web.register.importing.domains import import_domains
    from domeinwacht.web.register.importing.report import ImportError_, RowStatus

    shown: list[int] = []

    def progress(rows: int) -> None:  # large files: a running count on the terminal, every 10,000 rows
        shown.append(rows)
        print(f"\r  {rows:,} rows read", end="", file=sys.stderr, flush=True)

    on_terminal = sys.stderr.isatty() and not args.no_progress
    try:
        report = import_domains(args.file, progress=progress if on_terminal else None)
    except ImportError_ as exc:
        raise UserError(str(exc)) from None
    finally:
        if shown:
            print(file=sys.stderr)
    if args.format == "json":
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        summary = report.summary()
        print(
            f"{summary['rows']} rows: {summary['accepted']} accepted ({summary['created']} created, "
            f"{summary['updated']} updated, {summary['unchanged']} unchanged), {summary['duplicate']} duplicate, "
            f"{summary['rejected']} rejected"
        )
        for row in report.rows:
            if args.all_rows or row.status is not RowStatus.ACCEPTED or row.note:
                detail = "; ".join(part for part in (row.reason or row.action, row.note) if part)
                print(f"  row {row.row}: {row.status}: {row.value!r}: {detail}")
    return 1 if report.rejected else 0


def _export(args: argparse.Namespace) -> int:
    _setup()
    from domeinwacht.web.register.exporting import export

    if args.output:
        try:
            with args.output.open("w", encoding="utf-8", newline="") as out:
                count = export(args.what, args.format, out)
        except OSError as exc:
            raise UserError(f"cannot write {args.output}: {exc.strerror}") from None
        print(f"{count} {args.what} written to {args.output}", file=sys.stderr)
    else:
        export(args.what, args.format, sys.stdout)  # a closed pipe: one line at the CLI boundary
    return 0


def lookup_json(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, indent=2)


def _lookup(args: argparse.Namespace) -> int:
    _setup()
    from domeinwacht.web.register.lookup import lookup_payload

    status, body = lookup_payload(args.host)
    # Exit codes are the same in both formats: 0 found, 1 not a known government domain, 2 not a host name.
    if args.format == "json":
        print(lookup_json(body))
    if status == 400:
        raise UserError(f"{args.host!r}: {body['detail']}")
    if args.format == "json":
        return 0 if status == 200 else 1
    if body.get("note"):
        print(f"note: {body['note']}")
    if status == 404:
        print(body["detail"])
        return 1
    org, domain, ids = body["organisation"], body["domain"], body["organisation"]["identifiers"]
    print(f"{body['host_display']}: {org['name']} ({org['type']})")
    print(f"  domain: {domain['display_name']} ({domain['status']}, {domain['provenance']})")
    for key in ("tooi", "oin", "organisatiecode", "kvk"):
        if ids.get(key):
            print(f"  {key}: {ids[key]}")
    if org["valid_until"]:
        print(f"  ended: {org['valid_until']}")
    return 0
