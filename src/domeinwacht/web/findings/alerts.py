"""The alerts of a derived measurement, queued in the outbox (delivered by ``sender.py``).

For every event of the measurement (streamed, grouped per organisation so memory stays flat):

- an **immediate mail** for a new or regressed finding of high or critical severity;
- one **change report** per organisation and route, whose subject carries the new/fixed/regressed counts;
- one **webhook** per active endpoint of the organisation (and per endpoint without an organisation), with
  the events as JSON.

Recipients follow ``monitor.routing``: the security.txt ``mailto:`` Contact seen for the host in this
measurement, else the organisation's registered security contacts, else its general contacts. An event with
no route is counted as ``unroutable`` and mailed to nobody (webhooks still carry it).

Every message has an idempotency key made of the measurement, the finding or organisation and the route, and
the outbox key is unique: queuing the same measurement again adds nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from domeinwacht.monitor import messages
from domeinwacht.monitor.lifecycle import Event
from domeinwacht.monitor.routing import Route, route
from domeinwacht.monitor.severity import IMMEDIATE, Severity
from domeinwacht.web.findings.models import Channel, FindingEvent, OutboxMessage, WebhookEndpoint
from domeinwacht.web.measurements.models import Measurement
from domeinwacht.web.register.models import Contact, Organisation

BATCH = 500
WEBHOOK_EVENT = "findings.changed"
_OPENING = (Event.NEW.value, Event.REGRESSED.value)


@dataclass
class _Organisation:
    """The events of one organisation (or of targets outside the register: ``pk`` None)."""

    pk: int | None
    name: str
    security: list[str] = field(default_factory=list)
    general: list[str] = field(default_factory=list)
    lines: dict[Route, list[messages.ChangeLine]] = field(default_factory=dict)
    hook_events: list[dict[str, Any]] = field(default_factory=list)


def _organisation(pk: int | None) -> _Organisation:
    if pk is None:
        return _Organisation(None, "(not in register)")
    org = Organisation.objects.filter(pk=pk).first()
    if org is None:
        return _Organisation(None, "(not in register)")
    found = _Organisation(pk, org.name)
    for email, role in Contact.objects.filter(organisation_id=pk).values_list("email", "role"):
        (found.security if role == "security" else found.general).append(email)
    return found


def _events(measurement: Measurement) -> Iterator[tuple[Any, ...]]:
    return (
        FindingEvent.objects.filter(measurement=measurement)
        .order_by("finding__organisation_id", "finding__subject", "finding__check_id", "id")
        .values_list(
            "kind",
            "severity",
            "detail",
            "finding__organisation_id",
            "finding__key",
            "finding__subject",
            "finding__check_id",
            "finding__state",
            "finding__summary",
            "finding__remedy",
            "finding__first_seen",
        )
        .iterator(chunk_size=BATCH)
    )


def _digest(recipients: tuple[str, ...]) -> str:
    return hashlib.sha256(",".join(recipients).encode()).hexdigest()[:16]


class _Queue:
    def __init__(self, measurement: Measurement) -> None:
        self.measurement = measurement
        self.language = settings.MONITOR_LANGUAGE
        self.now = timezone.now()
        self.pending: list[OutboxMessage] = []
        self.counts: Counter[str] = Counter()
        self.endpoints = list(WebhookEndpoint.objects.filter(active=True))

    def add(self, **fields: Any) -> None:
        self.pending.append(
            OutboxMessage(measurement=self.measurement, next_attempt_at=self.now, **fields),
        )
        self.counts[fields["kind"]] += 1
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            OutboxMessage.objects.bulk_create(self.pending, ignore_conflicts=True)
            self.pending = []

    def alert(self, org: _Organisation, chosen: Route, row: tuple[Any, ...]) -> None:
        kind, severity, _, _, key, subject, check_id, _, summary, remedy, first_seen = row
        text = messages.alert(
            language=self.language,
            organisation=org.name,
            measurement=self.measurement.name,
            subject=subject,
            check_id=check_id,
            severity=severity,
            summary=summary,
            remedy=remedy,
            first_seen=first_seen.date().isoformat(),
        )
        self.add(
            key=f"alert:{self.measurement.pk}:{key}:{kind}",
            channel=Channel.EMAIL,
            kind="alert",
            organisation_id=org.pk,
            recipients=list(chosen.recipients),
            route=chosen.source.value,
            subject=text.subject,
            body=text.body,
        )

    def close(self, org: _Organisation) -> None:
        """The change reports and webhooks of one organisation."""
        for chosen, lines in org.lines.items():
            if not chosen.recipients:
                self.counts["unroutable"] += len(lines)
                continue
            text = messages.change_report(
                language=self.language, organisation=org.name, measurement=self.measurement.name, lines=lines
            )
            self.add(
                key=f"report:{self.measurement.pk}:{org.pk or 0}:{_digest(chosen.recipients)}",
                channel=Channel.EMAIL,
                kind="report",
                organisation_id=org.pk,
                recipients=list(chosen.recipients),
                route=chosen.source.value,
                subject=text.subject,
                body=text.body,
            )
        for endpoint in self.endpoints:
            if endpoint.organisation_id not in (None, org.pk):
                continue
            payload = {
                "event": WEBHOOK_EVENT,
                "measurement": self.measurement.name,
                "observed_at": self.measurement.observed_at.isoformat(),
                "organisation": org.name if org.pk is not None else None,
                "counts": dict(Counter(e["event"] for e in org.hook_events)),
                "findings": org.hook_events,
            }
            self.add(
                key=f"webhook:{self.measurement.pk}:{endpoint.pk}:{org.pk or 0}",
                channel=Channel.WEBHOOK,
                kind="webhook",
                organisation_id=org.pk,
                endpoint=endpoint,
                subject=WEBHOOK_EVENT,
                body=json.dumps(payload, sort_keys=True, separators=(",", ":")),
            )


def enqueue(measurement: Measurement) -> dict[str, int]:
    """Queue the alerts of ``measurement``'s events; returns how many of each kind (and unroutable events)."""
    queue = _Queue(measurement)
    org: _Organisation | None = None
    for row in _events(measurement):
        kind, severity, detail, org_id, key, subject, check_id, state, summary, _, _ = row
        if org is None or org.pk != org_id:
            if org is not None:
                queue.close(org)
            org = _organisation(org_id)
        contacts = detail.get("security_txt_contacts", []) if isinstance(detail, dict) else []
        chosen = route(contacts, org.security, org.general)
        org.lines.setdefault(chosen, []).append(messages.ChangeLine(kind, subject, check_id, severity, summary))
        org.hook_events.append(
            {
                "key": key,
                "subject": subject,
                "check_id": check_id,
                "event": kind,
                "state": state,
                "severity": severity,
                "summary": summary,
            }
        )
        if kind in _OPENING and Severity(severity) in IMMEDIATE:
            if chosen.recipients:
                queue.alert(org, chosen, row)
            else:
                queue.counts["unroutable"] += 1
    if org is not None:
        queue.close(org)
    queue.flush()
    return dict(sorted(queue.counts.items()))


__all__ = ["enqueue"]
