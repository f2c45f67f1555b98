"""Register models: identifier validation, names in normal form, history of every change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from domeinwacht.web.register.models import Domain, Host

from .factories import ContactFactory, DomainFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("oin", ["123", "0000000100256444000X", "000000010025644400001"])
def test_oin_must_be_twenty_digits(oin):
    org = OrganisationFactory.build(oin=oin)
    with pytest.raises(ValidationError) as info:
        org.full_clean()
    assert "oin" in info.value.message_dict


def test_a_valid_organisation_passes_validation():
    OrganisationFactory.build(oin="00000001002564440000", kvk="34366966").full_clean()


def test_kvk_must_be_eight_digits():
    with pytest.raises(ValidationError) as info:
        OrganisationFactory.build(kvk="1234").full_clean()
    assert "kvk" in info.value.message_dict


@pytest.mark.parametrize(
    ("name", "reason"),
    [("www.proef.nl", "use 'proef.nl'"), ("Proef.NL", "normal form"), ("nl", "public suffix"), ("a..nl", "empty")],
)
def test_domain_name_must_be_a_registered_domain_in_normal_form(name, reason):
    domain = Domain(name=name, owner=OrganisationFactory())
    with pytest.raises(ValidationError) as info:
        domain.full_clean()
    assert reason in str(info.value.message_dict["name"])


def test_host_name_must_be_in_normal_form():
    host = Host(name="WWW.proef.nl", domain=DomainFactory(name="proef.nl"))
    with pytest.raises(ValidationError):
        host.full_clean()


def test_domain_shows_the_u_label():
    assert DomainFactory(name="xn--bcher-kva.nl").display_name == "bücher.nl"


def test_every_change_is_kept_with_who_and_what(django_user_model):
    user = django_user_model.objects.create(username="beheerder")
    domain = DomainFactory(name="proef.nl")
    domain._history_user = user
    domain.status = "parked"
    domain.save()
    latest = domain.history.latest()
    assert latest.history_user == user
    assert latest.status == "parked"
    assert latest.prev_record.status == "active"
    assert [c.field for c in latest.diff_against(latest.prev_record).changes] == ["status"]


def test_history_is_kept_for_hosts_and_contacts():
    contact = ContactFactory()
    contact.verified = True
    contact.save()
    assert contact.history.count() == 2


def test_ended_organisation_is_not_active():
    assert not OrganisationFactory(valid_until=dt.date(2019, 1, 1)).is_active
    assert OrganisationFactory().is_active
