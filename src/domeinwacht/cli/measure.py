"""`domeinwacht measure`: plan and run a measurement over many domains, or resume one that was interrupted.

    domeinwacht measure --org-type gemeente --policy nl-ptolu-2025 --name 2026-H2 --lab
    domeinwacht measure --domains list.txt --policy internetnl --backend celery
    domeinwacht measure --resume 2026-H2

Results are committed in batches while the run goes on; a run killed half-way (even with SIGKILL) is finished by
`--resume`, which measures only the targets without a stored result.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domeinwacht.cli import UserError
from domeinwacht.cli._scan_args import add_scan_arguments, groups, preflight_options, scan_options

PROFILES = ("nl-wdo", "nl-ptolu-2025", "internetnl", "us-bod-18-01")


def configure(sub: Any) -> None:
    parser = sub.add_parser(
        "measure",
        help="measure many domains and store the results (resumable)",
        description="Plan a measurement (the domains of an organisation type in the register, or a list), run it "
        "in this process or on Celery workers, and store observations, verdicts and scores. "
        "Interrupted runs are finished with --resume.",
    )
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--org-type",
        metavar="TYPE",
        help="every domain of the register's organisations of TYPE (gemeente, provincie, waterschap, ministerie, "
        "agentschap, zbo, openbaar-lichaam, other)",
    )
    what.add_argument("--domains", type=Path, metavar="FILE", help="a list of domains, one per line")
    what.add_argument(
        "--resume",
        nargs="?",
        const="",
        metavar="MEASUREMENT",
        help="finish an interrupted measurement (name or id; default: the latest unfinished one)",
    )
    what.add_argument("--list", action="store_true", help="list the stored measurements and stop")
    parser.add_argument("--policy", default="nl-ptolu-2025", help=f"policy profile ({', '.join(PROFILES)})")
    parser.add_argument("--name", help="name of the measurement (default: derived from selection and time)")
    parser.add_argument("--backend", choices=("local", "celery"), help="where to run (default: DOMEINWACHT_BACKEND)")
    parser.add_argument("--queue", default="domeinwacht", help="Celery queue the workers consume")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="local backend: N worker processes (one per core), each measuring 1/N of the domains (default 1)",
    )
    parser.add_argument("--shard", help=argparse.SUPPRESS)  # i/N: one worker of a --workers run
    parser.add_argument("--group", action="append", default=[], help=argparse.SUPPRESS)
    parser.add_argument(
        "--plugin",
        action="append",
        default=[],
        metavar="MODULE",
        help="import an extra observer/check module (site extensions, tests); stored with the measurement",
    )
    add_scan_arguments(parser, timeout=120.0)
    parser.add_argument(
        "--in-flight",
        type=int,
        default=64,
        help="domains measured at once per process (default 64: more only queues behind the per-address limits)",
    )
    parser.add_argument("--batch-size", type=int, default=200, help="results per database commit (default 200)")
    parser.add_argument("--flush-seconds", type=float, default=2.0, help="longest wait before a commit")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--report-dir",
        type=Path,
        metavar="DIR",
        help="when finished, print the summary and write the report as DIR/NAME.txt, .csv and .json",
    )
    parser.add_argument(
        "--stats", type=Path, metavar="FILE", help="write the run's figures (time, rate, probe counters) as JSON"
    )
    parser.set_defaults(handler=run)


def _scan_options(args: argparse.Namespace) -> Any:
    if args.in_flight < 1 or args.batch_size < 1:
        raise UserError("--in-flight and --batch-size must be positive")
    return scan_options(args)


def _plan(args: argparse.Namespace, backend: str) -> Any:
    import importlib

    from domeinwacht.scan.executor import ExecutorSettings
    from domeinwacht.scan.planner import InvalidTarget, read_domains
    from domeinwacht.web.measurements import selection, service

    for module in args.plugin:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise UserError(f"--plugin {module}: cannot import ({exc})") from exc
    options = _scan_options(args)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    settings = ExecutorSettings(
        groups=groups(args),
        max_in_flight=args.in_flight,
        batch_size=args.batch_size,
        flush_seconds=args.flush_seconds,
    )
    with contextlib.ExitStack() as stack:
        if args.org_type:
            _check_org_type(args.org_type)
            targets = selection.from_org_type(args.org_type)
            chosen: dict[str, Any] = {"org_type": args.org_type}
            name = args.name or f"{args.org_type}-{args.policy}-{stamp}"
        else:
            try:
                handle = stack.enter_context(args.domains.open(encoding="utf-8"))
            except OSError as exc:
                raise UserError(f"--domains {args.domains}: {exc.strerror or exc}") from exc
            targets = selection.from_names(read_domains(handle))
            chosen = {"domains_file": str(args.domains)}
            name = args.name or f"{args.domains.stem}-{args.policy}-{stamp}"
        if args.lab:
            chosen["simulated"] = True  # lab targets: every report says so
        options = preflight_options(options, skip=args.skip_preflight)  # the inputs are fine: now the resolver
        try:
            return service.create_measurement(
                name=name,
                profile=args.policy,
                targets=targets,
                options=options,
                settings=settings,
                selection=chosen,
                backend=backend,
                plugins=args.plugin,
            )
        except InvalidTarget as exc:
            raise UserError(f"--domains {args.domains}: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise UserError(f"--domains {args.domains}: not UTF-8 text ({exc.reason})") from exc
        except service.MeasurementError as exc:
            raise UserError(str(exc)) from exc


def _broker_preflight(backend: str) -> None:
    """Celery: connect to the broker once before a measurement is planned, so that an unreachable broker is one
    line (at the CLI boundary) and leaves no measurement behind. Raises kombu's OperationalError."""
    if backend != "celery":
        return
    from kombu.connection import Connection

    from domeinwacht import config

    with Connection(config.load().broker_url, connect_timeout=5) as connection:  # type: ignore[no-untyped-call]
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, interval_max=0.5)


