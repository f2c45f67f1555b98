"""The findings admin pages open and the dead-letter action requeues (web/findings/admin.py)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from domeinwacht.web.findings.models import Delivery, OutboxMessage, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "admin@example.nl", "pw-1234567890")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ["finding", "webhookendpoint", "outboxmessage"])
def test_the_admin_lists_open(admin, model):
    assert admin.get(f"/admin/findings/{model}/").status_code == 200


def test_an_endpoint_shows_its_health_in_the_list(admin):
    WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hook", secret="s", consecutive_failures=3)
    assert b"http://127.0.0.1:9/hook" in admin.get("/admin/findings/webhookendpoint/").content


def test_retrying_a_dead_letter_makes_it_pending_again(admin):
    dead = OutboxMessage.objects.create(
        key="k", channel="email", kind="alert", state=Delivery.DEAD, attempts=8, next_attempt_at=timezone.now()
    )
    response = admin.post(
        "/admin/findings/outboxmessage/", {"action": "retry", "_selected_action": [dead.pk]}, follow=True
    )
    assert response.status_code == 200
    dead.refresh_from_db()
    assert (dead.state, dead.attempts) == (Delivery.PENDING, 0)
