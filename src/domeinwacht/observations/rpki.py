"""What RPKI route origin validation saw for a set of addresses (areas ``web_rpki`` and ``mail_rpki``).

Pure data, produced by ``domeinwacht.net.bgp.observe_rpki`` from two local data files: a VRP export (the
validated ROA payloads of an RPKI validator such as rpki-client or Routinator) and a prefix-to-origin table
(the routes seen in BGP, e.g. CAIDA pfx2as or a RIPE RIS dump). Nothing here is judged: the checks in
``checks/rpki/`` do that.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RovState(StrEnum):
    """Route Origin Validation state of one route (RFC 6811 section 2).

    RFC 6811 knows Valid, Invalid and NotFound; we keep the reason of an Invalid apart because the remedy
    differs (publish a ROA for the right AS, or raise maxLength / stop announcing the more specific).
    """

    VALID = "valid"
    INVALID_ASN = "invalid_asn"  # covered, but no covering VRP authorises this origin AS
    INVALID_LENGTH = "invalid_length"  # a covering VRP has this AS, but the route is longer than its maxLength
    NOT_FOUND = "not_found"  # no VRP covers the route

    @property
    def is_invalid(self) -> bool:
        return self in (RovState.INVALID_ASN, RovState.INVALID_LENGTH)


@dataclass(frozen=True, slots=True)
class Vrp:
    """One validated ROA payload (RFC 6811 section 2: prefix, maximum length, origin AS).

    Attributes:
        prefix: the ROA prefix in CIDR notation (``192.0.2.0/24``).
        max_length: the longest prefix length the ROA authorises.
        asn: the authorised origin AS (0 = AS0, "this prefix must not be routed", RFC 7607).
        ta: the trust anchor it validated under (``ripe``, ``arin``…), empty when the export does not say.
    """

    prefix: str
    max_length: int
    asn: int
    ta: str = ""


@dataclass(frozen=True, slots=True)
class RouteValidation:
    """One announced route covering a tested address and its ROV outcome.

    Attributes:
        prefix: the announced prefix (``192.0.2.0/24``).
        origin: the origin AS; ``None`` when the route ends in an AS_SET (RFC 6811: origin NONE, never valid).
        as_set: the members of that AS_SET, for the evidence; empty for an ordinary origin.
        state: the RFC 6811 validation state.
        covering: the VRPs that cover the route prefix (those that decided the state); empty for not-found.
    """

    prefix: str
    origin: int | None
    state: RovState
    as_set: tuple[int, ...] = ()
    covering: tuple[Vrp, ...] = ()

    @property
    def origin_text(self) -> str:
        if self.origin is not None:
            return f"AS{self.origin}"
        return "AS_SET{" + ",".join(f"AS{a}" for a in self.as_set) + "}"


@dataclass(frozen=True, slots=True)
class IpRpki:
    """RPKI facts of one tested address.

    Attributes:
        ip: the address as given by the observer.
        host: the name it belongs to (web host, MX, name server), when the observer said so.
        roas: every VRP whose prefix contains the address (empty when the VRP data is missing).
        routes: every announced route whose prefix contains the address, longest prefix first, with its
            validation state (empty when the routing data is missing or no route covers the address).
        error: why this address could not be looked up (e.g. not an IP address); ``None`` when it was.
    """

    ip: str
    host: str | None = None
    roas: tuple[Vrp, ...] = ()
    routes: tuple[RouteValidation, ...] = ()
    error: str | None = None

    @property
    def best_route(self) -> RouteValidation | None:
        """The longest-prefix match (what packets to this address follow); ``None`` without routes."""
        return self.routes[0] if self.routes else None


@dataclass(frozen=True, slots=True)
class RpkiObservation:
    """RPKI facts for the addresses of one scope (a domain's web hosts, or its MX hosts and name servers).

    Attributes:
        addresses: one entry per tested address, in the order the observer gave them.
        vrp_source: the VRP export used (path), ``None`` when none is configured.
        vrp_error: why the VRP data is unusable (not configured, unreadable, malformed); ``None`` when loaded.
        vrp_count: number of VRPs loaded.
        routes_source: the prefix-to-origin table used (path), ``None`` when none is configured.
        routes_error: why the routing data is unusable; ``None`` when loaded.
        route_count: number of (prefix, origin) routes loaded.
    """

    addresses: tuple[IpRpki, ...] = ()
    vrp_source: str | None = None
    vrp_error: str | None = None
    vrp_count: int = 0
    routes_source: str | None = None
    routes_error: str | None = None
    route_count: int = 0
