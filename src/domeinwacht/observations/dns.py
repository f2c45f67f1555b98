"""What the DNS observer saw about one domain: pure data, stored as evidence and re-evaluated later.

The tree::

    DnsObservation(domain)
    ├── dnssec: DnssecResult             chain of trust for the domain's SOA (net.dnssec), with the zones walked
    ├── ns: NameServer(name)…            the NS set of the zone, each with its A/AAAA
    │   └── probes: NsProbe(address)…    a direct SOA query to every address (UDP, TCP fallback; AA flag)
    ├── caa: CaaLookup(host)…            the relevant CAA RRset for the domain and www. (RFC 8659 tree climbing)
    └── cnames: CnameChain(host)…        the alias chains of the domain and www. and where they end

A lookup that failed keeps its reason (``error``) so that the check says ``error`` with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from domeinwacht.observations.dnssec import DnssecResult


@dataclass(frozen=True, slots=True)
class NsProbe:
    """One direct query to one name-server address.

    Attributes:
        address: the IP asked; ``family`` 4 or 6.
        answered: a DNS response came back (over ``transport``: ``udp``, or ``tcp`` after UDP failed/truncated).
        authoritative: the AA flag was set on a NOERROR answer for the zone's SOA (false: lame delegation).
        rcode: the response code (``NOERROR``, ``REFUSED``, ``SERVFAIL``…); empty without a response.
        error: why no response came (timeout, refused connection, garbage, refused by the address guard).
        elapsed: seconds taken.
    """

    address: str
    family: int
    answered: bool = False
    authoritative: bool = False
    rcode: str = ""
    transport: str = ""
    error: str = ""
    elapsed: float = 0.0


@dataclass(frozen=True, slots=True)
class NameServer:
    """One NS of the zone.

    Attributes:
        name: the NS target (no trailing dot).
        ipv4 / ipv6: its A and AAAA addresses.
        error: why its addresses could not be looked up (then ipv4/ipv6 may be incomplete).
        probes: one per address, in the order ipv4 then ipv6.
    """

    name: str
    ipv4: tuple[str, ...] = ()
    ipv6: tuple[str, ...] = ()
    error: str = ""
    probes: tuple[NsProbe, ...] = ()


@dataclass(frozen=True, slots=True)
class CaaLookup:
    """The CAA RRset that applies to one host (RFC 8659 §3: the first non-empty RRset climbing to the TLD).

    Attributes:
        host: the host name asked for (no trailing dot).
        owner: the name where the relevant RRset was found; empty when no CAA exists anywhere up the tree.
        records: that RRset in presentation format (``0 issue "ca.example"``).
        climbed: the names asked, in order.
        error: a lookup on the way failed (SERVFAIL, timeout): the relevant RRset is unknown.
        skipped: names on the way whose CAA lookup failed because they are aliases that do not resolve (a loop,
            a dead target); the climb went on past them.
    """

    host: str
    owner: str = ""
    records: tuple[str, ...] = ()
    climbed: tuple[str, ...] = ()
    error: str = ""
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CnameChain:
    """Where a host's alias chain ends.

    Attributes:
        host: the host (no trailing dot).
        chain: the names followed, starting with ``host``; empty when ``host`` is not an alias.
        rcode: rcode for the final name (``NOERROR``, ``NXDOMAIN``, ``SERVFAIL``, ``CNAME_LOOP``…).
        addresses: the A and AAAA records of the final name.
        error: the lookup failed entirely (timeout, garbage).
    """

    host: str
    chain: tuple[str, ...] = ()
    rcode: str = ""
    addresses: tuple[str, ...] = ()
    error: str = ""


@dataclass(frozen=True, slots=True)
class DiscoveredHost:
    """A host under the domain found by discovery (docs/DISCOVERY.md), and by which sources."""

    name: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DnsObservation:
    """DNS and DNSSEC facts of one domain.

    Attributes:
        domain: the domain (no trailing dot).
        zone: the zone whose NS set was observed (the domain, or the closest enclosing zone with NS records).
        dnssec: validation of the domain's SOA from the trust anchor; ``None`` when it could not run.
        dnssec_error: why validation could not run (unusable trust anchor).
        ns: the zone's name servers; ``ns_error`` says why the NS set is unknown.
        caa: one lookup per web host (the domain and ``www.`` of it).
        cnames: one per web host, then one per discovered host.
        discovery: the discovery sources that ran (empty: discovery was not asked for).
        discovered: the hosts they found (their alias chains are in ``cnames``).
        discovery_errors: per source, why it could not look.
    """

    domain: str
    zone: str = ""
    dnssec: DnssecResult | None = None
    dnssec_error: str = ""
    ns: tuple[NameServer, ...] = ()
    ns_error: str = ""
    caa: tuple[CaaLookup, ...] = ()
    cnames: tuple[CnameChain, ...] = ()
    discovery: tuple[str, ...] = ()
    discovered: tuple[DiscoveredHost, ...] = ()
    discovery_errors: tuple[tuple[str, str], ...] = ()
