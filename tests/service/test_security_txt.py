"""`/.well-known/security.txt` is valid RFC 9116 by our own validator, never stale, and configurable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domeinwacht.securitytxt import validate_security_txt

pytestmark = pytest.mark.django_db

URL = "https://testserver/.well-known/security.txt"


def _validate(response):
    return validate_security_txt(
        response.content, content_type=response["Content-Type"], fetched_from=(URL,), now=datetime.now(UTC)
    )


def test_security_txt_is_valid_with_no_error_or_warning(client):
    report = _validate(client.get("/.well-known/security.txt", secure=True))
    assert report.valid, report.errors
    assert report.errors == () and report.warnings == ()


def test_expires_is_the_configured_number_of_days_ahead(client, settings):
    settings.DOMEINWACHT_SECURITY_TXT_DAYS = 30
    report = _validate(client.get("/.well-known/security.txt", secure=True))
    assert timedelta(days=29) < report.expires - datetime.now(UTC) <= timedelta(days=30)


def test_contacts_come_from_the_settings(client, settings):
    settings.DOMEINWACHT_SECURITY_CONTACTS = ["mailto:cert@example.nl", "https://example.nl/meld"]
    report = _validate(client.get("/.well-known/security.txt", secure=True))
    assert list(report.contacts) == ["mailto:cert@example.nl", "https://example.nl/meld"]


def test_canonical_is_the_url_it_was_fetched_from(client):
    body = client.get("/.well-known/security.txt", secure=True).content.decode()
    assert f"Canonical: {URL}" in body.splitlines()


def test_the_legacy_location_redirects_to_the_well_known_one(client):
    response = client.get("/security.txt", secure=True)
    assert response.status_code == 301
    assert response["Location"] == "/.well-known/security.txt"
