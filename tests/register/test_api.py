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


def _names(response):
    assert response.status_code == 200, response.content
    return [d["name"] for d in response.json()["results"]]


def test_domains_filter_by_owner_slug():
    org = OrganisationFactory(slug="gemeente-proef")
    DomainFactory(name="proef.nl", owner=org)
    DomainFactory(name="anders.nl")
    assert _names(APIClient().get("/api/v1/domains", {"owner": "gemeente-proef"})) == ["proef.nl"]


def test_domains_filter_by_owner_type():
    DomainFactory(name="proef.nl", owner=OrganisationFactory(type="provincie"))
    DomainFactory(name="anders.nl")
    assert _names(APIClient().get("/api/v1/domains", {"type": "provincie"})) == ["proef.nl"]


def test_domains_filter_by_status():
    DomainFactory(name="proef.nl", status="retired")
    DomainFactory(name="anders.nl")
    assert _names(APIClient().get("/api/v1/domains", {"status": "retired"})) == ["proef.nl"]


def test_domains_filter_by_tag():
    from domeinwacht.web.register.models import Tag

    tagged = DomainFactory(name="proef.nl")
    tagged.tags.add(Tag.objects.create(name="zorg"))
    DomainFactory(name="anders.nl")
    assert _names(APIClient().get("/api/v1/domains", {"tag": "zorg"})) == ["proef.nl"]


def test_domains_search_matches_name_and_owner_name():
    DomainFactory(name="proef.nl")
    DomainFactory(name="anders.nl", owner=OrganisationFactory(name="Gemeente Proefstad"))
    DomainFactory(name="overig.nl")
    assert _names(APIClient().get("/api/v1/domains", {"search": "PROEF"})) == ["anders.nl", "proef.nl"]


def test_an_unknown_filter_choice_is_a_400_with_the_reason():
    response = APIClient().get("/api/v1/domains", {"status": "bogus"})
    assert response.status_code == 400
    assert "status" in response.json()


def test_organisations_filter_by_type():
    OrganisationFactory(slug="provincie-proef", type="provincie")
    OrganisationFactory()
    response = APIClient().get("/api/v1/organisations", {"type": "provincie"})
    assert [o["slug"] for o in response.json()["results"]] == ["provincie-proef"]


@pytest.mark.parametrize("typed", ["PROEF.NL", "proef.nl.", "Proef.Nl."])
def test_domain_detail_normalises_case_and_trailing_dot_as_lookup_does(typed):
    DomainFactory(name="proef.nl")
    response = APIClient().get(f"/api/v1/domains/{typed}")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "proef.nl"


def test_domain_detail_finds_an_idn_by_its_unicode_name():
    DomainFactory(name="xn--bcher-kva.nl")
    response = APIClient().get("/api/v1/domains/Bücher.nl")
    assert response.status_code == 200, response.content
    assert response.json()["display_name"] == "bücher.nl"


def test_domain_detail_of_no_host_name_is_a_400_with_the_reason():
    response = APIClient().get("/api/v1/domains/not a name")
    assert response.status_code == 400
    assert response.json()["name"]
