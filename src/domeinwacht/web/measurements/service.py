"""Plan, run, resume, finish and re-evaluate measurements (the Django side of the scan core).

    m = create_measurement(name="2026-H2", profile="nl-ptolu-2025", targets=specs, options=ScanOptions(...))
    run_local(m, progress=bar.advance)        # or celery_backend.run(DjangoStore(m), ...)
    finish(m)                                 # immutable from here on
    again = reevaluate(m, "nl-wdo")           # new measurement, same observations, no rescan

A run measures the targets without a committed ``Result`` (``pending_targets``), so running a measurement that was
killed half-way measures exactly the rest: that is what ``--resume`` does.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from domeinwacht.checks.result import CheckResult
from domeinwacht.scan.env import ScanOptions
from domeinwacht.scan.executor import ExecutorSettings, ProbeLoop, Progress, RunStats, TargetOutcome, run_targets
from domeinwacht.scan.observe import load_observations
from domeinwacht.scan.planner import Target as PlannedTarget
from domeinwacht.scan.planner import batched
from domeinwacht.scan.single import DomainObservations
from domeinwacht.web.measurements.evaluation import known_profiles, make_evaluator
from domeinwacht.web.measurements.models import (
    CheckOutcome,
    Measurement,
    MeasurementFinished,
    Observation,
    Result,
    Status,
    Target,
)
from domeinwacht.web.measurements.sink import DatabaseSink
from domeinwacht.web.measurements.storage import expand, keys_of

PLAN_BATCH = 1000
PAGE = 500


class MeasurementError(ValueError):
    """A request the stored state cannot satisfy (unknown measurement, unknown profile, nothing to resume)."""


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """A target to plan: the domain and, when the register knows it, its organisation."""

    domain: str
    organisation_id: int | None = None
    organisation_name: str = ""
    organisation_type: str = ""


# --- options as JSON -------------------------------------------------------------------------------------------


def options_to_json(options: ScanOptions) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(options):
        value = getattr(options, f.name)
        out[f.name] = str(value) if isinstance(value, Path) else list(value) if isinstance(value, tuple) else value
    return out


def options_from_json(data: Mapping[str, Any]) -> ScanOptions:
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(ScanOptions):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name.endswith("_file"):
            value = Path(value) if value is not None else None
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[f.name] = value
    return ScanOptions(**kwargs)


def settings_to_json(settings: ExecutorSettings) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(settings):
        value = getattr(settings, f.name)
        out[f.name] = list(value) if isinstance(value, tuple) else value
    return out


def settings_from_json(data: Mapping[str, Any]) -> ExecutorSettings:
    names = {f.name for f in dataclasses.fields(ExecutorSettings)}
    kwargs: dict[str, Any] = {k: (tuple(v) if isinstance(v, list) else v) for k, v in data.items() if k in names}
    return ExecutorSettings(**kwargs)


def scan_options(measurement: Measurement) -> ScanOptions:
    return options_from_json(measurement.options.get("scan", {}))


def executor_settings(measurement: Measurement, **override: Any) -> ExecutorSettings:
    return dataclasses.replace(settings_from_json(measurement.options.get("executor", {})), **override)


def load_plugins(measurement: Measurement) -> None:
    """Import the extra observer/check modules the measurement was planned with (``options["plugins"]``)."""
    for name in measurement.options.get("plugins", []):
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise MeasurementError(
                f"plugin {name!r} of measurement {measurement.name!r} cannot be imported: {exc}"
            ) from exc


# --- planning --------------------------------------------------------------------------------------------------


def _trust_pem(options: ScanOptions) -> str | None:
    if options.ca_file is None:
        return None
    try:
        return Path(options.ca_file).read_text("ascii")
    except (OSError, UnicodeDecodeError):
        return None  # nothing to keep: cert.trust says error while the file is missing (scan.single.check_options)


def create_measurement(
    *,
    name: str,
    profile: str,
    targets: Iterable[TargetSpec],
    options: ScanOptions,
    settings: ExecutorSettings | None = None,
    selection: Mapping[str, Any] | None = None,
    backend: str = "local",
    plugins: Sequence[str] = (),
    trust_pem: str | None = None,
) -> Measurement:
    """Store a new measurement and its targets (streamed in, ``PLAN_BATCH`` rows per insert).

    The trust store the checks judge certificates by (``options.ca_file``) is stored with it as text
    (``options["trust_pem"]``; ``trust_pem`` passes a source measurement's on): re-scoring it later must not
    depend on that file still being there (the lab's CA is gone once the lab is down).
    """
    if profile not in known_profiles():
        raise MeasurementError(f"unknown profile {profile!r}; known: {', '.join(known_profiles())}")
    if Measurement.objects.filter(name=name).exists():
        raise MeasurementError(f"a measurement named {name!r} already exists")
    with transaction.atomic():
        measurement = Measurement.objects.create(
            name=name,
            profile=profile,
            selection=dict(selection or {}),
            options={
                "scan": options_to_json(options),
                "executor": settings_to_json(settings or ExecutorSettings()),
                "plugins": list(plugins),
                **({"trust_pem": pem} if (pem := trust_pem or _trust_pem(options)) else {}),
            },
            backend=backend,
            observed_at=datetime.now(UTC),
        )
        count = 0
        for chunk in batched(targets, PLAN_BATCH):
            Target.objects.bulk_create(
                Target(
                    measurement=measurement,
                    position=count + i,
                    domain=spec.domain,
                    organisation_id=spec.organisation_id,
                    organisation_name=spec.organisation_name,
                    organisation_type=spec.organisation_type,
                )
                for i, spec in enumerate(chunk)
            )
            count += len(chunk)
        if count == 0:
            raise MeasurementError("the selection has no targets")
        Measurement.objects.filter(pk=measurement.pk).update(target_count=count)
    measurement.refresh_from_db()
    return measurement


def find_measurement(reference: str | int) -> Measurement:
    """A measurement by name, or by id when ``reference`` is a number."""
    text = str(reference)
    found = Measurement.objects.filter(Q(name=text) | (Q(pk=int(text)) if text.isdigit() else Q(pk__in=[]))).first()
    if found is None:
        raise MeasurementError(f"no measurement {text!r}")
    return found


def latest_unfinished() -> Measurement:
    found = Measurement.objects.exclude(status=Status.FINISHED).order_by("-created_at", "-id").first()
    if found is None:
        raise MeasurementError("there is no unfinished measurement to resume")
    return found


def pending_targets(
    measurement: Measurement, page: int = PAGE, shard: tuple[int, int] | None = None
) -> Iterator[PlannedTarget]:
    """Targets without a committed result, in plan order, read page by page (never all at once).

    ``shard=(i, n)``: only the targets whose plan position is ``i`` modulo ``n`` (one of ``n`` worker processes).
    """
    last = -1
    while True:
        rows = list(
            Target.objects.filter(measurement=measurement, position__gt=last, result__isnull=True)
            .order_by("position")
            .values_list("pk", "position", "domain")[:page]
        )
        if not rows:
            return
        for pk, position, domain in rows:
            if shard is None or position % shard[1] == shard[0]:
                yield PlannedTarget(pk, domain)
        last = rows[-1][1]


def pending_count(measurement: Measurement) -> int:
    return Target.objects.filter(measurement=measurement, result__isnull=True).count()


def done_count(measurement: Measurement) -> int:
    return Result.objects.filter(measurement=measurement).count()


# --- running ---------------------------------------------------------------------------------------------------


def mark_running(measurement: Measurement) -> None:
    if measurement.is_finished:
        raise MeasurementFinished(f"measurement {measurement.name!r} is already finished")
    Measurement.objects.filter(pk=measurement.pk, started_at__isnull=True).update(started_at=datetime.now(UTC))
    Measurement.objects.filter(pk=measurement.pk).update(status=Status.RUNNING)
    measurement.refresh_from_db()


def run_targets_of(
    measurement: Measurement,
    targets: Iterable[PlannedTarget],
    progress: Progress | None = None,
    probe_loop: ProbeLoop | None = None,
    **override: Any,
) -> RunStats:
    """Measure ``targets`` of ``measurement`` in this process and store them (used by every backend)."""
    load_plugins(measurement)
    options = scan_options(measurement)
    evaluator = make_evaluator(
        measurement.profile, measurement.observed_at, options, measurement.options.get("trust_pem")
    )
    return run_targets(
        targets,
        options,
        evaluator,
        DatabaseSink(measurement),
        settings=executor_settings(measurement, **override),
        progress=progress,
        probe_loop=probe_loop,
    )


def run_local(measurement: Measurement, progress: Progress | None = None, **override: Any) -> RunStats:
    """Measure every pending target in this process, then finish the measurement."""
    mark_running(measurement)
    stats = run_targets_of(measurement, pending_targets(measurement), progress, **override)
    finish(measurement)
    return stats


def finish(measurement: Measurement) -> Measurement:
    """Close the measurement when every target has a result; from then on it cannot change."""
    left = pending_count(measurement)
    if left:
        raise MeasurementError(f"measurement {measurement.name!r} still has {left} targets without a result")
    counts = dict(
        CheckOutcome.objects.filter(measurement=measurement)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by("status")
    )
    Measurement.objects.filter(pk=measurement.pk).exclude(status=Status.FINISHED).update(
        status=Status.FINISHED,
        finished_at=datetime.now(UTC),
        done_count=done_count(measurement),
        counts=counts,
    )
    measurement.refresh_from_db()
    return measurement


# --- stored observations ---------------------------------------------------------------------------------------


def stored_observations(results: Sequence[Result], groups: Iterable[str]) -> list[DomainObservations]:
    """Rebuild the observations of ``results`` from the content-addressed store."""
    keys: set[str] = set()
    for row in results:
        keys |= keys_of(row.observations)
    blobs = dict(Observation.objects.filter(sha256__in=list(keys)).values_list("sha256", "data"))
    wanted = frozenset(groups)
    return [
        DomainObservations(row.domain, wanted, load_observations(expand(row.observations, blobs)), dict(row.failures))
        for row in results
    ]


def reevaluate(source: Measurement, profile: str, name: str | None = None) -> Measurement:
    """A new, finished measurement: ``source``'s stored observations evaluated under ``profile``. No probe is sent.

    The checks run at ``source.observed_at``, so the verdicts are those the observations supported then.
    """
    if not source.is_finished:
        raise MeasurementError(f"measurement {source.name!r} is not finished; re-evaluate a finished one")
    name = name or f"{source.name} ({profile})"
    load_plugins(source)
    groups = source.options.get("executor", {}).get("groups", ["web", "mail"])
    derived = create_measurement(
        name=name,
        profile=profile,
        targets=(
            TargetSpec(t.domain, t.organisation_id, t.organisation_name, t.organisation_type)
            for t in source.targets.order_by("position").iterator(chunk_size=PLAN_BATCH)
        ),
        options=scan_options(source),
        settings=executor_settings(source),
        selection={**source.selection, "reevaluated_from": source.name},
        backend="reevaluate",
        plugins=source.options.get("plugins", []),
        trust_pem=source.options.get("trust_pem"),
    )
    Measurement.objects.filter(pk=derived.pk).update(
        derived_from=source, observed_at=source.observed_at, started_at=datetime.now(UTC)
    )
    derived.refresh_from_db()
    evaluator = make_evaluator(profile, derived.observed_at, scan_options(derived), derived.options.get("trust_pem"))
    sink = DatabaseSink(derived)
    new_targets = dict(Target.objects.filter(measurement=derived).values_list("domain", "pk"))
    rows = Result.objects.filter(measurement=source).order_by("pk")
    last = 0
    while page := list(rows.filter(pk__gt=last)[:PAGE]):
        last = page[-1].pk
        outcomes = []
        for row, observed in zip(page, stored_observations(page, groups), strict=True):
            outcomes.append(
                TargetOutcome(PlannedTarget(new_targets[row.domain], row.domain), observed, evaluator(observed), 0.0)
            )
        sink.write(outcomes)
    return finish(derived)


def results_of(measurement: Measurement, domain: str) -> dict[str, CheckResult]:
    """The stored verdicts of one domain, as core ``CheckResult``s."""
    rows = CheckOutcome.objects.filter(measurement=measurement, result__domain=domain).order_by("check_id")
    return {
        row.check_id: CheckResult.from_json(
            row.check_id,
            {"status": row.status, "summary": row.summary, "evidence": row.evidence, "remedy": row.remedy},
        )
        for row in rows
    }


def status_tally(measurement: Measurement) -> Counter[str]:
    return Counter(
        dict(CheckOutcome.objects.filter(measurement=measurement).values_list("status").annotate(n=Count("id")))
    )
