"""Found hosts in the register: provenance, first and last seen, and the selection of domains to search."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domeinwacht.web.register.constants import Provenance
from domeinwacht.web.register.discovered import UnknownSelection, domains_of, record
from domeinwacht.web.register.models import Host
from register.factories import DomainFactory, HostFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
T1 = datetime(2026, 11, 1, tzinfo=UTC)
T2 = datetime(2026, 12, 1, tzinfo=UTC)


def _found(domain: str, *names: str) -> dict[str, object]:
    return {"domain": domain, "hosts": [{"name": n, "sources": ["axfr", "ct"], "addresses": []} for n in names]}


def test_a_new_host_is_stored_as_discovered_with_its_sources() -> None:
    DomainFactory(name="proef.nl")
    assert record(_found("proef.nl", "oud.proef.nl"), T1) == (1, 0)
    host = Host.objects.get(name="oud.proef.nl")
    assert host.provenance == Provenance.DISCOVERED
    assert host.source == "discovery: axfr, ct"
    assert host.last_seen == T1
    assert host.domain.name == "proef.nl"


def test_a_host_seen_again_keeps_its_first_seen_and_moves_its_last_seen() -> None:
    DomainFactory(name="proef.nl")
    record(_found("proef.nl", "oud.proef.nl"), T1)
    first = Host.objects.get(name="oud.proef.nl").first_seen
    assert record(_found("proef.nl", "oud.proef.nl"), T2) == (0, 1)
    host = Host.objects.get(name="oud.proef.nl")
    assert (host.first_seen, host.last_seen) == (first, T2)


def test_an_imported_host_keeps_its_provenance() -> None:
    domain = DomainFactory(name="proef.nl")
    HostFactory(name="www.proef.nl", domain=domain, provenance=Provenance.IMPORTED, source="import.csv")
    record(_found("proef.nl", "www.proef.nl"), T2)
    host = Host.objects.get(name="www.proef.nl")
    assert (host.provenance, host.source, host.last_seen) == (Provenance.IMPORTED, "import.csv", T2)


def test_hosts_of_a_domain_outside_the_register_are_not_stored() -> None:
    assert record(_found("onbekend.nl", "x.onbekend.nl"), T1) == (0, 0)
    assert not Host.objects.filter(name="x.onbekend.nl").exists()


def test_an_unknown_organisation_type_lists_the_known_ones() -> None:
    DomainFactory(name="proef.nl", owner=OrganisationFactory(type="gemeente"))
    with pytest.raises(UnknownSelection, match="known: gemeente"):
        domains_of(org_type="planeet")


def test_an_organisation_slug_selects_its_domains() -> None:
    org = OrganisationFactory(slug="gemeente-proef")
    DomainFactory(name="b-proef.nl", owner=org)
    DomainFactory(name="a-proef.nl", owner=org)
    DomainFactory(name="elders.nl")
    assert domains_of(org="gemeente-proef") == ["a-proef.nl", "b-proef.nl"]
    with pytest.raises(UnknownSelection, match="no organisation"):
        domains_of(org="bestaat-niet")
