"""Signed test zones built in memory, and a fake resolver serving them like a validating resolver with CD set.

    root = Zone(".", signed=True); test = Zone("test."); example = Zone("example.test.")
    example.add("example.test.", "A", "192.0.2.1")
    root.delegate(test); test.delegate(example)
    net = FakeNet(root, test, example)              # signs everything (NSEC by default)
    anchors = net.anchors()                         # DS of the root KSK as a TrustAnchors

The fake answers ``message(qname, rdtype, dnssec=True)`` the way Unbound does with DO+CD: answer RRsets with
their RRSIGs, CNAMEs chased across zones, and NSEC/NSEC3 proofs in the authority section for NODATA and
NXDOMAIN. Tests then break one thing (expire a signature, drop a DS, swap a key) and read the explanation.
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import dns.dnssec
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdataset
import dns.rdatatype
import dns.rrset
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from dns.rdtypes.ANY.DNSKEY import DNSKEY

from domeinwacht.lru import SharedWork
from domeinwacht.net.dns import MAX_CACHED_VALIDATIONS, DnsTimeoutError
from domeinwacht.net.dnssec import TrustAnchors, parse_trust_anchors

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
INCEPTION = NOW - timedelta(days=14)
EXPIRATION = NOW + timedelta(days=14)

Name = dns.name.Name


def name(text: str) -> Name:
    return dns.name.from_text(text)


@dataclass
class Key:
    private: Any
    dnskey: DNSKEY

    @property
    def tag(self) -> int:
        return dns.dnssec.key_id(self.dnskey)


_KEY_CACHE: dict[tuple[int, int, int, int], Key] = {}


def make_key(algorithm: int = 13, *, ksk: bool = True, bits: int = 2048, index: int = 0) -> Key:
    """A DNSSEC key (ECDSA P-256 by default; RSA for 5/7/8/10). Cached: key generation is slow for RSA."""
    cache_key = (algorithm, int(ksk), bits, index)
    if cache_key in _KEY_CACHE:
        return _KEY_CACHE[cache_key]
    private: Any
    if algorithm in (5, 7, 8, 10):
        private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    elif algorithm == 13:
        private = ec.generate_private_key(ec.SECP256R1())
    elif algorithm == 14:
        private = ec.generate_private_key(ec.SECP384R1())
    else:
        raise ValueError(f"algorithm {algorithm} not supported by the test builder")
    flags = 257 if ksk else 256
    key = Key(private, dns.dnssec.make_dnskey(private.public_key(), algorithm, flags=flags))
    _KEY_CACHE[cache_key] = key
    return key


@dataclass
class Zone:
    """One zone: records plus how it is signed.

    Attributes:
        origin: apex name.
        signed: whether RRSIGs, DNSKEYs and NSEC/NSEC3 are produced.
        denial: "nsec" or "nsec3".
        keys: signing keys; a KSK (flags 257) signs the DNSKEY RRset, ZSKs the rest (a lone key signs all).
        nsec3_salt / nsec3_iterations / nsec3_optout: NSEC3 parameters.
        sig_window: per (owner, type) override of (inception, expiration).
        publish_dnskey: when False the DNSKEY RRset is left out (signed but keys missing).
    """

    origin_text: str
    signed: bool = True
    denial: str = "nsec"
    keys: list[Key] = field(default_factory=list)
    nsec3_salt: bytes = b"\xab\xcd"
    nsec3_iterations: int = 0
    nsec3_optout: bool = False
    sig_window: dict[tuple[Name, int], tuple[datetime, datetime]] = field(default_factory=dict)
    publish_dnskey: bool = True
    records: dict[tuple[Name, int], dns.rrset.RRset] = field(default_factory=dict)
    sigs: dict[tuple[Name, int], dns.rrset.RRset] = field(default_factory=dict)
    nsec: dict[Name, dns.rrset.RRset] = field(default_factory=dict)
    nsec3: dict[str, dns.rrset.RRset] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.origin = name(self.origin_text)
        if self.signed and not self.keys:
            self.keys = [make_key(13, ksk=True), make_key(13, ksk=False)]
        apex = "" if self.origin_text == "." else self.origin_text
        self.add(
            self.origin_text,
            "SOA",
            f"ns1.{apex or '.'} hostmaster.{apex or '.'} 1 7200 3600 1209600 300".replace("..", "."),
        )
        self.add(self.origin_text, "NS", f"ns1.{apex}" if apex else "ns1.")

    @property
    def ksk(self) -> Key:
        return next((k for k in self.keys if k.dnskey.flags & 1), self.keys[0])

    def add(self, owner: str, rdtype: str, *rdatas: str, ttl: int = 300) -> None:
        key = (name(owner), dns.rdatatype.from_text(rdtype))
        existing = self.records.get(key)
        texts = [r.to_text() for r in existing] if existing else []
        self.records[key] = dns.rrset.from_text_list(key[0], ttl, "IN", rdtype, [*texts, *rdatas])

    def remove(self, owner: str, rdtype: str) -> None:
        self.records.pop((name(owner), dns.rdatatype.from_text(rdtype)), None)

    def delegate(self, child: Zone, *, ds: bool = True, digest_type: int = 2) -> None:
        """Add NS (and, for a signed child, DS made from its KSK) at the child apex."""
        self.add(child.origin_text, "NS", f"ns1.{child.origin_text}")
        if ds and child.signed:
            made = dns.dnssec.make_ds(child.origin, child.ksk.dnskey, digest_type, policy=dns.dnssec.allow_all_policy)
            self.add(child.origin_text, "DS", made.to_text())

    # -- structure -----------------------------------------------------------------------------------

    def cuts(self) -> set[Name]:
        return {n for (n, t) in self.records if t == dns.rdatatype.NS and n != self.origin}

    def below_cut(self, owner: Name) -> Name | None:
        for cut in self.cuts():
            if owner.is_subdomain(cut):
                return cut
        return None

    def names(self) -> set[Name]:
        """Authoritative names (and delegation points), without glue below cuts."""
        found = set()
        for n, _ in self.records:
            cut = self.below_cut(n)
            if cut is None or cut == n:
                found.add(n)
        return found

    def all_names_with_ents(self) -> set[Name]:
        found = set(self.names())
        for n in list(found):
            parent = n
            while parent != self.origin:
                parent = parent.parent()
                found.add(parent)
        return found

    def types_at(self, owner: Name) -> set[int]:
        return {t for (n, t) in self.records if n == owner}

    def exists(self, owner: Name) -> bool:
        return owner in self.all_names_with_ents()

    # -- signing -------------------------------------------------------------------------------------

    def build(self) -> None:
        if not self.signed:
            return
        if self.publish_dnskey:
            self.records[(self.origin, dns.rdatatype.DNSKEY)] = dns.rrset.from_rdata(
                self.origin, 300, *(k.dnskey for k in self.keys)
            )
        if self.denial == "nsec":
            self._build_nsec()
        else:
            self._build_nsec3()
        self.sigs = {}
        for (owner, rdtype), rrset in self.records.items():
            cut = self.below_cut(owner)
            if cut is not None and rdtype != dns.rdatatype.DS:
                continue  # delegation NS and glue are not signed (RFC 4035 §2.2)
            self.sigs[(owner, rdtype)] = self.sign(rrset)
        for rrset in self.nsec.values():
            self.sigs[(rrset.name, dns.rdatatype.NSEC)] = self.sign(rrset)
        for rrset in self.nsec3.values():
            self.sigs[(rrset.name, dns.rdatatype.NSEC3)] = self.sign(rrset)

    def sign(self, rrset: dns.rrset.RRset) -> dns.rrset.RRset:
        if rrset.rdtype == dns.rdatatype.DNSKEY:
            signers = [k for k in self.keys if k.dnskey.flags & 1] or self.keys
        else:
            signers = [k for k in self.keys if not k.dnskey.flags & 1] or self.keys
        inception, expiration = self.sig_window.get((rrset.name, rrset.rdtype), (INCEPTION, EXPIRATION))
        sigs = [
            dns.dnssec.sign(
                rrset,
                k.private,
                self.origin,
                k.dnskey,
                inception=inception,
                expiration=expiration,
                policy=dns.dnssec.allow_all_policy,
            )
            for k in signers
        ]
        return dns.rrset.from_rdata(rrset.name, rrset.ttl, *sigs)

    def _build_nsec(self) -> None:
        ordered = sorted(self.names())
        self.nsec = {}
        for i, owner in enumerate(ordered):
            nxt = ordered[(i + 1) % len(ordered)]
            types = self.types_at(owner) | {dns.rdatatype.NSEC}
            if self.below_cut(owner) is None or dns.rdatatype.DS in types:
                types.add(dns.rdatatype.RRSIG)
            text = f"{nxt} {' '.join(dns.rdatatype.to_text(t) for t in sorted(types))}"
            self.nsec[owner] = dns.rrset.from_text(owner, 300, "IN", "NSEC", text)

    def nsec3_hash(self, owner: Name) -> str:
        return dns.dnssec.nsec3_hash(owner, self.nsec3_salt or None, self.nsec3_iterations, 1)

    def _build_nsec3(self) -> None:
        entries: dict[str, set[int]] = {}
        for owner in self.all_names_with_ents():
            types = self.types_at(owner)
            if self.nsec3_optout and types == {dns.rdatatype.NS} and owner != self.origin:
                continue  # RFC 5155 §6: insecure delegations may be left out of an opt-out chain
            if types and (self.below_cut(owner) is None or dns.rdatatype.DS in types):
                types = types | {dns.rdatatype.RRSIG}
            entries[self.nsec3_hash(owner)] = types
        if types_apex := entries.get(self.nsec3_hash(self.origin)):
            types_apex.add(dns.rdatatype.NSEC3PARAM)
        ordered = sorted(entries)
        salt = self.nsec3_salt.hex() if self.nsec3_salt else "-"
        flags = 1 if self.nsec3_optout else 0
        self.nsec3 = {}
        for i, hashed in enumerate(ordered):
            nxt = ordered[(i + 1) % len(ordered)]
            types_text = " ".join(dns.rdatatype.to_text(t) for t in sorted(entries[hashed]))
            owner = dns.name.Name((hashed.lower().encode(), *self.origin.labels))
            text = f"1 {flags} {self.nsec3_iterations} {salt} {nxt} {types_text}".strip()
            self.nsec3[hashed] = dns.rrset.from_text(owner, 300, "IN", "NSEC3", text)

    def nsec3_covering(self, hashed: str) -> dns.rrset.RRset | None:
        ordered = sorted(self.nsec3)
        for i, owner in enumerate(ordered):
            nxt = ordered[(i + 1) % len(ordered)]
            if (owner < hashed < nxt) if owner < nxt else (hashed > owner or hashed < nxt):
                return self.nsec3[owner]
        return None

    def nsec_covering(self, target: Name) -> dns.rrset.RRset | None:
        ordered = sorted(self.nsec)
        for i, owner in enumerate(ordered):
            nxt = ordered[(i + 1) % len(ordered)]
            if (owner < target < nxt) if owner < nxt else (target > owner or target < nxt):
                return self.nsec[owner]
        return None


@dataclass
class FakeNet:
    """A resolver object with the ``message()``/``query()`` shape of ``net.dns.Resolver``, over ``zones``."""

    zones: list[Zone]
    dnssec_cache: SharedWork[tuple[Any, ...], Any]
    asked: list[tuple[str, str]] = field(default_factory=list)
    servfail: set[tuple[Name, int]] = field(default_factory=set)
    timeout: set[tuple[Name, int]] = field(default_factory=set)
    strip_denial: set[Name] = field(default_factory=set)
    tamper: set[tuple[Name, int]] = field(default_factory=set)
    delay: float = 0.0

    def __init__(self, *zones: Zone) -> None:
        self.zones = list(zones)
        self.dnssec_cache = SharedWork(max_entries=MAX_CACHED_VALIDATIONS, keep_errors=False)
        self.asked = []
        self.servfail = set()
        self.timeout = set()
        self.strip_denial = set()
        self.tamper = set()
        self.delay = 0.0
        self.rebuild()

    def rebuild(self) -> None:
        for zone in self.zones:
            zone.build()
        self.dnssec_cache = SharedWork(max_entries=MAX_CACHED_VALIDATIONS, keep_errors=False)

    def zone(self, origin: str) -> Zone:
        return next(z for z in self.zones if z.origin == name(origin))

    def anchors(self, *, as_dnskey: bool = False) -> TrustAnchors:
        root = self.zone(".")
        if as_dnskey:
            return parse_trust_anchors(f". IN DNSKEY {root.ksk.dnskey.to_text()}\n", "test root")
        ds = dns.dnssec.make_ds(root.origin, root.ksk.dnskey, 2)
        return parse_trust_anchors(f". IN DS {ds.to_text()}\n", "test root")

    def zone_for(self, qname: Name, rdtype: int) -> Zone | None:
        candidates = [z for z in self.zones if qname.is_subdomain(z.origin)]
        if rdtype == dns.rdatatype.DS:
            candidates = [z for z in candidates if z.origin != qname] or candidates
        return max(candidates, key=lambda z: len(z.origin), default=None)

    async def message(self, qname: str, rdtype: str, *, dnssec: bool = False) -> tuple[dns.message.Message, str]:
        self.asked.append((qname, rdtype))
        if self.delay:
            await asyncio.sleep(self.delay)
        qn, qt = name(qname), dns.rdatatype.from_text(rdtype)
        if (qn, qt) in self.timeout:
            raise DnsTimeoutError(qname, rdtype, "no answer within 8.0s")
        return self.respond(qn, qt, dnssec=dnssec), "fake:53"

    def respond(self, qn: Name, qt: int, *, dnssec: bool) -> dns.message.Message:
        """The answer a validating resolver with CD set would give (synchronous, for loopback servers too)."""
        query = dns.message.make_query(qn, qt, want_dnssec=dnssec)
        response = dns.message.make_response(query)
        if (qn, qt) in self.servfail:
            response.set_rcode(dns.rcode.SERVFAIL)
            return response
        current, seen = qn, set()
        while True:
            zone = self.zone_for(current, qt)
            if zone is None or (zone.below_cut(current) not in (None, current)):
                response.set_rcode(dns.rcode.SERVFAIL)
                break
            if qt != dns.rdatatype.DS and zone.below_cut(current) == current:
                response.set_rcode(dns.rcode.SERVFAIL)  # a child zone we do not serve
                break
            rrset = zone.records.get((current, qt))
            if rrset is not None:
                self._put(response.answer, zone, rrset, dnssec)
                break
            cname = zone.records.get((current, dns.rdatatype.CNAME))
            if cname is not None and qt != dns.rdatatype.CNAME:
                self._put(response.answer, zone, cname, dnssec)
                current = cname[0].target
                if current in seen:
                    break
                seen.add(current)
                continue
            nxdomain = not zone.exists(current)
            wild = self._wildcard(zone, current, qt) if nxdomain else None
            if wild is not None:  # RFC 4035 §3.1.3.3: the expansion, its RRSIG, and proof the name is absent
                rrset, sig = wild
                response.answer.append(rrset)
                if dnssec and zone.signed:
                    response.answer.append(sig)
                    if current not in self.strip_denial:
                        cover = zone.nsec_covering(current) if zone.denial == "nsec" else None
                        if cover is not None:
                            self._put(response.authority, zone, cover, True)
                break
            if nxdomain:
                response.set_rcode(dns.rcode.NXDOMAIN)
            self._put(response.authority, zone, zone.records[(zone.origin, dns.rdatatype.SOA)], dnssec)
            if dnssec and zone.signed and current not in self.strip_denial:
                self._denial(response, zone, current, nxdomain)
            break
        # through the wire, as a real resolver's answer would come (and so that the section index is built)
        return dns.message.from_wire(response.to_wire(max_size=65535))

    @staticmethod
    def _wildcard(zone: Zone, qname: Name, rdtype: int) -> tuple[dns.rrset.RRset, dns.rrset.RRset] | None:
        encloser = qname.parent()
        while not zone.exists(encloser):
            encloser = encloser.parent()
        wild = dns.name.Name((b"*", *encloser.labels))
        rrset = zone.records.get((wild, rdtype))
        if rrset is None:
            return None
        sig = zone.sigs.get((wild, rdtype))
        expanded = dns.rrset.from_rdata_list(qname, rrset.ttl, list(rrset))
        expanded_sig = dns.rrset.from_rdata_list(qname, rrset.ttl, list(sig)) if sig is not None else expanded
        return expanded, expanded_sig

    async def query(self, qname: str, rdtype: str, *, dnssec: bool = False) -> Any:
        from domeinwacht.net.dns import answer_from_message

        message, server = await self.message(qname, rdtype, dnssec=dnssec)
        return answer_from_message(qname, rdtype, message, server)

    def _put(self, section: list[dns.rrset.RRset], zone: Zone, rrset: dns.rrset.RRset, dnssec: bool) -> None:
        section.append(rrset)
        if dnssec and zone.signed:
            sig = zone.sigs.get((rrset.name, rrset.rdtype))
            if sig is not None:
                if (rrset.name, rrset.rdtype) in self.tamper:
                    sig = _tampered(sig)
                section.append(sig)

    def _denial(self, response: dns.message.Message, zone: Zone, qname: Name, nxdomain: bool) -> None:
        added: list[dns.rrset.RRset] = []
        if zone.denial == "nsec":
            if not nxdomain and qname in zone.nsec:
                added.append(zone.nsec[qname])
            else:
                cover = zone.nsec_covering(qname)
                if cover is not None:
                    added.append(cover)
                if nxdomain:
                    encloser = qname
                    while not zone.exists(encloser):
                        encloser = encloser.parent()
                    wild = zone.nsec_covering(dns.name.Name((b"*", *encloser.labels)))
                    if wild is not None and wild not in added:
                        added.append(wild)
        else:
            hashed = zone.nsec3_hash(qname)
            if not nxdomain and hashed in zone.nsec3:
                added.append(zone.nsec3[hashed])
            else:
                encloser = qname.parent()
                while not zone.exists(encloser) or zone.nsec3_hash(encloser) not in zone.nsec3:
                    encloser = encloser.parent()
                added.append(zone.nsec3[zone.nsec3_hash(encloser)])
                next_closer = qname.split(len(encloser) + 1)[1]
                for target in (next_closer, dns.name.Name((b"*", *encloser.labels))):
                    cover = zone.nsec3_covering(zone.nsec3_hash(target))
                    if cover is not None and cover not in added:
                        added.append(cover)
        for rrset in added:
            self._put(response.authority, zone, rrset, True)


def _tampered(sig: dns.rrset.RRset) -> dns.rrset.RRset:
    rdatas = []
    for rd in sig:
        raw = bytearray(rd.signature)
        raw[len(raw) // 2] ^= 0xFF
        rdatas.append(rd.replace(signature=bytes(raw)))
    return dns.rrset.from_rdata(sig.name, sig.ttl, *rdatas)


def b32(data: bytes) -> str:
    return base64.b32hexencode(data).decode().rstrip("=")


def standard_tree(
    *,
    example: Zone | None = None,
    test_denial: str = "nsec",
    ds: bool = True,
) -> tuple[FakeNet, Zone, Zone, Zone]:
    """root → test. → example.test. (signed, A 192.0.2.1 and www CNAME to the apex)."""
    root = Zone(".", keys=[make_key(13, ksk=True, index=1)])
    test = Zone("test.", denial=test_denial, keys=[make_key(13, ksk=True, index=2), make_key(13, ksk=False, index=2)])
    example = example or Zone("example.test.")
    example.add("example.test.", "A", "192.0.2.1")
    example.add("www.example.test.", "CNAME", "example.test.")
    root.delegate(test)
    test.delegate(example, ds=ds)
    return FakeNet(root, test, example), root, test, example
