"""Admin: lists with search and filters, and a history page that can be read but not reverted."""

from __future__ import annotations

import pytest

from domeinwacht.web.register.models import Domain

from .factories import ContactFactory, DomainFactory, HostFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["organisation", "domain", "host", "contact"])
def test_changelist_opens(admin_client, model):
    HostFactory()
    ContactFactory()
    assert admin_client.get(f"/admin/register/{model}/").status_code == 200


def test_domain_search_finds_by_owner_name(admin_client):
    DomainFactory(name="proef.nl", owner=OrganisationFactory(name="Gemeente Proefstad"))
    DomainFactory(name="anders.nl")
    response = admin_client.get("/admin/register/domain/", {"q": "Proefstad"})
    assert b"proef.nl" in response.content
    assert b"anders.nl" not in response.content


def test_domain_filter_by_status(admin_client):
    DomainFactory(name="proef.nl", status="parked")
    DomainFactory(name="anders.nl")
    response = admin_client.get("/admin/register/domain/", {"status__exact": "parked"})
    assert b"proef.nl" in response.content
    assert b"anders.nl" not in response.content


def test_history_page_is_readable(admin_client):
    domain = DomainFactory(name="proef.nl")
    domain.status = "retired"
    domain.save()
    response = admin_client.get(f"/admin/register/domain/{domain.pk}/history/")
    assert response.status_code == 200
    assert b"retired" in response.content or b"Retired" in response.content


def test_history_cannot_be_reverted(admin_client):
    domain = DomainFactory(name="proef.nl")
    record = domain.history.latest()
    domain.status = "retired"
    domain.save()
    url = f"/admin/register/domain/{domain.pk}/history/{record.history_id}/"
    response = admin_client.post(url, {"name": "proef.nl", "status": "active"})
    assert response.status_code == 403
    assert Domain.objects.get(pk=domain.pk).status == "retired"


def test_a_past_version_can_be_viewed(admin_client):
    domain = DomainFactory(name="proef.nl")
    record = domain.history.latest()
    response = admin_client.get(f"/admin/register/domain/{domain.pk}/history/{record.history_id}/")
    assert response.status_code == 200
    assert b"proef.nl" in response.content
