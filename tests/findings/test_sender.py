"""Delivering the outbox: real SMTP (aiosmtpd), signed webhooks, retries, dead letters (web/findings/sender.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from domeinwacht.monitor.backoff import Backoff
from domeinwacht.web.findings import outbox
from domeinwacht.web.findings.models import Delivery, OutboxMessage, WebhookEndpoint
from domeinwacht.web.findings.sender import make_sender
from domeinwacht.web.findings.transports import message_id
from findings.receivers import free_port

pytestmark = pytest.mark.django_db


def mail(key="alert:1", recipients=("security@a.example.nl",)) -> OutboxMessage:
    return OutboxMessage.objects.create(
        key=key,
        channel="email",
        kind="alert",
        recipients=list(recipients),
        subject="[Domeinwacht] HIGH: web.hsts op a.example.nl",
        body="tekst\n",
        next_attempt_at=timezone.now(),
    )


def hook(endpoint, key="webhook:1") -> OutboxMessage:
    return OutboxMessage.objects.create(
        key=key,
        channel="webhook",
        kind="webhook",
        endpoint=endpoint,
        subject="findings.changed",
        body='{"counts":{"new":1}}',
        next_attempt_at=timezone.now(),
    )


def test_a_mail_reaches_the_smtp_server_with_its_recipients_subject_and_message_id(smtp_server):
    message = mail()
    counts = make_sender().run_once()
    assert counts["sent"] == 1
    [received] = smtp_server.received
    assert received.recipients == ["security@a.example.nl"]
    assert received.message["Subject"] == message.subject
    assert received.message_id == message_id("alert:1", "domeinwacht@monitor.test")
    assert received.message["Auto-Submitted"] == "auto-generated"
    message.refresh_from_db()
    assert (message.state, message.attempts) == (Delivery.SENT, 1)


def test_a_sent_message_is_not_sent_again(smtp_server):
    mail()
    sender = make_sender()
    sender.run_once()
    assert sender.run_once()["sent"] == 0
    assert len(smtp_server.received) == 1


def test_a_webhook_is_signed_and_the_endpoint_marked_healthy(hook_server):
    endpoint = WebhookEndpoint.objects.create(url=hook_server.url, secret="hook-secret")
    hook(endpoint)
    assert make_sender().run_once()["sent"] == 1
    [call] = hook_server.calls
    assert call["verified"] and call["key"] == "webhook:1"
    endpoint.refresh_from_db()
    assert endpoint.healthy and endpoint.last_success_at is not None


def test_a_failing_webhook_is_retried_after_the_backoff_and_the_endpoint_marked_unhealthy(hook_server, settings):
    settings.MONITOR_BACKOFF_SECONDS = 30
    hook_server.status = 500
    endpoint = WebhookEndpoint.objects.create(url=hook_server.url, secret="hook-secret")
    message = hook(endpoint)
    before = timezone.now()
    assert make_sender().run_once()["pending"] == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (Delivery.PENDING, 1)
    assert "HTTP 500" in message.last_error
    assert message.next_attempt_at >= before + timedelta(seconds=30)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1 and not endpoint.healthy


def test_a_message_is_dead_lettered_after_the_last_attempt(hook_server, settings):
    settings.MONITOR_BACKOFF_SECONDS = 0.001
    settings.MONITOR_MAX_ATTEMPTS = 3
    hook_server.status = 503
    endpoint = WebhookEndpoint.objects.create(url=hook_server.url, secret="hook-secret")
    message = hook(endpoint)
    sender = make_sender()
    for _ in range(5):
        sender.run_once()
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    message.refresh_from_db()
    assert (message.state, message.attempts) == (Delivery.DEAD, 3)
    assert len(hook_server.calls) == 3


def test_an_unreachable_smtp_server_leaves_the_message_pending_with_the_reason(settings):
    settings.MONITOR_SMTP_HOST = "127.0.0.1"
    settings.MONITOR_SMTP_PORT = free_port()  # nothing listens there
    message = mail()
    make_sender().run_once()
    message.refresh_from_db()
    assert message.state == Delivery.PENDING
    assert message.last_error.startswith("SMTP 127.0.0.1:")


def test_a_message_claimed_by_a_dead_sender_is_recovered_after_its_lease(smtp_server):
    message = mail()
    [claimed] = outbox.claim(10, "dead-sender", timezone.now(), timedelta(seconds=60))
    assert claimed.pk == message.pk
    OutboxMessage.objects.filter(pk=message.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    counts = make_sender().run_once()
    assert (counts["recovered"], counts["sent"]) == (1, 1)
    assert len(smtp_server.received) == 1


def test_a_message_still_leased_to_another_sender_is_left_alone(smtp_server):
    mail()
    outbox.claim(10, "other-sender", timezone.now(), timedelta(minutes=5))
    assert make_sender().run_once()["sent"] == 0
    assert smtp_server.received == []


def test_a_sender_that_lost_its_lease_does_not_send(smtp_server):
    message = mail()
    sender = make_sender()
    [claimed] = outbox.claim(10, sender.owner, timezone.now(), timedelta(minutes=5))
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_by="someone-else")
    assert sender.deliver(claimed) == "lost"
    assert smtp_server.received == []


def test_the_backoff_setting_is_used():
    assert Backoff().delay(1) == timedelta(seconds=30)


def test_a_webhook_to_a_non_public_address_is_refused_and_dead_lettered_at_once(settings):
    settings.DOMEINWACHT_ALLOW_NON_PUBLIC = False
    endpoint = WebhookEndpoint.objects.create(url=f"http://127.0.0.1:{free_port()}/hook", secret="s")
    message = hook(endpoint)
    assert make_sender().run_once()["dead"] == 1
    message.refresh_from_db()
    assert "loopback address" in message.last_error
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1
