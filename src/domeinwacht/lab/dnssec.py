"""Zones as data, and a small offline DNSSEC signer (NSEC and NSEC3) that can also sign *wrongly* on purpose.

knotd serves the result as a plain (pre-signed) zone; it never re-signs. Signing ourselves is what lets the lab
publish bogus variants a real signer refuses to make: a DS that matches no key, expired signatures, RRsets
without RRSIG. Signatures use dnspython's ``dns.dnssec.sign`` (the same code the scanner's validator is tested
against elsewhere) with keys from the lab's key cache.

NSEC3 follows RFC 5155 with the parameters RFC 9276 recommends: SHA-1, no opt-out, 0 extra iterations, empty
salt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import dns.dnssec
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from domeinwacht.lab.pki import KeyCache

# Scenario names of signing algorithms -> (DNSSEC algorithm number, key spec for the key cache).
ALGORITHMS: dict[str, tuple[int, str]] = {
    "ecdsa256": (13, "ec256"),
    "ecdsa384": (14, "ec384"),
    "rsasha256": (8, "rsa2048"),
    "rsasha256-1024": (8, "rsa1024"),
    "rsasha1": (5, "rsa2048"),
}
BOGUS = ("ds_mismatch", "expired", "missing_rrsig")
_NSEC3_ALG = {5: 7}  # RSASHA1 zones with NSEC3 must use the NSEC3 alias (RFC 5155 section 2)
_NO_RRSIG_TYPES = {"SOA", "A", "AAAA", "TXT", "MX", "CAA"}  # bogus "missing_rrsig": these go unsigned


@dataclass(frozen=True)
class Signing:
    """How a zone is signed: ``denial`` nsec|nsec3, ``algorithm`` (ALGORITHMS key), ``bogus`` (BOGUS or None),
    ``ds_digest`` 2 (SHA-256, default) or 1 (SHA-1, flagged by dns.dnssec.algorithms), ``key`` the cache name."""

    denial: str = "nsec3"
    algorithm: str = "ecdsa256"
    bogus: str | None = None
    ds_digest: int = 2
    key: str = ""


@dataclass
class Zone:
    """A zone: origin (absolute, with trailing dot) and its records as (owner, ttl, type, rdata text)."""

    origin: str
    records: list[tuple[str, int, str, str]] = field(default_factory=list)
    signing: Signing | None = None
    allow_axfr: bool = False

    def add(self, owner: str, rdtype: str, rdata: str, ttl: int = 300) -> None:
        self.records.append((absolute(owner, self.origin), ttl, rdtype.upper(), rdata))


def absolute(owner: str, origin: str) -> str:
    if owner in {"@", ""}:
        return origin
    if owner.endswith("."):
        return owner.lower()
    return f"{owner}.{origin}".lower() if origin != "." else f"{owner}.".lower()


@dataclass
class SignedZone:
    text: str
    ds: list[str]  # DS rdata texts the parent publishes (may match no key when bogus)
    dnskeys: list[str]  # DNSKEY rdata texts (for trust anchors)


def _rrsets(zone: Zone) -> dict[tuple[dns.name.Name, int], dns.rrset.RRset]:
    origin = dns.name.from_text(zone.origin)
    out: dict[tuple[dns.name.Name, int], dns.rrset.RRset] = {}
    for owner, ttl, rdtype, rdata in zone.records:
        name = dns.name.from_text(owner)
        rtype = dns.rdatatype.from_text(rdtype)
        rd = dns.rdata.from_text(
            dns.rdataclass.IN, rtype, rdata, origin=origin, relativize=False
        )
        key = (name, rtype)
        rrset = out.get(key)
        if rrset is None:
            rrset = out[key] = dns.rrset.RRset(name, dns.rdataclass.IN, rtype)
            rrset.update_ttl(ttl)
        rrset.add(rd)
    return out


def _to_text(rrsets: Iterable[dns.rrset.RRset]) -> str:
    return "\n".join(r.to_text() for r in rrsets) + "\n"


def render(zone: Zone, keys: KeyCache | None = None, now: dt.datetime | None = None) -> SignedZone:
    """The zone file text of ``zone``, signed per ``zone.signing`` (keys from ``keys``)."""
    rrsets = _rrsets(zone)
    if zone.signing is None:
        return SignedZone(_to_text(rrsets.values()), [], [])
    assert keys is not None, "signed zones need the key cache"
    return _sign(zone, rrsets, keys, zone.signing, now or dt.datetime.now(dt.UTC))


def _sign(
    zone: Zone,
    rrsets: dict[tuple[dns.name.Name, int], dns.rrset.RRset],
    keys: KeyCache,
    signing: Signing,
    now: dt.datetime,
) -> SignedZone:
    origin = dns.name.from_text(zone.origin)
    alg, spec = ALGORITHMS[signing.algorithm]
    key_name = signing.key or f"dnssec-{zone.origin.rstrip('.') or 'root'}-{signing.algorithm}"
    private = keys.get(key_name, spec)
    assert isinstance(private, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
    if signing.denial == "nsec3" and alg in _NSEC3_ALG:
        alg = _NSEC3_ALG[alg]
    # One combined signing key (CSK, flags 257) signs everything: RFC 6781 section 3.1 single-type signing.
    dnskey = dns.dnssec.make_dnskey(private.public_key(), alg, flags=257)
    soa_ttl = next(r.ttl for (n, t), r in rrsets.items() if t == dns.rdatatype.SOA)
    key_rrset = dns.rrset.RRset(origin, dns.rdataclass.IN, dns.rdatatype.DNSKEY)
    key_rrset.update_ttl(soa_ttl)
    key_rrset.add(dnskey)
    rrsets[(origin, dns.rdatatype.DNSKEY)] = key_rrset

    # Delegations and glue: NS below the apex cut the zone; names under a cut are not authoritative.
    cuts = {n for (n, t) in rrsets if t == dns.rdatatype.NS and n != origin}

    def authoritative(name: dns.name.Name) -> bool:
        return not any(name != cut and name.is_subdomain(cut) for cut in cuts)

    def signed_type(name: dns.name.Name, rtype: int) -> bool:
        if not authoritative(name):
            return False
        if name in cuts:
            return rtype == dns.rdatatype.DS  # RFC 4035 2.2: delegation NS is not signed
        return True

    names = sorted({n for (n, _t) in rrsets if authoritative(n)})
    types_at: dict[dns.name.Name, set[int]] = {}
    for n, t in rrsets:
        if authoritative(n):
            types_at.setdefault(n, set()).add(t)

    denial: list[dns.rrset.RRset] = []
    ttl = soa_ttl
    if signing.denial == "nsec":
        for i, name in enumerate(names):
            nxt = names[(i + 1) % len(names)]
            present = types_at[name]
            tnames = {dns.rdatatype.to_text(t) for t in present} | {"NSEC"}
            if any(signed_type(name, t) for t in present) or name not in cuts:
                tnames.add("RRSIG")
            rr = dns.rrset.from_text(name, ttl, "IN", "NSEC", f"{nxt} {' '.join(sorted(tnames))}")
            denial.append(rr)
    else:
        param = dns.rrset.from_text(origin, soa_ttl, "IN", "NSEC3PARAM", "1 0 0 -")
        rrsets[(origin, dns.rdatatype.NSEC3PARAM)] = param
        types_at[origin].add(dns.rdatatype.NSEC3PARAM)
        # Empty non-terminals get NSEC3 records too (RFC 5155 section 7.1).
        all_names: set[dns.name.Name] = set(names)
        for name in names:
            parent = name
            while parent != origin and len(parent) > len(origin):
                parent = parent.parent()
                all_names.add(parent)
        hashed: dict[str, dns.name.Name] = {
            dns.dnssec.nsec3_hash(n, salt=None, iterations=0, algorithm=1): n for n in all_names
        }
        order = sorted(hashed)
        for i, h in enumerate(order):
            name = hashed[h]
            present = types_at.get(name, set())
            tnames = {dns.rdatatype.to_text(t) for t in present}
            if present and (any(signed_type(name, t) for t in present)):
                tnames.add("RRSIG")
            nxt = order[(i + 1) % len(order)]
            owner = dns.name.from_text(h.lower(), origin)
            rr = dns.rrset.from_text(
                owner, ttl, "IN", "NSEC3", f"1 0 0 - {nxt} {' '.join(sorted(tnames))}".rstrip()
            )
            denial.append(rr)

    inception = now - dt.timedelta(hours=1)
    expiration = now + dt.timedelta(days=30)
    if signing.bogus == "expired":
        inception, expiration = now - dt.timedelta(days=60), now - dt.timedelta(days=2)

    out: list[dns.rrset.RRset] = []
    for (name, rtype), rrset in sorted(rrsets.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        out.append(rrset)
        if not signed_type(name, rtype):
            continue
        if signing.bogus == "missing_rrsig" and dns.rdatatype.to_text(rtype) in _NO_RRSIG_TYPES:
            continue
        out.append(_rrsig(rrset, private, origin, dnskey, inception, expiration))
    for rr in denial:
        out.append(rr)
        out.append(_rrsig(rr, private, origin, dnskey, inception, expiration))

    digest = "SHA1" if signing.ds_digest == 1 else "SHA256"
    if signing.bogus == "ds_mismatch":
        other = keys.get(f"{key_name}-unpublished", spec)
        assert isinstance(other, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
        ds_key = dns.dnssec.make_dnskey(other.public_key(), alg, flags=257)
    else:
        ds_key = dnskey
    ds = dns.dnssec.make_ds(origin, ds_key, digest, policy=dns.dnssec.allow_all_policy)
    return SignedZone(_to_text(out), [ds.to_text()], [dnskey.to_text()])


def _rrsig(
    rrset: dns.rrset.RRset,
    private: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    origin: dns.name.Name,
    dnskey: dns.rdata.Rdata,
    inception: dt.datetime,
    expiration: dt.datetime,
) -> dns.rrset.RRset:
    sig = dns.dnssec.sign(
        rrset,
        private,  # type: ignore[arg-type]
        origin,
        dnskey,  # type: ignore[arg-type]
        inception=inception,
        expiration=expiration,
        verify=False,
        policy=dns.dnssec.allow_all_policy,  # the lab signs with deprecated algorithms on purpose
    )
    out = dns.rrset.RRset(rrset.name, dns.rdataclass.IN, dns.rdatatype.RRSIG)
    out.update_ttl(rrset.ttl)
    out.add(sig)
    return out
