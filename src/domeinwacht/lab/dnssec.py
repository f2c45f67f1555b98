"""Zones as data, and a small offline DNSSEC signer (NSEC and NSEC3) that can also sign *wrongly* on purpose.

knotd serves the result as a plain (pre-signed) zone; it never re-signs. Signing ourselves is what lets the lab
publish bogus variants a real signer refuses to make: a DS that matches no key, expired signatures, RRsets
without RRSIG.

The signer works on canonical wire forms (RFC 4034 section 6) prepared once per record, not on dnspython
objects: a 10,000-zone scenario is mostly clones of a few template zones, and a clone's records differ from
its template's only in the owner names, so their rdata wire forms and texts are computed once. Record texts
are parsed by dnspython (``dns.rdata.from_text``) — one parser, the one the scanner uses.

NSEC3 follows RFC 5155 with the parameters RFC 9276 recommends: SHA-1, no opt-out, 0 extra iterations, empty
salt.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import struct
from dataclasses import dataclass, field

import dns.dnssec
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

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
# bogus "missing_rrsig": these RRsets go unsigned
_NO_RRSIG_TYPES = {dns.rdatatype.from_text(t) for t in ("SOA", "A", "AAAA", "TXT", "MX", "CAA")}
_IN = dns.rdataclass.IN
_T = dns.rdatatype

Labels = tuple[bytes, ...]  # lower-case labels, leftmost first, without the root
Rdata = tuple[bytes, str]  # (canonical wire form, presentation text)


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
    clone_of: Zone | None = None  # generated zones copy a template zone's records under their own name
    raw: list[tuple[Labels, int, int, Rdata]] = field(default_factory=list)  # pre-encoded records
    clone_skip: frozenset[Labels] = frozenset()  # template names (relative) a clone leaves out
    _relative: dict[tuple[Labels, int], tuple[int, list[Rdata]]] | None = None

    def add(self, owner: str, rdtype: str, rdata: str, ttl: int = 300) -> None:
        self.records.append((absolute(owner, self.origin), ttl, rdtype.upper(), rdata))


def absolute(owner: str, origin: str) -> str:
    if owner in {"@", ""}:
        return origin
    if owner.endswith("."):
        return owner.lower()
    return f"{owner}.{origin}".lower() if origin != "." else f"{owner}.".lower()


def labels_of(name: str) -> Labels:
    name = name.rstrip(".").lower()
    return tuple(x.encode() for x in name.split(".")) if name else ()


def wire(labels: Labels) -> bytes:
    return b"".join(bytes([len(x)]) + x for x in labels) + b"\x00"


def text(labels: Labels) -> str:
    return ".".join(x.decode() for x in labels) + "."


def _canonical_key(labels: Labels) -> tuple[bytes, ...]:
    return tuple(reversed(labels))  # RFC 4034 6.1: compare labels right to left


@dataclass
class SignedZone:
    text: str
    ds: list[str]  # DS rdata texts the parent publishes (may match no key when bogus)
    dnskeys: list[str]  # DNSKEY rdata texts (for trust anchors)
    ds_raw: list[Rdata] = field(default_factory=list)


def apex_ns(zone: Zone) -> list[str]:
    """The NS rdata texts at the apex (what the parent publishes as the delegation)."""
    source = zone.clone_of or zone
    return [r for o, _t, rt, r in source.records if o == source.origin and rt == "NS"]


def _parse(zone: Zone) -> dict[tuple[Labels, int], tuple[int, list[Rdata]]]:
    """Records grouped into RRsets: (owner labels, type) -> (ttl, [(wire, text)])."""
    origin = dns.name.from_text(zone.origin)
    out: dict[tuple[Labels, int], tuple[int, list[Rdata]]] = {}
    for owner, ttl, rdtype, rdata in zone.records:
        rtype = dns.rdatatype.from_text(rdtype)
        rd = dns.rdata.from_text(_IN, rtype, rdata, origin=origin, relativize=False)
        item = (rd.to_digestable(origin), rd.to_text())
        entry = out.setdefault((labels_of(owner), rtype), (ttl, []))
        if item[0] not in {w for w, _ in entry[1]}:
            entry[1].append(item)
    for owner_labels, raw_type, ttl, item in zone.raw:
        entry = out.setdefault((owner_labels, raw_type), (ttl, []))
        if item[0] not in {w for w, _ in entry[1]}:
            entry[1].append(item)
    return out


def _rrsets(zone: Zone) -> dict[tuple[Labels, int], tuple[int, list[Rdata]]]:
    if zone.clone_of is None:
        return _parse(zone)
    tpl = zone.clone_of
    if tpl._relative is None:
        cut = len(labels_of(tpl.origin))
        tpl._relative = {(o[: len(o) - cut], t): v for (o, t), v in _parse(tpl).items()}
    suffix = labels_of(zone.origin)
    old, new = tpl.origin.rstrip(".").encode(), zone.origin.rstrip(".").encode()
    out: dict[tuple[Labels, int], tuple[int, list[Rdata]]] = {}
    for (rel, rtype), (ttl, rdatas) in tpl._relative.items():
        if any(rel[len(rel) - len(skip) :] == skip for skip in zone.clone_skip if len(rel) >= len(skip)):
            continue
        if rtype == _T.TXT and any(old in w for w, _ in rdatas):
            # DMARC rua, TLS-RPT, SPF includes name the domain inside TXT text
            rdatas = [  # noqa: PLW2901
                _txt_rdata(w.replace(old, new), t.replace(old.decode(), new.decode())) if old in w else (w, t)
                for w, t in rdatas
            ]
        out[(rel + suffix, rtype)] = (ttl, rdatas)
    return out


def _txt_rdata(wire_with_new_text: bytes, txt: str) -> Rdata:
    # re-encode the character-strings: lengths change with the name
    rd = dns.rdata.from_text(_IN, _T.TXT, txt)
    return rd.to_digestable(), rd.to_text()


def _tt(rdtype: int) -> str:
    return dns.rdatatype.to_text(dns.rdatatype.RdataType.make(rdtype))


def _bitmap(types: set[int]) -> bytes:
    """NSEC/NSEC3 type bit maps (RFC 4034 section 4.1.2)."""
    windows: dict[int, bytearray] = {}
    for t in sorted(types):
        win, bit = t >> 8, t & 0xFF
        bm = windows.setdefault(win, bytearray())
        need = bit // 8 + 1
        if len(bm) < need:
            bm.extend(b"\x00" * (need - len(bm)))
        bm[bit // 8] |= 0x80 >> (bit % 8)
    return b"".join(bytes([w, len(bm)]) + bytes(bm) for w, bm in sorted(windows.items()))


def _types_text(types: set[int]) -> str:
    return " ".join(_tt(t) for t in sorted(types))


def cache_key(zone: Zone, day: str) -> str:
    """A digest of everything the signed text depends on (records, signing, template, day)."""
    h = hashlib.sha256()
    for part in (zone.origin, repr(zone.signing), day, repr(sorted(zone.records)), repr(sorted(zone.raw))):
        h.update(part.encode())
    if zone.clone_of is not None:
        h.update(repr(sorted(zone.clone_of.records)).encode())
        h.update(repr(sorted(zone.clone_skip)).encode())
    return h.hexdigest()


def render(zone: Zone, keys: KeyCache | None = None, now: dt.datetime | None = None) -> SignedZone:
    """The zone file text of ``zone``, signed per ``zone.signing`` (keys from ``keys``)."""
    rrsets = _rrsets(zone)
    if zone.signing is None:
        lines = [
            f"{text(o)} {ttl} IN {_tt(t)} {rd_text}"
            for (o, t), (ttl, rdatas) in rrsets.items()
            for _w, rd_text in rdatas
        ]
        return SignedZone("\n".join(lines) + "\n", [], [])
    assert keys is not None, "signed zones need the key cache"
    return _sign(zone, rrsets, keys, zone.signing, now or dt.datetime.now(dt.UTC))


@dataclass
class _Key:
    private: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    algorithm: int
    dnskey_wire: bytes
    dnskey_text: str
    tag: int


_KEY_MEMO: dict[tuple[str, int], _Key] = {}


def _key(keys: KeyCache, name: str, spec: str, alg: int) -> _Key:
    memo = (f"{keys.directory}/{name}", alg)
    if memo not in _KEY_MEMO:
        private = keys.get(name, spec)
        assert isinstance(private, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
        # One combined signing key (CSK, flags 257) signs everything: RFC 6781 section 3.1 single-type.
        dnskey = dns.dnssec.make_dnskey(private.public_key(), alg, flags=257)
        _KEY_MEMO[memo] = _Key(private, alg, dnskey.to_digestable(), dnskey.to_text(), dns.dnssec.key_id(dnskey))
    return _KEY_MEMO[memo]


def _sign(
    zone: Zone,
    rrsets: dict[tuple[Labels, int], tuple[int, list[Rdata]]],
    keys: KeyCache,
    signing: Signing,
    now: dt.datetime,
) -> SignedZone:
    origin = labels_of(zone.origin)
    origin_wire = wire(origin)
    alg, spec = ALGORITHMS[signing.algorithm]
    if signing.denial == "nsec3" and alg in _NSEC3_ALG:
        alg = _NSEC3_ALG[alg]
    key_name = signing.key or f"dnssec-{zone.origin.rstrip('.') or 'root'}-{signing.algorithm}"
    key = _key(keys, key_name, spec, alg)
    soa_ttl = next(ttl for (o, t), (ttl, _r) in rrsets.items() if t == _T.SOA)
    rrsets[(origin, _T.DNSKEY)] = (soa_ttl, [(key.dnskey_wire, key.dnskey_text)])

    cuts = {o for (o, t) in rrsets if t == _T.NS and o != origin}
    n_origin = len(origin)

    def authoritative(name: Labels) -> bool:
        # below a cut (glue, occluded data) when a proper ancestor inside the zone is a delegation
        return not any(name[i:] in cuts for i in range(1, len(name) - n_origin))

    def signed_type(name: Labels, rtype: int) -> bool:
        if name in cuts:
            return rtype == _T.DS  # RFC 4035 2.2: the delegation NS is not signed
        return True

    types_at: dict[Labels, set[int]] = {}
    for o, t in rrsets:
        if authoritative(o):
            types_at.setdefault(o, set()).add(t)
    names = sorted(types_at, key=_canonical_key)

    inception = now - dt.timedelta(hours=1)
    expiration = now + dt.timedelta(days=30)
    if signing.bogus == "expired":
        inception, expiration = now - dt.timedelta(days=60), now - dt.timedelta(days=2)
    signer = _Signer(key, origin_wire, text(origin), inception, expiration)

    denial: list[tuple[Labels, int, int, Rdata]] = []
    if signing.denial == "nsec":
        for i, name in enumerate(names):
            nxt = names[(i + 1) % len(names)]
            present = types_at[name] | {_T.NSEC}
            if any(signed_type(name, t) for t in types_at[name]):
                present.add(_T.RRSIG)
            rd = (wire(nxt) + _bitmap(present), f"{text(nxt)} {_types_text(present)}")
            denial.append((name, _T.NSEC, soa_ttl, rd))
    else:
        rrsets[(origin, _T.NSEC3PARAM)] = (soa_ttl, [(b"\x01\x00\x00\x00\x00", "1 0 0 -")])
        types_at[origin].add(_T.NSEC3PARAM)
        all_names: set[Labels] = set(names)
        for name in names:  # empty non-terminals get NSEC3 records too (RFC 5155 section 7.1)
            for i in range(1, len(name) - n_origin):
                all_names.add(name[i:])
        hashed = sorted(
            (base64.b32hexencode(hashlib.sha1(wire(n)).digest()).decode().lower(), n)  # noqa: S324
            for n in all_names
        )
        for i, (h, name) in enumerate(hashed):
            present = set(types_at.get(name, set()))
            if present and any(signed_type(name, t) for t in present):
                present.add(_T.RRSIG)
            next_hash = hashed[(i + 1) % len(hashed)][0]
            raw_next = base64.b32hexdecode(next_hash.upper())
            rd = (
                b"\x01\x00\x00\x00\x00" + bytes([len(raw_next)]) + raw_next + _bitmap(present),
                f"1 0 0 - {next_hash} {_types_text(present)}".rstrip(),
            )
            denial.append(((h.encode(), *origin), _T.NSEC3, soa_ttl, rd))

    out: list[str] = []
    for (name, rtype), (ttl, rdatas) in sorted(rrsets.items(), key=lambda kv: (_canonical_key(kv[0][0]), kv[0][1])):
        owner = text(name)
        tname = _tt(rtype)
        out.extend(f"{owner} {ttl} IN {tname} {t}" for _w, t in rdatas)
        if not authoritative(name) or not signed_type(name, rtype):
            continue
        if signing.bogus == "missing_rrsig" and rtype in _NO_RRSIG_TYPES:
            continue
        out.append(signer.rrsig_text(name, rtype, ttl, [w for w, _t in rdatas]))
    for name, d_type, d_ttl, (d_wire, d_text) in denial:
        out.append(f"{text(name)} {d_ttl} IN {_tt(d_type)} {d_text}")
        out.append(signer.rrsig_text(name, d_type, d_ttl, [d_wire]))

    ds_key = key
    if signing.bogus == "ds_mismatch":
        ds_key = _key(keys, f"{key_name}-unpublished", spec, alg)
    if signing.ds_digest == 1:
        digest = hashlib.sha1(origin_wire + ds_key.dnskey_wire).hexdigest()  # noqa: S324 - on purpose
    else:
        digest = hashlib.sha256(origin_wire + ds_key.dnskey_wire).hexdigest()
    ds_wire = struct.pack("!HBB", ds_key.tag, alg, signing.ds_digest) + bytes.fromhex(digest)
    ds_text = f"{ds_key.tag} {alg} {signing.ds_digest} {digest}"
    return SignedZone("\n".join(out) + "\n", [ds_text], [key.dnskey_text], [(ds_wire, ds_text)])


class _Signer:
    """Makes RRSIG records (RFC 4034 section 3.1.8.1 signature data) for one key and one zone."""

    def __init__(
        self,
        key: _Key,
        signer_wire: bytes,
        signer_text: str,
        inception: dt.datetime,
        expiration: dt.datetime,
    ) -> None:
        self.key = key
        self.signer_wire = signer_wire
        self.signer_text = signer_text
        self.inception = int(inception.timestamp())
        self.expiration = int(expiration.timestamp())
        self.times = f"{expiration:%Y%m%d%H%M%S} {inception:%Y%m%d%H%M%S}"

    def _sign(self, data: bytes) -> bytes:
        private = self.key.private
        if isinstance(private, ec.EllipticCurvePrivateKey):
            size = (private.curve.key_size + 7) // 8
            digest = hashes.SHA256() if size == 32 else hashes.SHA384()
            r, s = decode_dss_signature(private.sign(data, ec.ECDSA(digest)))
            return r.to_bytes(size, "big") + s.to_bytes(size, "big")  # RFC 6605 section 4
        digest_rsa: hashes.HashAlgorithm = (
            hashes.SHA1() if self.key.algorithm in (5, 7) else hashes.SHA256()  # noqa: S303
        )
        return private.sign(data, padding.PKCS1v15(), digest_rsa)

    def rrsig_text(self, name: Labels, rtype: int, ttl: int, wires: list[bytes]) -> str:
        labels = len(name) - (1 if name and name[0] == b"*" else 0)
        header = struct.pack(
            "!HBBIIIH",
            rtype,
            self.key.algorithm,
            labels,
            ttl,
            self.expiration,
            self.inception,
            self.key.tag,
        )
        rr_head = wire(name) + struct.pack("!HHI", rtype, _IN, ttl)
        data = header + self.signer_wire + b"".join(rr_head + struct.pack("!H", len(w)) + w for w in sorted(set(wires)))
        sig = base64.b64encode(self._sign(data)).decode()
        return (
            f"{text(name)} {ttl} IN RRSIG {_tt(rtype)} {self.key.algorithm} {labels} {ttl} "
            f"{self.times} {self.key.tag} {self.signer_text} {sig}"
        )
