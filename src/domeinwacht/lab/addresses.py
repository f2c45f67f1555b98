"""The lab's address plan: fixed infrastructure addresses and per-RPKI-class blocks for targets.

192.0.2.0/24 is split: this machine's own uplink may sit in the low half (it does in the sandbox the project is
developed in), so the lab uses and routes only 192.0.2.128/25 of it. Everything else is whole.
"""

from __future__ import annotations

import ipaddress

# Prefixes the host routes into the lab namespace while the lab is up (and only then).
ROUTED_V4 = ("198.51.100.0/24", "203.0.113.0/24", "192.0.2.128/25")
ROUTED_V6 = ("2001:db8::/32",)

# The veth pair: host side / namespace side (point-to-point; no other route exists in the namespace).
HOST_V4, NS_V4 = "203.0.113.254", "203.0.113.253"
HOST_V6, NS_V6 = "2001:db8:ffff::1", "2001:db8:ffff::2"

# Infrastructure (all in the RPKI-valid block).
INFRA: dict[str, tuple[str | None, str | None]] = {
    "ns1": ("198.51.100.1", "2001:db8:100::1"),  # serves the root, test. and every zone
    "ns2": ("198.51.100.2", "2001:db8:100::2"),
    "ns4": ("198.51.100.4", None),  # IPv4 only (no AAAA)
    "lame": ("198.51.100.5", "2001:db8:100::5"),  # a second knotd with no zones: REFUSED (lame)
    "ns6": ("198.51.100.6", "2001:db8:100::6"),  # AAAA published, nothing listens on it
    "resolver": ("198.51.100.53", "2001:db8:100::53"),  # validating unbound
    # Lying resolvers (lab/liars.py, a scripted responder): below the target block, so no target address moves.
    "liar-nxdomain": ("198.51.100.7", None),  # NXDOMAIN for everything
    "liar-strip": ("198.51.100.8", None),  # forwards to unbound, strips RRSIG/NSEC/NSEC3
    "liar-rewrite": ("198.51.100.9", None),  # forwards to unbound, NXDOMAIN -> an address
    "ct": ("198.51.100.80", "2001:db8:100::80"),  # RFC 6962 log (http, port 80)
    "mta-sts": ("198.51.100.60", "2001:db8:100::60"),  # MTA-STS policy hosts (SNI)
}

_INFRA_V4 = frozenset(v4 for v4, _v6 in INFRA.values() if v4)

# Target blocks per RPKI class: (v4 network, first host, last host), v6 /48.
BLOCKS: dict[str, tuple[str, int, int, str]] = {
    "valid": ("198.51.100.0/24", 10, 249, "2001:db8:100::/48"),
    "invalid": ("203.0.113.0/24", 10, 249, "2001:db8:203::/48"),
    "notfound": ("192.0.2.128/26", 2, 62, "2001:db8:192::/48"),
    "noroute": ("192.0.2.192/26", 2, 62, "2001:db8:c0::/48"),
}


class Allocator:
    """Hands out target addresses per RPKI class, deterministically (scenario order)."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {k: v[1] for k, v in BLOCKS.items()}

    def take(self, rpki: str) -> tuple[str, str]:
        net4, _first, last, net6 = BLOCKS[rpki]
        while True:
            i = self._next[rpki]
            if i > last:
                raise ValueError(f"the lab has no free {rpki} addresses left (max {last})")
            self._next[rpki] = i + 1
            v4 = str(ipaddress.ip_network(net4).network_address + i)
            if v4 not in _INFRA_V4:  # the infrastructure's addresses (.53 resolver, .60 MTA-STS, .80 CT)
                break
        v6 = str(ipaddress.ip_network(net6).network_address + 0x1000 + i)
        return v4, v6


def in_lab(address: str) -> bool:
    """True when ``address`` lies in a prefix the lab routes."""
    ip = ipaddress.ip_address(address)
    nets = ROUTED_V4 if ip.version == 4 else ROUTED_V6
    return any(ip in ipaddress.ip_network(n) for n in nets)


LIARS = {mode: INFRA[f"liar-{mode}"][0] or "" for mode in ("nxdomain", "strip", "rewrite")}
