"""Every list of the public API has a maximum page size, and a malformed limit or offset is a 400 with a reason."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from register.factories import DomainFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "99999999999999999999"},
        {"limit": "1000000"},
        {"limit": "1001"},
        {"limit": "0"},
        {"limit": "-1"},
        {"limit": "abc"},
        {"limit": "1e3"},
        {"limit": "٣"},  # a non-ASCII digit
        {"offset": "-5"},
        {"offset": "99999999999999999999"},
        {"offset": "x"},
    ],
)
def test_a_malformed_or_out_of_range_page_parameter_is_a_400_with_the_reason(query):
    response = APIClient().get("/api/v1/domains", query)
    assert response.status_code == 400, response.content
    (name,) = query
    assert name in response.json()
    assert "must be" in response.json()[name][0]


def test_the_maximum_page_size_is_accepted():
    DomainFactory.create_batch(2)
    response = APIClient().get("/api/v1/domains", {"limit": "1000"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


def test_without_a_limit_a_page_has_100_rows():
    DomainFactory.create_batch(101)
    response = APIClient().get("/api/v1/domains")
    assert len(response.json()["results"]) == 100
    assert response.json()["next"]


def test_every_list_of_the_api_is_bounded():
    for url in ("/api/v1/organisations", "/api/v1/measurements", "/api/v1/statistics"):
        assert APIClient().get(url, {"limit": "1000000"}).status_code == 400, url


def test_statistics_come_at_most_20_measurements_a_page():
    response = APIClient().get("/api/v1/statistics", {"limit": "21"})
    assert response.status_code == 400
    assert response.json()["limit"] == ["must be from 1 to 20, got 21"]
    schema = APIClient().get("/api/v1/schema", {"format": "json"}).json()
    limit = next(p for p in schema["paths"]["/api/v1/statistics"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 20
