"""Evidence helpers shared by the RPKI checks."""

from __future__ import annotations

from typing import Any

from domeinwacht.observations.rpki import IpRpki, RouteValidation, RpkiObservation, Vrp


def vrp_text(vrp: Vrp) -> str:
    """``192.0.2.0/24-24 AS64500`` (prefix, maxLength, origin), the usual VRP notation."""
    return f"{vrp.prefix}-{vrp.max_length} AS{vrp.asn}" + (f" ({vrp.ta})" if vrp.ta else "")


def route_evidence(route: RouteValidation) -> dict[str, Any]:
    return {
        "prefix": route.prefix,
        "origin": route.origin_text,
        "state": route.state.value,
        "covering_vrps": [vrp_text(v) for v in route.covering],
    }


def address_label(address: IpRpki) -> str:
    if not address.ip:  # an address the observer never learned (its lookup failed): the name says where
        return address.host or "an unknown address"
    return f"{address.ip} ({address.host})" if address.host else address.ip


def sources(obs: RpkiObservation) -> dict[str, Any]:
    return {
        "vrp_source": obs.vrp_source,
        "vrp_count": obs.vrp_count,
        "routes_source": obs.routes_source,
        "route_count": obs.route_count,
    }
