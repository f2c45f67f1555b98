"""The outbox state machine: pending -> sending -> sent, or back to pending with backoff, or dead.

Each message is delivered at most once *by this table*, and at least once to the receiver:

1. ``claim``: in one transaction, lock up to ``limit`` due pending rows with ``SELECT … FOR UPDATE SKIP
   LOCKED`` (PostgreSQL: concurrent senders never take the same row; SQLite: the whole database is locked for
   the transaction, which is as safe) and mark them ``sending``, owned by this sender (``claimed_by``) until
   ``lease_until``. Committed before anything is sent.
2. ``renew`` just before sending one message: only if this sender still owns it (else another sender took it
   over after the lease ran out, and this one skips it).
3. ``mark_sent`` right after the receiver accepted it (SMTP 250 to DATA, HTTP 2xx), again only if owned.
4. A sender that dies leaves its rows ``sending``; ``recover`` returns them to ``pending`` once their lease
   has run out, and the next sender delivers them, with the same idempotency key (the mail's Message-ID, the
   webhook's ``Idempotency-Key``).

The one message that was accepted by the receiver in the instant before the crash, but not yet marked sent,
is delivered again with the same key; receivers drop repeated keys (the tests' SMTP server and webhook receiver
do, as the webhook documentation asks). No message is ever lost, and no key is sent twice by live senders.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F

from domeinwacht.monitor.backoff import Backoff
from domeinwacht.web.findings.models import Delivery, OutboxMessage


def claim(limit: int, owner: str, now: datetime, lease: timedelta) -> list[OutboxMessage]:
    """Up to ``limit`` due pending messages, now ``sending`` and owned by ``owner``."""
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(state=Delivery.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")[:limit]
        )
        OutboxMessage.objects.filter(pk__in=[r.pk for r in rows], state=Delivery.PENDING).update(
            state=Delivery.SENDING, claimed_by=owner, lease_until=now + lease
        )
    for row in rows:
        row.state, row.claimed_by, row.lease_until = Delivery.SENDING, owner, now + lease
    return rows


def renew(message: OutboxMessage, owner: str, now: datetime, lease: timedelta) -> bool:
    """Extend the lease just before sending; ``False``: this sender no longer owns the message."""
    return bool(
        OutboxMessage.objects.filter(pk=message.pk, state=Delivery.SENDING, claimed_by=owner).update(
            lease_until=now + lease
        )
    )


def mark_sent(message: OutboxMessage, owner: str, now: datetime) -> bool:
    return bool(
        OutboxMessage.objects.filter(pk=message.pk, state=Delivery.SENDING, claimed_by=owner).update(
            state=Delivery.SENT, sent_at=now, attempts=F("attempts") + 1, lease_until=None, last_error=""
        )
    )


def mark_failed(
    message: OutboxMessage, owner: str, now: datetime, error: str, backoff: Backoff, *, permanent: bool = False
) -> str:
    """Back to pending after the backoff delay, or dead after the last attempt (or at once when ``permanent``);
    returns the new state."""
    attempts = message.attempts + 1
    delay = None if permanent else backoff.delay(attempts)
    state = Delivery.DEAD if delay is None else Delivery.PENDING
    OutboxMessage.objects.filter(pk=message.pk, state=Delivery.SENDING, claimed_by=owner).update(
        state=state,
        attempts=attempts,
        next_attempt_at=now + (delay or timedelta(0)),
        lease_until=None,
        claimed_by="",
        last_error=error[:2000],
    )
    return str(state)


def recover(now: datetime) -> int:
    """Messages whose sender died (lease run out while ``sending``) become pending again."""
    return OutboxMessage.objects.filter(state=Delivery.SENDING, lease_until__lt=now).update(
        state=Delivery.PENDING, claimed_by="", lease_until=None
    )


def outstanding(now: datetime) -> int:
    """Messages still to deliver now: due pending ones and those a sender holds (or held, before it died)."""
    due = OutboxMessage.objects.filter(state=Delivery.PENDING, next_attempt_at__lte=now).count()
    return due + OutboxMessage.objects.filter(state=Delivery.SENDING).count()
