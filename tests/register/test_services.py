"""Edits under concurrency: nobody's change is lost, ownership verification by DNS TXT token."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from domeinwacht.web.register import services
from domeinwacht.web.register.constants import ContactSource, VerificationState
from domeinwacht.web.register.models import Domain

from .factories import DomainFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_two_edits_from_stale_copies_both_survive():
    DomainFactory(name="proef.nl")
    # Two people opened the domain before either saved.
    first, second = Domain.objects.get(name="proef.nl"), Domain.objects.get(name="proef.nl")
    services.update_domain(first.name, status="parked")
    services.update_domain(second.name, notes="Beheer door de regio")
    domain = Domain.objects.get(name="proef.nl")
    assert (domain.status, domain.notes) == ("parked", "Beheer door de regio")


def test_notes_appended_concurrently_are_all_kept():
    DomainFactory(name="proef.nl", notes="eerste")
    services.append_note("proef.nl", "tweede")
    services.append_note("proef.nl", "derde")
    assert Domain.objects.get(name="proef.nl").notes.splitlines() == ["eerste", "tweede", "derde"]


def test_edit_locks_the_row(django_assert_num_queries, monkeypatch):
    DomainFactory(name="proef.nl")
    seen = []
    original = Domain.objects.select_for_update

    def spy(*args, **kwargs):
        seen.append(True)
        return original(*args, **kwargs)

    monkeypatch.setattr(Domain.objects, "select_for_update", spy)
    services.update_domain("proef.nl", status="retired")
    assert seen


def test_an_unchanged_edit_writes_no_history():
    domain = DomainFactory(name="proef.nl")
    services.update_domain("proef.nl", status="active")
    assert domain.history.count() == 1


def test_an_unknown_field_or_status_is_refused():
    DomainFactory(name="proef.nl")
    with pytest.raises(ValueError, match="not editable"):
        services.update_domain("proef.nl", verification_state="verified")
    with pytest.raises(ValueError, match="unknown status"):
        services.update_domain("proef.nl", status="weg")


def test_edit_by_host_name_finds_the_registered_domain():
    DomainFactory(name="proef.nl")
    assert services.update_domain("www.proef.nl", status="parked").status == "parked"


def test_transfer_is_recorded_in_history():
    domain = DomainFactory(name="proef.nl")
    other = OrganisationFactory()
    services.transfer_domain("proef.nl", other, reason="herindeling")
    latest = domain.history.latest()
    assert latest.owner_id == other.pk
    assert latest.history_change_reason == "herindeling"


def test_verification_with_the_published_token_succeeds():
    DomainFactory(name="proef.nl")
    domain = services.start_verification("proef.nl")
    assert domain.verification_state == VerificationState.PENDING
    record = domain.verification_record
    assert record.startswith("domeinwacht-verification=")
    checked = services.record_verification("proef.nl", ["v=spf1 -all", record])
    assert checked.verification_state == VerificationState.VERIFIED
    assert checked.verified_at is not None


def test_verification_without_the_token_fails():
    DomainFactory(name="proef.nl")
    services.start_verification("proef.nl")
    checked = services.record_verification("proef.nl", ["domeinwacht-verification=wrong"])
    assert checked.verification_state == VerificationState.FAILED


def test_tags_are_added_once():
    DomainFactory(name="proef.nl")
    services.add_tags("proef.nl", ["Portaal", "portaal", "zorg"])
    assert list(Domain.objects.get(name="proef.nl").tags.values_list("name", flat=True)) == ["portaal", "zorg"]


def test_a_security_txt_contact_is_recorded_once():
    domain = DomainFactory(name="proef.nl")
    first, created = services.add_contact(
        domain.owner, "Security@Proef.nl", source=ContactSource.SECURITY_TXT, domain=domain
    )
    again, created_again = services.add_contact(
        domain.owner, "security@proef.nl", source=ContactSource.SECURITY_TXT, domain=domain
    )
    assert (created, created_again) == (True, False)
    assert first == again
    assert first.role == "security"


def test_an_invalid_contact_address_is_refused():
    with pytest.raises(ValidationError):
        services.add_contact(OrganisationFactory(), "geen-adres")
