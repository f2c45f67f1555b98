"""The resolver preflight: may a measurement trust the DNS answers of this resolver path?

    result = await preflight(resolver, anchors, zone="nl")
    result.ok         # False: result.problem says in one sentence what the resolver does wrong
    result.steps      # what was verified, in order

A resolver that answers NXDOMAIN for everything (captive portals, filters, broken forwarders), strips DNSSEC
signatures or rewrites NXDOMAIN to an address would make every domain of a measurement look broken — and publish
that as the domains' fault. Before a run the preflight verifies, through the same stub resolver the run uses
(DO+CD, our own validator):

1. the resolver answers (the root NS set);
2. it returns the anchored zone's DNSKEY RRset (normally the root's) with signatures, and that RRset validates
   against the trust anchor;
3. a signed answer validates: the SOA of ``zone`` (a signed TLD: ``nl`` for the real network, ``test`` in the lab);
4. it does not rewrite NXDOMAIN: a random label under ``zone`` must come back NXDOMAIN with an authenticated
   denial (NSEC/NSEC3; an NSEC3 opt-out span, as ``nl`` has, counts), not an address.

Every question is bounded by the resolver's own lifetime; nothing here raises for DNS trouble.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import dns.message
import dns.rcode
import dns.rdatatype

from domeinwacht.net.dns import DnsAnswer, DnsError
from domeinwacht.net.dnssec import TrustAnchors, validate
from domeinwacht.observations.dnssec import DnssecStatus

__all__ = ["PREFLIGHT_LABEL", "PreflightResult", "QuerySource", "preflight"]

PREFLIGHT_LABEL = "dw-preflight-"  # + 12 random hex digits: a name that cannot exist


class QuerySource(Protocol):
    """What the preflight asks through: ``net.dns.Resolver`` (and the validator's ``MessageSource``)."""

    async def query(self, qname: str, rdtype: str, *, dnssec: bool = False) -> DnsAnswer: ...

    async def message(self, qname: str, rdtype: str, *, dnssec: bool = False) -> tuple[dns.message.Message, str]: ...


@dataclass(frozen=True, slots=True)
class PreflightResult:
    """The verdict on a resolver path.

    Attributes:
        ok: every step held.
        problem: when not ok, one sentence: what the resolver does wrong (no resolver name; the caller adds it).
        steps: the steps that held, in order (for ``resolver status`` and the evidence of a run).
    """

    ok: bool
    problem: str = ""
    steps: tuple[str, ...] = ()


def _anchor_zone(anchors: TrustAnchors) -> str:
    zones = [*anchors.ds, *anchors.dnskeys]
    if not zones:
        return "."
    return str(min(zones, key=lambda n: len(n.labels)))


async def preflight(
    resolver: QuerySource,
    anchors: TrustAnchors,
    *,
    zone: str,
    now: datetime | None = None,
    label: str | None = None,
) -> PreflightResult:
    """Verify the resolver path (module docstring); ``label`` fixes the random label (tests)."""
    steps: list[str] = []
    zone = zone.rstrip(".") + "."
    anchor = _anchor_zone(anchors)

    def refuse(problem: str) -> PreflightResult:
        return PreflightResult(False, problem, tuple(steps))

    # 1. It answers at all.
    try:
        root_ns = await resolver.query(".", "NS")
    except DnsError as exc:
        return refuse(f"does not answer: {exc.reason}")
    if root_ns.rcode != "NOERROR" or not root_ns.records:
        return refuse(f"answers {root_ns.rcode} without records for the root NS set (. NS): it cannot resolve")
    steps.append(f"answers (. NS: {len(root_ns.records)} name servers)")

    # 2. The anchored zone's keys, signed, validating against the trust anchor.
    try:
        message, _server = await resolver.message(anchor, "DNSKEY", dnssec=True)
    except DnsError as exc:
        return refuse(f"gives no answer for the DNSKEY of {anchor}: {exc.reason}")
    keys = [r for r in message.answer if r.rdtype == dns.rdatatype.DNSKEY]
    sigs = [r for r in message.answer if r.rdtype == dns.rdatatype.RRSIG and r.covers == dns.rdatatype.DNSKEY]
    if not keys:
        rcode = dns.rcode.to_text(message.rcode())
        return refuse(f"returns no DNSKEY for {anchor} ({rcode}): it filters or does not forward DNSSEC records")
    if not sigs:
        return refuse(f"strips DNSSEC signatures: the DNSKEY RRset of {anchor} comes without RRSIG")
    keyset = await validate(resolver, anchor, "DNSKEY", anchors=anchors, now=now)
    if keyset.status is not DnssecStatus.SECURE:
        return refuse(
            f"returns a DNSKEY RRset for {anchor} that does not validate against the trust anchor: {keyset.reason}"
        )
    steps.append(f"DNSKEY of {anchor} validates against the trust anchor ({anchors.source or 'built in'})")

    # 3. A signed answer validates.
    soa = await validate(resolver, zone, "SOA", anchors=anchors, now=now)
    if soa.status is not DnssecStatus.SECURE:
        return refuse(f"returns a signed answer that does not validate ({zone} SOA is {soa.status}): {soa.reason}")
    steps.append(f"{zone} SOA validates (signed answers pass through)")

    # 4. NXDOMAIN stays NXDOMAIN, with an authenticated denial.
    name = f"{label or PREFLIGHT_LABEL + secrets.token_hex(6)}.{zone}"
    try:
        missing = await resolver.query(name, "A", dnssec=True)
    except DnsError as exc:
        return refuse(f"gives no answer for the name {name}, which does not exist: {exc.reason}")
    if missing.rcode == "NOERROR" and missing.records:
        shown = ", ".join(missing.records[:3])
        return refuse(f"rewrites NXDOMAIN: {name}, which does not exist, answered with an address ({shown})")
    if missing.rcode != "NXDOMAIN":
        return refuse(f"answers {missing.rcode} for {name}, which does not exist (NXDOMAIN expected)")
    denial = await validate(resolver, name, "A", anchors=anchors, now=now)
    # Insecure here is a validated NSEC3 opt-out span (RFC 5155 §6; nl. signs this way): the denial's records are
    # authentic, the zone just does not vouch for unsigned delegations. Only a missing or broken proof refuses.
    if denial.status not in (DnssecStatus.SECURE, DnssecStatus.INSECURE):
        return refuse(f"returns NXDOMAIN for {name} without an authenticated denial ({denial.status}): {denial.reason}")
    steps.append(f"NXDOMAIN for {name} is an authenticated denial (not rewritten)")
    return PreflightResult(True, "", tuple(steps))
