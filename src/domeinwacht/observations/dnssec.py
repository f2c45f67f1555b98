"""DNSSEC validation results: the verdict for one RRset and the chain of zones behind it (RFC 4033 §5).

Produced by ``domeinwacht.net.dnssec.validate``; read by the DNS and mail checks (``checks/dns``, ``checks/mail``)
and stored with the ``dns`` observations. Pure data, so a check imports it without importing the validator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class DnssecStatus(StrEnum):
    """RFC 4033 §5 states of a validation."""

    SECURE = "secure"
    INSECURE = "insecure"  # an authenticated proof that the chain ends (no DS at a signed parent)
    BOGUS = "bogus"  # the chain should hold but does not: the reason says where
    INDETERMINATE = "indeterminate"  # could not find out (SERVFAIL, timeout, no anchor)


_STATUS_RANK = {
    DnssecStatus.BOGUS: 0,
    DnssecStatus.INDETERMINATE: 1,
    DnssecStatus.INSECURE: 2,
    DnssecStatus.SECURE: 3,
}


@dataclass(frozen=True, slots=True)
class DsInfo:
    """One DS record (or DS trust anchor) as seen at the parent."""

    key_tag: int
    algorithm: int
    digest_type: int

    def __str__(self) -> str:
        return f"{self.key_tag}/{self.algorithm}/{self.digest_type}"


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """One DNSKEY of a zone.

    Attributes:
        key_tag / algorithm / flags: as in the record (flags 257 = KSK/SEP, 256 = ZSK).
        key_bits: RSA modulus size in bits; 0 for non-RSA algorithms or an unparseable key.
    """

    key_tag: int
    algorithm: int
    flags: int
    key_bits: int = 0

    @property
    def sep(self) -> bool:
        return bool(self.flags & 0x0001)

    def __str__(self) -> str:
        return f"{self.key_tag}/{self.algorithm}/{'KSK' if self.sep else 'ZSK'}"


@dataclass(frozen=True, slots=True)
class ZoneLink:
    """One zone on the path from the trust anchor to the name.

    Attributes:
        zone: the zone apex (absolute, trailing dot).
        status: secure when its DNSKEY RRset validated; insecure/bogus/indeterminate otherwise.
        ds: the DS records at the parent (or the DS trust anchors) for this zone; empty when none.
        dnskeys: the zone's DNSKEY records (also when not validated, for the explanation).
        reason: why the link has its status.
    """

    zone: str
    status: DnssecStatus
    ds: tuple[DsInfo, ...] = ()
    dnskeys: tuple[KeyInfo, ...] = ()
    reason: str = ""


@dataclass(frozen=True, slots=True)
class DnssecResult:
    """The verdict for one RRset with a precise explanation.

    Attributes:
        qname / rdtype: what was validated.
        status: secure | insecure | bogus | indeterminate.
        reason: one sentence naming the RRset, key tag, validity window or DS that decided the status.
        zone: the deepest zone reached (where the name lives, or where the chain ended or broke).
        chain: the zones walked, from the trust anchor down.
        rcode: the final answer's rcode (``NOERROR``, ``NXDOMAIN``…), empty when no answer was obtained.
        now: the validation time used for signature windows.
    """

    qname: str
    rdtype: str
    status: DnssecStatus
    reason: str
    zone: str = ""
    chain: tuple[ZoneLink, ...] = ()
    rcode: str = ""
    now: datetime | None = None

    @property
    def secure(self) -> bool:
        return self.status is DnssecStatus.SECURE

    @property
    def zone_link(self) -> ZoneLink | None:
        """The link of the deepest zone walked (the name's own zone when the chain reached it)."""
        return self.chain[-1] if self.chain else None

    @property
    def broken_zone(self) -> str:
        """Where the chain stopped being secure: the first zone walked that is not secure, else ``zone``.

        A DS at the root that matches no key of ``test.`` breaks at ``test.``; an expired RRSIG on the answer in
        a zone whose keys validated breaks at that zone. Used to put the blame where it belongs (docs/DNSSEC.md).
        """
        for link in self.chain:
            if link.status is not DnssecStatus.SECURE:
                return link.zone
        return self.zone


def combine(statuses: Iterable[DnssecStatus]) -> DnssecStatus:
    """The weakest of several statuses (bogus < indeterminate < insecure < secure)."""
    found = list(statuses)
    if not found:
        return DnssecStatus.INDETERMINATE
    return min(found, key=lambda s: _STATUS_RANK[s])
