"""Targets from the register: by organisation type, or a list linked to the owners the register knows."""

from __future__ import annotations

import pytest

from domeinwacht.web.measurements import selection
from domeinwacht.web.register.models import Domain, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def register():
    utrecht = Organisation.objects.create(slug="gemeente-utrecht", name="Gemeente Utrecht", type="gemeente")
    brabant = Organisation.objects.create(slug="provincie-brabant", name="Provincie Noord-Brabant", type="provincie")
    Domain.objects.create(name="utrecht.nl", owner=utrecht)
    Domain.objects.create(name="oud-utrecht.nl", owner=utrecht, status="retired")
    Domain.objects.create(name="brabant.nl", owner=brabant)
    return utrecht, brabant


def test_an_org_type_selects_the_active_domains_of_its_organisations(register):
    assert [t.domain for t in selection.from_org_type("gemeente")] == ["utrecht.nl"]


def test_selected_targets_carry_their_organisation(register):
    utrecht, _ = register
    (target,) = selection.from_org_type("gemeente")
    assert (target.organisation_id, target.organisation_name, target.organisation_type) == (
        utrecht.pk,
        "Gemeente Utrecht",
        "gemeente",
    )


def test_listed_domains_are_linked_to_their_register_owner(register):
    targets = list(selection.from_names(["brabant.nl", "unknown.nl"]))
    assert [(t.domain, t.organisation_name) for t in targets] == [
        ("brabant.nl", "Provincie Noord-Brabant"),
        ("unknown.nl", ""),
    ]
