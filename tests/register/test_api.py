"""Read-only register API: organisations and domains as open data."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from .factories import DomainFactory, HostFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_organisation_detail_by_slug():
    org = OrganisationFactory(slug="gemeente-proef", name="Gemeente Proef")
    DomainFactory(name="proef.nl", owner=org)
    response = APIClient().get("/api/v1/organisations/gemeente-proef")
    assert response.status_code == 200, response.data
    assert response.json()["name"] == "Gemeente Proef"
    assert response.json()["domains"] == ["proef.nl"]


def test_domain_detail_by_name_lists_its_hosts():
    host = HostFactory(domain=DomainFactory(name="proef.nl"))
    response = APIClient().get("/api/v1/domains/proef.nl")
    assert response.status_code == 200, response.data
    assert response.json()["hosts"] == [host.name]
    assert response.json()["owner"] == host.domain.owner.slug


def test_domain_list_is_paginated():
    DomainFactory.create_batch(3)
    response = APIClient().get("/api/v1/domains", {"limit": 2})
    assert response.json()["count"] == 3
    assert len(response.json()["results"]) == 2


def test_the_api_is_read_only():
    DomainFactory(name="proef.nl")
    response = APIClient().delete("/api/v1/domains/proef.nl")
    assert response.status_code in {403, 405}


def test_unknown_domain_is_404():
    assert APIClient().get("/api/v1/domains/nergens.nl").status_code == 404


def test_health_route_is_kept():
    assert APIClient().get("/api/v1/health").json()["status"] == "ok"


def test_openapi_schema_documents_the_lookup():
    response = APIClient().get("/api/v1/schema")
    assert response.status_code == 200
    assert b"/api/v1/lookup" in response.content
