"""Malformed input anywhere in the public read paths is a 400 or 404 with a reason, never a 500 (PostgreSQL, for
one, refuses NUL characters in text)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organisations/a%00b",
        "/api/v1/organisations/a%00b/results",
        "/api/v1/domains/a%00b.nl",
        "/api/v1/domains/a%00b.nl/results",
        "/api/v1/measurements/a%00b",
        "/api/v1/measurements/a%00b/statistics",
        "/api/v1/measurements/a%00b/results",
        "/api/v1/measurements/a%00b/results/x.nl",
        "/api/v1/domains?search=a%00b",
        "/api/v1/domains?owner=a%00b",
        "/api/v1/lookup?host=a%00b.nl",
        "/rapport/a%00b/",
        "/rapport/a%00b/pdf",
        "/data/measurements/a%00b/results.csv",
    ],
)
def test_a_nul_character_is_a_client_error(url):
    response = Client().get(url)
    assert 400 <= response.status_code < 500, (url, response.status_code)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"search": "x" * 101}, "search"),
        ({"owner": "x" * 121}, "owner"),
        ({"type": "planet"}, "type"),
        ({"status": "gone"}, "status"),
    ],
)
def test_an_overlong_or_unknown_filter_value_is_a_400_naming_the_filter(query, field):
    response = Client().get("/api/v1/domains", query)
    assert response.status_code == 400
    assert field in response.json()
