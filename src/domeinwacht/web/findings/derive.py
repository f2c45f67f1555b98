"""Findings from a finished measurement, after the previous derived measurement of the same selection.

Streams the measurement's results in chunks (``CHUNK`` domains: their check verdicts and their stored tracks),
runs ``monitor.lifecycle.step`` for every (domain, check id) that is failing or already tracked, and writes the
tracks and their events in bulk, so memory stays flat in the number of domains. One transaction: a derivation
is stored whole or not at all; deriving the same measurement twice is refused, as is an older one.

What counts as failing is the policy engine's: the check ids in the stored score's ``findings`` (a warning the
profile accepts passes). ``error`` is unknown: it neither opens nor closes a finding.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from domeinwacht.checks.catalogue import WEB_SECURITY_TXT
from domeinwacht.checks.result import Status
from domeinwacht.monitor.keys import dedup_key
from domeinwacht.monitor.lifecycle import Event, Observation, State, Thresholds, Track, step
from domeinwacht.monitor.severity import Severity, classify
from domeinwacht.web.findings.models import Derivation, Finding, FindingEvent
from domeinwacht.web.measurements.models import CheckOutcome, Measurement, Result

CHUNK = 500
SECURITY_TXT = WEB_SECURITY_TXT
_FIELDS = (
    "state",
    "severity",
    "streak",
    "streak_count",
    "first_seen",
    "last_seen",
    "fixed_at",
    "explained_until",
    "summary",
    "evidence",
    "remedy",
    "last_measurement",
    "organisation",
)


class MonitorError(ValueError):
    """A derivation that cannot be made (unfinished, already derived, older than the last one)."""


@dataclass
class Summary:
    measurement: str
    previous: str | None
    domains: int = 0
    events: Counter[str] = field(default_factory=Counter)

    def to_json(self) -> dict[str, Any]:
        return {
            "measurement": self.measurement,
            "previous": self.previous,
            "domains": self.domains,
            "events": {e.value: self.events.get(e.value, 0) for e in Event},
        }


def selection_key(measurement: Measurement) -> str:
    """Measurements with the same selection and profile follow each other's findings."""
    canonical = json.dumps({"profile": measurement.profile, "selection": measurement.selection}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _track(row: Finding) -> Track:
    return Track(
        State(row.state),
        Severity(row.severity),
        Observation(row.streak),
        row.streak_count,
        row.first_seen,
        row.last_seen,
        row.fixed_at,
        row.explained_until,
    )


def _apply(row: Finding, track: Track) -> None:
    row.state = track.state.value
    row.severity = track.severity.value
    row.streak = track.streak.value
    row.streak_count = track.count
    row.first_seen = track.first_seen
    row.last_seen = track.last_seen
    row.fixed_at = track.fixed_at
    row.explained_until = track.explained_until


def _chunks(measurement: Measurement) -> Iterator[list[tuple[int, str, Any, int | None]]]:
    rows = (
        Result.objects.filter(measurement=measurement)
        .order_by("id")
        .values_list("id", "domain", "score", "target__organisation_id")
        .iterator(chunk_size=CHUNK)
    )
    chunk: list[tuple[int, str, Any, int | None]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _failing(score: Any) -> dict[str, str]:
    """check id -> the profile's severity, for the requirements the policy engine says are not met."""
    findings = score.get("findings", []) if isinstance(score, Mapping) else []
    return {f["check_id"]: f["severity"] for f in findings if isinstance(f, Mapping) and "check_id" in f}


class _Chunk:
    """One chunk of results: their verdicts, their tracks, and what changes."""

    def __init__(self, measurement: Measurement, rows: Sequence[tuple[int, str, Any, int | None]]) -> None:
        self.measurement = measurement
        self.rows = rows
        ids = [r[0] for r in rows]
        self.failing = {rid: _failing(score) for rid, _, score, _ in rows}
        self.statuses: dict[int, list[tuple[str, str]]] = {}
        for rid, check_id, status in (
            CheckOutcome.objects.filter(result_id__in=ids).values_list("result_id", "check_id", "status").iterator()
        ):
            self.statuses.setdefault(rid, []).append((check_id, status))
        wanted = {c for f in self.failing.values() for c in f} | {SECURITY_TXT}
        self.details: dict[tuple[int, str], tuple[str, Any, str | None]] = {}
        for rid, check_id, summary, evidence, remedy in CheckOutcome.objects.filter(
            result_id__in=ids, check_id__in=wanted
        ).values_list("result_id", "check_id", "summary", "evidence", "remedy"):
            if check_id in self.failing.get(rid, {}) or check_id == SECURITY_TXT:
                self.details[(rid, check_id)] = (summary, evidence, remedy)
        domains = [r[1] for r in rows]
        self.tracked = {(f.subject, f.check_id): f for f in Finding.objects.filter(subject__in=domains)}

    def contacts(self, rid: int) -> list[str]:
        for check_id, status in self.statuses.get(rid, []):
            if check_id == SECURITY_TXT and status in (Status.PASS, Status.WARNING):
                evidence = self.details.get((rid, SECURITY_TXT), ("", {}, None))[1]
                found = evidence.get("contacts") if isinstance(evidence, Mapping) else None
                return [str(c) for c in found] if isinstance(found, list) else []
        return []

    def derive(self, thresholds: Thresholds, summary: Summary) -> None:
        at = self.measurement.observed_at
        created: list[Finding] = []
        updated: list[Finding] = []
        dropped: list[int] = []
        events: list[tuple[Finding, Event, str, dict[str, Any]]] = []
        for rid, domain, _, org_id in self.rows:
            summary.domains += 1
            failing = self.failing[rid]
            contacts: list[str] | None = None
            for check_id, status in self.statuses.get(rid, []):
                row = self.tracked.get((domain, check_id))
                if check_id in failing:
                    observation = Observation.FAILING
                elif row is None:
                    continue  # passing or unknown, and never tracked: nothing to do (the common case)
                elif status == Status.ERROR:
                    observation = Observation.UNKNOWN
                else:
                    observation = Observation.PASSING
                severity = Severity.LOW
                detail = self.details.get((rid, check_id))
                if observation is Observation.FAILING:
                    evidence = detail[1] if detail and isinstance(detail[1], Mapping) else {}
                    severity = classify(check_id, Status(status), evidence, failing[check_id])
                before = _track(row) if row is not None else None
                if before is not None and at < before.last_seen:
                    continue  # another selection measured this subject later: that one is newer
                track, event = step(before, observation, at, severity=severity, thresholds=thresholds)
                if track is None:
                    if row is not None:
                        dropped.append(row.pk)
                    continue
                if row is None:
                    row = Finding(key=dedup_key(domain, check_id), subject=domain, check_id=check_id)
                    created.append(row)
                else:
                    updated.append(row)
                _apply(row, track)
                row.organisation_id = org_id if org_id is not None else row.organisation_id
                row.last_measurement = self.measurement
                if observation is Observation.FAILING and detail is not None:
                    row.summary, row.evidence, row.remedy = detail[0], detail[1], detail[2]
                if event is not None:
                    if contacts is None:
                        contacts = self.contacts(rid)
                    previous_state = before.state.value if before is not None else ""
                    events.append((row, event, previous_state, {"security_txt_contacts": contacts}))
                    summary.events[event.value] += 1
        Finding.objects.bulk_create(created, batch_size=CHUNK)
        _update(updated)
        if dropped:
            Finding.objects.filter(pk__in=dropped).delete()
        FindingEvent.objects.bulk_create(
            [
                FindingEvent(
                    finding=row,
                    measurement=self.measurement,
                    kind=event.value,
                    from_state=from_state,
                    to_state=row.state,
                    severity=row.severity,
                    at=at,
                    detail=detail,
                )
                for row, event, from_state, detail in events
            ],
            batch_size=CHUNK,
        )


def _update(rows: Sequence[Finding]) -> None:
    """Write the changed tracks with one prepared UPDATE per row in ``executemany``.

    ``QuerySet.bulk_update`` builds one CASE expression per field and row, which took 90 % of a derivation's
    time in bench/monitor; this is the same write, prepared once.
    """
    if not rows:
        return
    meta = Finding._meta
    wanted = (*_FIELDS, "updated_at")
    fields = sorted((f for f in meta.concrete_fields if f.name in wanted), key=lambda f: wanted.index(f.name))
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608
    now = timezone.now()
    params: list[list[Any]] = []
    for row in rows:
        row.updated_at = now
        params.append([f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk])
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def previous_derived(measurement: Measurement) -> Derivation | None:
    return Derivation.objects.filter(selection_key=selection_key(measurement)).order_by("-observed_at").first()


def derive(measurement: Measurement, thresholds: Thresholds | None = None) -> Summary:
    """Derive the findings of ``measurement``; returns what changed. See the module docstring."""
    if not measurement.is_finished:
        raise MonitorError(f"measurement {measurement.name!r} is not finished ({measurement.status})")
    if Derivation.objects.filter(measurement=measurement).exists():
        raise MonitorError(f"the findings of measurement {measurement.name!r} were derived already")
    if thresholds is None:
        from django.conf import settings

        thresholds = Thresholds(settings.MONITOR_OPEN_AFTER, settings.MONITOR_CLOSE_AFTER)
    with transaction.atomic():
        last = previous_derived(measurement)
        if last is not None and last.observed_at >= measurement.observed_at:
            raise MonitorError(
                f"measurement {measurement.name!r} is not newer than {last.measurement.name!r}, the last one "
                "derived for its selection"
            )
        summary = Summary(measurement.name, last.measurement.name if last is not None else None)
        for rows in _chunks(measurement):
            _Chunk(measurement, rows).derive(thresholds, summary)
        Derivation.objects.create(
            measurement=measurement,
            previous=last.measurement if last is not None else None,
            selection_key=selection_key(measurement),
            observed_at=measurement.observed_at,
            counts=summary.to_json()["events"],
        )
    return summary
