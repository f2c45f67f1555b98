"""Importing the organisation YAML tree: organisations, successors, derived domains, hosts and contacts."""

from __future__ import annotations

import pytest

from domeinwacht.web.register.constants import OrganisationType, Provenance, SuccessorSource
from domeinwacht.web.register.importing.orgs import import_orgs
from domeinwacht.web.register.models import Contact, Domain, Host, Organisation

pytestmark = pytest.mark.django_db


def test_all_342_active_municipalities_are_imported(imported):
    assert Organisation.objects.filter(type=OrganisationType.GEMEENTE, valid_until=None).count() == 342


@pytest.mark.parametrize("kind", [OrganisationType.PROVINCIE, OrganisationType.WATERSCHAP, OrganisationType.MINISTERIE])
def test_provinces_water_boards_and_ministries_are_imported(imported, kind):
    assert Organisation.objects.filter(type=kind, valid_until=None).exists()


def test_all_twelve_provinces_are_imported(imported):
    # Five province files carry an end date in the source data; they are imported as they are.
    assert Organisation.objects.filter(type=OrganisationType.PROVINCIE).count() == 12


def test_every_active_municipality_has_a_domain(imported):
    without = Organisation.objects.filter(type=OrganisationType.GEMEENTE, valid_until=None, domains=None)
    assert list(without.values_list("name", flat=True)) == []


def test_amsterdam_has_its_identifiers(imported):
    amsterdam = Organisation.objects.get(slug="gemeente-amsterdam")
    assert amsterdam.name == "Gemeente Amsterdam"
    assert amsterdam.tooi.endswith("/gm0363")
    assert amsterdam.oin == "00000001002564440000"
    assert amsterdam.organisatiecode == "gm0363"
    assert amsterdam.kvk == "34366966"
    assert amsterdam.population == 941927


def test_website_gives_domain_and_host(imported):
    host = Host.objects.select_related("domain__owner").get(name="www.amsterdam.nl")
    assert host.domain.name == "amsterdam.nl"
    assert host.domain.owner.slug == "gemeente-amsterdam"
    assert host.domain.provenance == Provenance.IMPORTED
    assert host.domain.source == "gemeenten/amsterdam.yaml"


def test_website_without_scheme_gives_a_domain(imported):
    # gemeenten/aalburg.yaml has `website: www.aalburg.nl`
    assert Domain.objects.filter(name="aalburg.nl").exists()


def test_historic_municipality_keeps_end_date_and_stated_successor(imported):
    monster = Organisation.objects.get(slug="gemeente-monster")
    assert monster.valid_until is not None
    assert monster.successor.slug == "gemeente-westland"
    assert monster.successor_source == SuccessorSource.DATA


def test_domain_of_a_merged_municipality_moves_to_its_successor(imported):
    domain = Domain.objects.get(name="aalburg.nl")
    assert domain.owner.slug == "gemeente-altena"
    assert "Taken over from Gemeente Aalburg" in domain.notes


def test_successor_is_derived_from_place_names_when_the_data_has_none(imported):
    aalburg = Organisation.objects.get(slug="gemeente-aalburg")
    assert aalburg.valid_until.isoformat() == "2019-01-01"
    assert aalburg.successor.slug == "gemeente-altena"
    assert aalburg.successor_source == SuccessorSource.DERIVED
    lingewaal = Organisation.objects.get(slug="gemeente-lingewaal")
    assert lingewaal.successor_source == SuccessorSource.DERIVED
    assert lingewaal.successor.slug == "gemeente-west-betuwe"
    assert Domain.objects.get(name="lingewaal.nl").owner.slug == "gemeente-west-betuwe"


def test_stated_successor_that_ended_is_followed_to_the_active_one(imported):
    # Lemsterland -> De Friese Meren (renamed, ended) -> De Fryske Marren (active)
    lemsterland = Organisation.objects.get(slug="gemeente-lemsterland")
    assert lemsterland.successor.slug == "gemeente-de-friese-meren"
    assert Domain.objects.get(name="lemsterland.nl").owner.slug == "gemeente-de-fryske-marren"


