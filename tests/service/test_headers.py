"""Our own pages send the headers our own web checks ask for (CHECKS.md "Web"), judged by those checks' parsers."""

from __future__ import annotations

import pytest

from domeinwacht.checks.web.csp import parse_header, policy_defects
from domeinwacht.checks.web.headers import frame_options, parse_referrer_policy

pytestmark = pytest.mark.django_db

PAGES = ("/health", "/api/v1/health", "/admin/login/", "/.well-known/security.txt")


@pytest.fixture
def response(client):
    return client.get("/health", secure=True)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_csp_without_a_defect(client, path):
    response = client.get(path, secure=True)
    (policy,) = parse_header([response["Content-Security-Policy"]])
    assert policy_defects(policy) == set()


def test_the_csp_has_no_unsafe_inline(response):
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_https_responses_carry_hsts_of_a_year_with_subdomains(response):
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_plain_http_responses_carry_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/health")


def test_x_content_type_options_is_nosniff(response):
    assert response["X-Content-Type-Options"] == "nosniff"


def test_referrer_policy_is_one_the_check_passes(response):
    assert parse_referrer_policy([response["Referrer-Policy"]]).policy in ("no-referrer", "same-origin")


def test_framing_is_denied(response):
    assert frame_options([response["X-Frame-Options"]]) == "deny"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_permissions_policy_switches_powerful_features_off(response):
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy


def test_a_view_may_set_its_own_csp(rf, settings):
    from django.http import HttpResponse

    from domeinwacht.web.service.headers import SecurityHeadersMiddleware

    def view(request):
        response = HttpResponse("docs")
        response["Content-Security-Policy"] = "default-src 'self'; script-src 'self' 'sha256-abc'"
        return response

    response = SecurityHeadersMiddleware(view)(rf.get("/docs"))
    assert response["Content-Security-Policy"] == "default-src 'self'; script-src 'self' 'sha256-abc'"


def test_session_and_csrf_cookies_are_secure_and_http_only(settings):
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY


def test_a_host_not_allowed_is_refused(client, settings):
    settings.ALLOWED_HOSTS = ["domeinwacht.test"]
    assert client.get("/health", HTTP_HOST="evil.example").status_code == 400
    assert client.get("/health", HTTP_HOST="domeinwacht.test").status_code == 200