def _check_org_type(org_type: str) -> None:
    from domeinwacht.web.register.constants import OrganisationType

    if org_type not in OrganisationType.values:
        valid = ", ".join(OrganisationType.values)
        raise UserError(f"--org-type {org_type!r} is not an organisation type; valid: {valid}")


def run(args: argparse.Namespace) -> int:
    from domeinwacht import config
    from domeinwacht.web.django_setup import setup

    setup()
    if args.list:
        from domeinwacht.cli.report import print_measurements

        return print_measurements()
    from domeinwacht.scan.backends.local import LocalRunError
    from domeinwacht.web.measurements import service
    from domeinwacht.web.measurements.backends import get_backend
    from domeinwacht.web.measurements.celery_backend import CeleryRunError
    from domeinwacht.web.measurements.store import DjangoStore

    if args.resume is not None:
        try:
            measurement = service.find_measurement(args.resume) if args.resume else service.latest_unfinished()
        except service.MeasurementError as exc:
            raise UserError(str(exc)) from exc
        if measurement.is_finished:
            raise UserError(f"measurement {measurement.name!r} is already finished")
        backend = args.backend or measurement.backend
        try:
            service.load_plugins(measurement)
        except service.MeasurementError as exc:
            raise UserError(str(exc)) from exc
    else:
        backend = args.backend or config.load().backend
        _broker_preflight(backend)
        measurement = _plan(args, backend)
    store = DjangoStore(measurement)
    if args.shard is not None:
        return _run_shard(args, store)
    if args.workers < 1:
        raise UserError("--workers must be at least 1")
    if args.workers > 1 and backend != "local":
        raise UserError("--workers is for the local backend (Celery: start more workers)")
    total, done = store.total(), store.done()
    verb = "resuming" if args.resume is not None else "measuring"
    print(f"{verb} {measurement.name!r}: {total - done} of {total} domains, profile {measurement.profile}, {backend}")
    started = time.monotonic()
    try:
        with _progress(total, done, enabled=not args.no_progress) as advance:
            stats = get_backend(backend).run(store, progress=advance, queue=args.queue, workers=args.workers)
    except (CeleryRunError, LocalRunError) as exc:
        raise UserError(str(exc)) from exc
    seconds = time.monotonic() - started
    rate = stats.done / seconds * 60 if seconds else 0.0
    print(
        f"finished {measurement.name!r}: {stats.done} domains in {seconds:.1f}s ({rate:,.0f}/min), "
        f"{stats.with_failures} with an observer failure"
    )
    print(f"report: domeinwacht report {measurement.name!r} --format text")
    if args.report_dir is not None:
        from domeinwacht.web.measurements import report

        measurement.refresh_from_db()
        try:
            paths = report.publish(measurement, args.report_dir)
        except OSError as exc:
            raise UserError(f"--report-dir {args.report_dir}: {exc.strerror or exc}") from exc
        print()
        print(report.summary(report.build(measurement)), end="")
        print(f"\nwritten: {', '.join(str(p) for p in paths.values())}")
    if args.stats is not None:
        figures = {
            "measurement": measurement.name,
            "backend": backend,
            "domains": stats.done,
            "seconds": round(seconds, 3),
            "domains_per_minute": round(rate, 1),
            "with_failures": stats.with_failures,
            "counters": dict(sorted(stats.counters.items())),
        }
        try:
            args.stats.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise UserError(f"--stats {args.stats}: {exc.strerror or exc}") from exc
    return 0


def _run_shard(args: argparse.Namespace, store: Any) -> int:
    """A worker of ``--workers N``: the pending targets of shard i/N, figures to ``--stats``; no finish."""
    from domeinwacht.scan.backends.local import run_shard

    try:
        index, count = (int(part) for part in args.shard.split("/"))
    except ValueError:
        raise UserError(f"--shard {args.shard}: expected i/N") from None
    if args.resume is None or not 0 <= index < count:
        raise UserError("--shard i/N needs --resume and 0 <= i < N")
    started = time.monotonic()
    stats = run_shard(store, (index, count))
    if args.stats is not None:
        figures = {
            "domains": stats.done,
            "seconds": round(time.monotonic() - started, 3),
            "with_failures": stats.with_failures,
            "counters": dict(sorted(stats.counters.items())),
        }
        args.stats.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


class _progress:
    """A rich progress bar with rate (domains/min) and ETA; a no-op when disabled or not on a terminal."""

    def __init__(self, total: int, done: int, *, enabled: bool) -> None:
        self.total, self.done, self.enabled = total, done, enabled and sys.stderr.isatty()
        self.bar: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return lambda n: None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task: Any) -> Text:
                speed = task.finished_speed or task.speed
                return Text(f"{speed * 60:,.0f}/min" if speed else "…/min")

        self.bar = Progress(
            TextColumn("[bold]measuring"),
            BarColumn(),
            MofNCompleteColumn(),
            Rate(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self.bar.__enter__()
        task = self.bar.add_task("measure", total=self.total, completed=self.done)
        return lambda n: self.bar.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