def test_shared_domain_goes_to_the_organisation_named_by_it(imported):
    cbs = Domain.objects.get(name="cbs.nl")
    assert cbs.owner.slug == "zbo-cbs"
    assert "Also listed by" in cbs.notes


def test_caribbean_public_bodies_get_their_own_type(imported):
    bonaire = Organisation.objects.get(slug="bes-olb")
    assert bonaire.type == OrganisationType.OPENBAAR_LICHAAM


def test_parent_is_linked(imported):
    assert Organisation.objects.filter(parent__slug="min-fin").exists()


def test_register_e_mail_addresses_become_general_contacts(imported):
    contact = Contact.objects.get(organisation__slug="gemeente-amsterdam", email="woo.ondersteuning@amsterdam.nl")
    assert contact.role == "general"
    assert contact.source == "register"


def test_invalid_e_mail_addresses_are_reported_not_fatal(imported):
    warnings = [r for r in imported["problems"] if r["status"] == "warning"]
    assert {"row": "gemeenten/vught.yaml", "value": "gemeente@vught.n"}.items() <= next(
        r for r in warnings if r["row"] == "gemeenten/vught.yaml"
    ).items()


def test_the_report_counts_what_was_created(imported):
    assert imported["files"] == 897
    assert imported["counts"]["organisations"]["created"] == 897
    assert imported["counts"]["domains"]["created"] > 342


def test_import_writes_history(imported):
    amsterdam = Organisation.objects.get(slug="gemeente-amsterdam")
    record = amsterdam.history.earliest()
    assert record.history_type == "+"
    assert record.history_change_reason.startswith("import-orgs")


def test_reimport_changes_nothing(imported, shared_data):
    counts = (Organisation.history.count(), Domain.history.count(), Host.history.count(), Contact.history.count())
    report = import_orgs(shared_data / "organisaties")
    assert report.changed == 0
    assert report.counts["links"]["updated"] == 0
    assert report.counts["hosts"]["created"] == 0
    assert report.counts["contacts"]["created"] == 0
    assert counts == (
        Organisation.history.count(),
        Domain.history.count(),
        Host.history.count(),
        Contact.history.count(),
    )


def test_reimport_updates_a_changed_field(imported, shared_data, tmp_path):
    source = shared_data / "organisaties" / "gemeenten" / "amsterdam.yaml"
    changed = tmp_path / "amsterdam.yaml"
    changed.write_text(source.read_text().replace("aantal_inwoners: 941927", "aantal_inwoners: 950000"))
    report = import_orgs(changed)
    assert report.counts["organisations"]["updated"] == 1
    assert Organisation.objects.get(slug="gemeente-amsterdam").population == 950000
    assert Organisation.objects.filter(slug="gemeente-amsterdam").count() == 1


def test_claimed_domain_keeps_its_owner_on_reimport(imported, shared_data):
    domain = Domain.objects.get(name="amsterdam.nl")
    other = Organisation.objects.get(slug="gemeente-weesp")
    Domain.objects.filter(pk=domain.pk).update(owner=other, provenance=Provenance.CLAIMED)
    report = import_orgs(shared_data / "organisaties" / "gemeenten" / "amsterdam.yaml")
    assert Domain.objects.get(name="amsterdam.nl").owner == other
    assert any("claimed by another organisation" in r.reason for r in report.rows)


def test_a_page_on_the_government_directory_makes_nobody_owner_of_overheid_nl(imported):
    # zbo/cbg and agentschappen list https://organisaties.overheid.nl/woo/… as their website
    assert not Domain.objects.filter(name="overheid.nl").exists()
    assert Domain.objects.get(name="cbg-meb.nl").owner.slug == "zbo-cbg"


def test_pages_on_the_rijksoverheid_portal_make_no_ministry_its_owner(imported):
    assert not Domain.objects.filter(name="rijksoverheid.nl").exists()
