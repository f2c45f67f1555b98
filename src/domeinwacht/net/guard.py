"""The address guard: by default the scanner refuses non-public destinations (SSRF protection).

A public "check my domain" page must never become a way into internal networks. Every net/ client asks
``AddressGuard.check(ip)`` before it opens a socket. The lab (and ``--allow-non-public``) lift the guard.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from domeinwacht.observations.refusal import REFUSAL, refused_by_guard

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class NonPublicAddressError(Exception):
    """The destination is loopback, private, link-local, documentation or otherwise not globally routable."""

    def __init__(self, address: str, why: str) -> None:
        super().__init__(f"{REFUSAL} {address}: {why} address (use --allow-non-public to permit this)")
        self.address = address
        self.why = why


def classify(address: str | IPAddress) -> str | None:
    """Why ``address`` is not public, or ``None`` when it is a global unicast address."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return classify(ip.ipv4_mapped)
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_reserved:
        return "reserved"
    for net in _DOCUMENTATION:
        if ip.version == net.version and ip in net:
            return "documentation-range"
    if ip.is_private or not ip.is_global:
        return "private"
    return None


_DOCUMENTATION = [
    ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20")
]


@dataclass(frozen=True, slots=True)
class AddressGuard:
    """Decides whether the scanner may connect to an address."""

    allow_non_public: bool = False

    def check(self, address: str | IPAddress) -> None:
        """Raise ``NonPublicAddressError`` unless connecting to ``address`` is allowed."""
        if self.allow_non_public:
            return
        why = classify(address)
        if why is not None:
            raise NonPublicAddressError(str(address), why)

    def allows(self, address: str | IPAddress) -> bool:
        return self.allow_non_public or classify(address) is None


def is_refusal(reason: str | None) -> bool:
    """``reason`` (a probe's recorded error) says the guard declined the connection: nothing was attempted."""
    return refused_by_guard(reason)
