"""The outbox sender: claim due messages, deliver each, record the outcome and the endpoint's health.

``domeinwacht monitor send`` runs it (``--once`` for one pass). Several senders may run at once: the claim
(``outbox.claim``) gives each message to one of them.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from domeinwacht.monitor.backoff import Backoff
from domeinwacht.net.guard import AddressGuard
from domeinwacht.web.findings import outbox
from domeinwacht.web.findings.models import Channel, OutboxMessage, WebhookEndpoint
from domeinwacht.web.findings.transports import DeliveryError, Hooks, Mailer, SmtpSettings


def smtp_settings() -> SmtpSettings:
    return SmtpSettings(
        host=settings.MONITOR_SMTP_HOST,
        port=settings.MONITOR_SMTP_PORT,
        sender=settings.MONITOR_MAIL_FROM,
        timeout=settings.MONITOR_SEND_TIMEOUT,
        starttls=settings.MONITOR_SMTP_STARTTLS,
        user=settings.MONITOR_SMTP_USER,
        password=settings.MONITOR_SMTP_PASSWORD,
    )


def default_backoff() -> Backoff:
    base = timedelta(seconds=settings.MONITOR_BACKOFF_SECONDS)
    return Backoff(base=base, cap=max(base, timedelta(hours=6)), max_attempts=settings.MONITOR_MAX_ATTEMPTS)


@dataclass
class Sender:
    mailer: Mailer
    hooks: Hooks
    backoff: Backoff
    lease: timedelta = field(default_factory=lambda: timedelta(seconds=settings.MONITOR_LEASE_SECONDS))
    owner: str = field(default_factory=lambda: uuid.uuid4().hex)

    def _health(self, message: OutboxMessage, error: str | None) -> None:
        if message.endpoint_id is None:
            return
        now = timezone.now()
        rows = WebhookEndpoint.objects.filter(pk=message.endpoint_id)
        if error is None:
            rows.update(consecutive_failures=0, last_success_at=now)
        else:
            rows.update(consecutive_failures=F("consecutive_failures") + 1, last_failure_at=now, last_error=error)

    def deliver(self, message: OutboxMessage) -> str:
        """One message: ``sent``, ``pending`` (retry later), ``dead``, or ``lost`` (another sender has it)."""
        if not outbox.renew(message, self.owner, timezone.now(), self.lease):
            return "lost"
        try:
            if message.channel == Channel.EMAIL:
                self.mailer.send(message)
            else:
                self.hooks.send(message)
        except DeliveryError as exc:
            self._health(message, str(exc))
            return outbox.mark_failed(
                message, self.owner, timezone.now(), str(exc), self.backoff, permanent=exc.permanent
            )
        self._health(message, None)
        outbox.mark_sent(message, self.owner, timezone.now())
        return "sent"

    def run_once(self, batch: int = 20) -> Counter[str]:
        """Recover messages of dead senders, then deliver one batch of due messages."""
        counts: Counter[str] = Counter()
        now = timezone.now()
        counts["recovered"] += outbox.recover(now)
        messages = outbox.claim(batch, self.owner, now, self.lease)
        for message in messages:
            counts[self.deliver(message)] += 1
        self.mailer.close()
        return counts

    def run(self, batch: int = 20, idle: float = 5.0, until_empty: bool = False) -> Counter[str]:
        """Keep sending; with ``until_empty``, stop when nothing is due and no other sender holds a message
        (a dead sender's messages are waited for until their lease runs out, then delivered)."""
        total: Counter[str] = Counter()
        while True:
            counts = self.run_once(batch)
            total.update(counts)
            if not sum(v for k, v in counts.items() if k != "recovered"):
                if until_empty and not outbox.outstanding(timezone.now()):
                    return total
                time.sleep(idle)


def make_sender() -> Sender:
    """A sender configured from the Django settings (SMTP, timeouts, backoff, lease, address guard)."""
    return Sender(
        Mailer(smtp_settings(), settings.MONITOR_LANGUAGE),
        Hooks(
            settings.MONITOR_SEND_TIMEOUT,
            guard=AddressGuard(allow_non_public=settings.DOMEINWACHT_ALLOW_NON_PUBLIC),
        ),
        default_backoff(),
    )
