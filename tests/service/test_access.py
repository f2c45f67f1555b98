"""Who may call what: anonymous API callers are throttled, HTTP Basic is off, repeated admin login failures lock
the login out (django-axes)."""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth import get_user_model
from rest_framework.settings import api_settings

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-password-42"


def test_anonymous_api_callers_are_throttled_per_address(client, settings):
    settings.DOMEINWACHT_API_ANON_RATE = "3/minute"
    codes = [client.get("/api/v1/health", REMOTE_ADDR="198.51.100.7").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_another_address_has_its_own_allowance(client, settings):
    settings.DOMEINWACHT_API_ANON_RATE = "1/minute"
    client.get("/api/v1/health", REMOTE_ADDR="198.51.100.7")
    assert client.get("/api/v1/health", REMOTE_ADDR="198.51.100.8").status_code == 200


def test_a_spoofed_x_forwarded_for_does_not_reset_the_allowance(client, settings):
    settings.DOMEINWACHT_API_ANON_RATE = "1/minute"
    client.get("/api/v1/health", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.1")
    second = client.get("/api/v1/health", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert second.status_code == 429


def test_the_throttle_says_when_to_come_back(client, settings):
    settings.DOMEINWACHT_API_ANON_RATE = "1/hour"
    client.get("/api/v1/health")
    assert int(client.get("/api/v1/health")["Retry-After"]) > 0


def test_http_basic_authentication_is_off(client):
    get_user_model().objects.create_user("alice", password=PASSWORD)
    assert all("Basic" not in cls.__name__ for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES)
    wrong = base64.b64encode(b"alice:wrong").decode()
    # With Basic authentication on, a wrong password would be checked and refused (401); off, it is ignored.
    response = client.get("/api/v1/health", HTTP_AUTHORIZATION=f"Basic {wrong}")
    assert response.status_code == 200
    assert "WWW-Authenticate" not in response


def _login(client, password):
    return client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": password}, REMOTE_ADDR="198.51.100.9"
    )


def test_admin_login_locks_out_after_five_failures(client):
    get_user_model().objects.create_superuser("admin", "admin@example.nl", PASSWORD)
    failures = [_login(client, f"wrong-{i}").status_code for i in range(5)]
    assert failures[:4] == [200, 200, 200, 200]  # the form again, with an error
    assert _login(client, PASSWORD).status_code == 429  # locked out: even the right password is refused


def test_the_session_cookie_of_a_login_is_secure_and_http_only(client):
    get_user_model().objects.create_superuser("admin", "admin@example.nl", PASSWORD)
    response = _login(client, PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True and cookie["httponly"] is True and cookie["samesite"] == "Lax"


def test_admin_login_works_before_the_limit(client):
    get_user_model().objects.create_superuser("admin", "admin@example.nl", PASSWORD)
    for i in range(3):
        _login(client, f"wrong-{i}")
    response = _login(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
