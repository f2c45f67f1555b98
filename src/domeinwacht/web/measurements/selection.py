"""Targets from the register: by organisation type, or a list of names linked to their owners when known."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps

from domeinwacht.scan.planner import batched
from domeinwacht.web.measurements.service import TargetSpec

CHUNK = 500
RETIRED = "retired"


def _domain_model() -> Any:
    try:
        return apps.get_model("register", "Domain")
    except LookupError:  # the register app without models: no owners to link
        return None


def _spec(domain: Any) -> TargetSpec:
    owner = domain.owner
    return TargetSpec(domain.name, owner.pk, owner.name, owner.type)


def from_org_type(org_type: str) -> Iterator[TargetSpec]:
    """Every domain in the register of organisations of ``org_type`` (retired domains left out), by name."""
    model = _domain_model()
    if model is None:
        return
    rows = (
        model.objects.filter(owner__type=org_type)
        .exclude(status=RETIRED)
        .select_related("owner")
        .order_by("name")
        .iterator(chunk_size=CHUNK)
    )
    for domain in rows:
        yield _spec(domain)


def from_names(names: Iterable[str]) -> Iterator[TargetSpec]:
    """``names`` as targets, each linked to its organisation when the register has the domain."""
    model = _domain_model()
    for chunk in batched(names, CHUNK):
        known = (
            {} if model is None else {d.name: d for d in model.objects.filter(name__in=chunk).select_related("owner")}
        )
        for name in chunk:
            yield _spec(known[name]) if name in known else TargetSpec(name)
