"""Findings followed across measurements, their audit log, and the outbox that delivers alerts.

- ``Finding``: the stored ``monitor.lifecycle.Track`` of one (subject, check id), keyed by the stable dedup key.
- ``FindingEvent``: every change of a finding (the audit log): new, regressed, fixed, explanation expired.
- ``Derivation``: a measurement whose findings were derived, and the one before it of the same selection.
- ``OutboxMessage``: an alert to deliver (mail or webhook), with an idempotency key and the state machine
  pending -> sending -> sent (or dead after the last retry); see ``outbox.py``.
- ``WebhookEndpoint``: where webhooks go, with the shared secret and its health.
"""

from __future__ import annotations

from django.db import models

from domeinwacht.monitor.lifecycle import Event, Observation, State
from domeinwacht.monitor.severity import Severity


def _choices(enum: type[Event] | type[State] | type[Severity] | type[Observation]) -> list[tuple[str, str]]:
    return [(member.value, member.value.replace("_", " ")) for member in enum]


class Finding(models.Model):
    key = models.CharField(max_length=64, unique=True, help_text="monitor.keys.dedup_key(subject, check_id)")
    subject = models.CharField(max_length=253, db_index=True, help_text="The host or domain measured.")
    check_id = models.CharField(max_length=64)
    organisation = models.ForeignKey(
        "register.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    state = models.CharField(max_length=24, choices=_choices(State), db_index=True)
    severity = models.CharField(max_length=10, choices=_choices(Severity))
    streak = models.CharField(max_length=8, choices=_choices(Observation))
    streak_count = models.PositiveIntegerField(default=0)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    fixed_at = models.DateTimeField(null=True, blank=True)
    explained_until = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(blank=True, default="")
    evidence = models.JSONField(default=dict, blank=True)
    remedy = models.TextField(null=True, blank=True)
    last_measurement = models.ForeignKey(
        "measurements.Measurement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("subject", "check_id")
        indexes = (models.Index(fields=["organisation", "state"]),)

    def __str__(self) -> str:
        return f"{self.subject} {self.check_id} ({self.state})"


class FindingEvent(models.Model):
    """One change of a finding, kept for the audit log and for the alerts of its measurement."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    measurement = models.ForeignKey(
        "measurements.Measurement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=_choices(Event))
    from_state = models.CharField(max_length=24, blank=True, default="")
    to_state = models.CharField(max_length=24)
    severity = models.CharField(max_length=10)
    at = models.DateTimeField()
    detail = models.JSONField(default=dict, blank=True)  # security_txt_contacts of the subject, when observed

    class Meta:
        ordering = ("at", "id")
        indexes = (models.Index(fields=["measurement", "kind"]),)

    def __str__(self) -> str:
        return f"{self.kind} {self.finding_id} at {self.at:%Y-%m-%d}"


class Derivation(models.Model):
    """A measurement whose findings were derived (once), after ``previous`` of the same selection."""

    measurement = models.OneToOneField("measurements.Measurement", on_delete=models.PROTECT, related_name="derivation")
    previous = models.ForeignKey(
        "measurements.Measurement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    selection_key = models.CharField(max_length=64, db_index=True)
    observed_at = models.DateTimeField()
    counts = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"derivation of {self.measurement_id}"


class WebhookEndpoint(models.Model):
    """A receiver of signed webhooks; without an organisation it receives every organisation's changes."""

    organisation = models.ForeignKey(
        "register.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=128, help_text="HMAC-SHA256 key shared with the receiver.")
    active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.url

    @property
    def healthy(self) -> bool:
        return self.consecutive_failures == 0


class Channel(models.TextChoices):
    EMAIL = "email", "e-mail"
    WEBHOOK = "webhook", "webhook"


class Delivery(models.TextChoices):
    PENDING = "pending", "pending"
    SENDING = "sending", "sending"
    SENT = "sent", "sent"
    DEAD = "dead", "dead letter"


class OutboxMessage(models.Model):
    key = models.CharField(max_length=200, unique=True, help_text="Idempotency key: one message per key, ever.")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    kind = models.CharField(max_length=16, help_text="alert, report or webhook")
    state = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.PENDING)
    measurement = models.ForeignKey(
        "measurements.Measurement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "register.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipients = models.JSONField(default=list, blank=True)
    route = models.CharField(max_length=20, blank=True, default="")
    endpoint = models.ForeignKey(WebhookEndpoint, null=True, blank=True, on_delete=models.CASCADE)
    subject = models.CharField(max_length=400, blank=True, default="")
    body = models.TextField(blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=64, blank=True, default="", help_text="The sender holding the lease.")
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)
        indexes = (models.Index(fields=["state", "next_attempt_at"]),)

    def __str__(self) -> str:
        return f"{self.channel} {self.key} ({self.state})"
