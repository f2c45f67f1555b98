"""Discovered hosts in the register: provenance ``discovered``, the sources that found them, first and last seen.

Only hosts under a registered domain are stored, owned through that domain (attribution by "same registered
domain", the strongest reason there is). A host that was imported or claimed keeps its provenance; discovery
only refreshes its ``last_seen``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from domeinwacht.web.register.constants import DomainStatus, Provenance
from domeinwacht.web.register.models import Domain, Host, Organisation


class UnknownSelection(ValueError):
    """An organisation slug or type the register does not know."""


def domains_of(*, org: str | None = None, org_type: str | None = None) -> list[str]:
    """The active domains of one organisation (slug) or of every organisation of a type."""
    query = Domain.objects.exclude(status=DomainStatus.RETIRED)
    if org is not None:
        if not Organisation.objects.filter(slug=org).exists():
            raise UnknownSelection(f"no organisation with slug {org!r} in the register")
        query = query.filter(owner__slug=org)
    if org_type is not None:
        types = sorted(set(Organisation.objects.values_list("type", flat=True)))
        if org_type not in types:
            raise UnknownSelection(f"unknown organisation type {org_type!r} (known: {', '.join(types) or 'none'})")
        query = query.filter(owner__type=org_type)
    return list(query.order_by("name").values_list("name", flat=True))


def record(found: Mapping[str, Any], now: datetime) -> tuple[int, int]:
    """Store the hosts of one ``Discovery.to_json()``; returns (new hosts, hosts seen again)."""
    try:
        domain = Domain.objects.get(name=found["domain"])
    except Domain.DoesNotExist:
        return 0, 0
    return _record(domain, found["hosts"], now)


@transaction.atomic
def _record(domain: Domain, hosts: Iterable[Mapping[str, Any]], now: datetime) -> tuple[int, int]:
    new = seen = 0
    for host in hosts:
        source = "discovery: " + ", ".join(host["sources"])
        existing = Host.objects.select_for_update().filter(name=host["name"]).first()
        if existing is None:
            Host.objects.create(
                name=host["name"],
                domain=domain,
                provenance=Provenance.DISCOVERED,
                source=source[:500],
                last_seen=now,
            )
            new += 1
            continue
        existing.last_seen = now
        fields = ["last_seen"]
        if existing.provenance == Provenance.DISCOVERED and existing.source != source[:500]:
            existing.source = source[:500]
            fields.append("source")
        existing.save(update_fields=fields)
        seen += 1
    return new, seen
