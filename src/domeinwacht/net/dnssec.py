"""Our own DNSSEC chain-of-trust validation, from a configured trust anchor down to one RRset.

    anchors = load_trust_anchors(None)                     # the root KSK-2017 and KSK-2024 DS
    result = await validate(resolver, "example.nl", "SOA", anchors=anchors)
    result.status, result.reason                           # secure | insecure | bogus | indeterminate

We ask through our stub ``Resolver`` with DO and CD set, so a validating resolver hands us even the data it
would reject, and we can say *why* it is bogus: which RRset, which key tag, which validity window, which DS.

The walk (RFC 4033 §5, RFC 4035 §5):

1. Start at the closest trust anchor enclosing the name. Its DNSKEY RRset must be signed by a key matching an
   anchor DS (or being an anchor DNSKEY).
2. Going down one label at a time, ask DS for the next name. A signed DS RRset means a secure delegation: the
   child's DNSKEY RRset must contain a zone key matching a DS and be signed by it. An authenticated denial of DS
   (NSEC or NSEC3 with the NS bit and without DS, or an NSEC3 opt-out span) means an insecure delegation. A
   denial without the NS bit means the name is no zone cut and we stay in the same zone.
3. In the deepest zone, the answer RRset must be signed by a key of that zone; a CNAME is validated and its
   target walked the same way; NXDOMAIN and NODATA need an NSEC/NSEC3 proof.

Validated DNSKEY sets and delegations are cached per run (per resolver), so a scan of 300 domains under one TLD
validates the TLD once. Time is injectable (``now``) so tests and re-evaluation are reproducible.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import dns.dnssec
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdataset
import dns.rdatatype
import dns.rrset
import dns.zonefile
from dns.dnssecalgs import get_algorithm_cls
from dns.exception import UnsupportedAlgorithm, ValidationFailure
from dns.rdtypes.ANY.DNSKEY import DNSKEY
from dns.rdtypes.ANY.DS import DS
from dns.rdtypes.ANY.NSEC import NSEC
from dns.rdtypes.ANY.NSEC3 import NSEC3
from dns.rdtypes.ANY.RRSIG import RRSIG

from domeinwacht.lru import SharedWork
from domeinwacht.net.dns import MAX_CACHED_VALIDATIONS, DnsError
from domeinwacht.observations.dnssec import DnssecResult, DnssecStatus, DsInfo, KeyInfo, ZoneLink

# The root zone's key-signing keys as DS records (IANA root-anchors.xml): KSK-2017 and KSK-2024.
ROOT_ANCHORS = """\
. IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D
. IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16
"""

MAX_CNAME_DEPTH = 8
# KeyTrap limits (CVE-2023-50387, as in Unbound/BIND): RRSIGs tried per RRset, keys per colliding tag, and
# signature checks per validation.
MAX_SIGS_PER_RRSET = 8
MAX_KEYS_PER_SIG = 4
MAX_CRYPTO_PER_VALIDATION = 64
# RFC 9276 §3.2: validators may treat NSEC3 with many iterations as insecure; 150 is BIND's and Unbound's cap.
MAX_NSEC3_ITERATIONS = 150
# RFC 8624 / RFC 9904: RSAMD5, DSA and DSA-NSEC3-SHA1 must not be validated; such zones count as unsigned.
_POLICY = dns.dnssec.rfc_8624_policy
_SUPPORTED_DIGESTS = {1, 2, 4}  # SHA-1, SHA-256, SHA-384 (RFC 4509, RFC 6605); GOST is not implemented


_ANCHOR_EXAMPLE = "expected lines like '. IN DS 20326 8 2 E06D44B8…' or '. IN DNSKEY 257 3 8 AwEAAa…'"


class TrustAnchorError(ValueError):
    """A trust-anchor file that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class TrustAnchors:
    """DS and DNSKEY trust anchors by zone.

    Attributes:
        ds: zone -> DS rdatas.
        dnskeys: zone -> DNSKEY rdatas.
        source: where they came from (a path or ``built-in root KSK-2017/KSK-2024``).
    """

    ds: Mapping[dns.name.Name, tuple[DS, ...]]
    dnskeys: Mapping[dns.name.Name, tuple[DNSKEY, ...]]
    source: str = ""

    @property
    def zones(self) -> tuple[dns.name.Name, ...]:
        return tuple(sorted(set(self.ds) | set(self.dnskeys)))

    def closest(self, name: dns.name.Name) -> dns.name.Name | None:
        """The deepest anchored zone at or above ``name``."""
        best: dns.name.Name | None = None
        for zone in self.zones:
            if name.is_subdomain(zone) and (best is None or len(zone) > len(best)):
                best = zone
        return best


def parse_trust_anchors(text: str, source: str = "<text>") -> TrustAnchors:
    """Parse DS and/or DNSKEY records in zone-file format (owner names absolute; TTL and class optional)."""
    try:
        rrsets = dns.zonefile.read_rrsets(
            text,
            rdclass=None,
            default_rdclass=dns.rdataclass.IN,
            origin=dns.name.root,
            relativize=False,
            default_ttl=0,
        )
    except dns.exception.DNSException as exc:
        raise TrustAnchorError(f"{source}: not zone-file DS/DNSKEY records ({exc}); {_ANCHOR_EXAMPLE}") from exc
    except (ValueError, TypeError, UnicodeError) as exc:
        raise TrustAnchorError(f"{source}: not zone-file DS/DNSKEY records ({exc}); {_ANCHOR_EXAMPLE}") from exc
    ds: dict[dns.name.Name, list[DS]] = {}
    keys: dict[dns.name.Name, list[DNSKEY]] = {}
    for rrset in rrsets:
        if rrset.rdclass != dns.rdataclass.IN:
            raise TrustAnchorError(f"{source}: {rrset.name} is not class IN")
        if rrset.rdtype == dns.rdatatype.DS:
            ds.setdefault(rrset.name, []).extend(rrset)  # type: ignore[arg-type]
        elif rrset.rdtype == dns.rdatatype.DNSKEY:
            for key in rrset:
                assert isinstance(key, DNSKEY)
                if not key.flags & 0x0100:  # RFC 4034 §2.1.1: a trust anchor must be a zone key
                    raise TrustAnchorError(f"{source}: DNSKEY for {rrset.name} lacks the Zone Key flag")
                keys.setdefault(rrset.name, []).append(key)
        else:
            raise TrustAnchorError(
                f"{source}: {rrset.name} {dns.rdatatype.to_text(rrset.rdtype)} is neither DS nor DNSKEY"
            )
    if not ds and not keys:
        raise TrustAnchorError(f"{source}: no DS or DNSKEY records")
    return TrustAnchors(
        ds={name: tuple(v) for name, v in ds.items()},
        dnskeys={name: tuple(v) for name, v in keys.items()},
        source=source,
    )


def load_trust_anchors(path: Path | str | None = None) -> TrustAnchors:
    """Trust anchors from a zone-file of DS/DNSKEY records, or the built-in root KSKs when ``path`` is None."""
    if path is None:
        return parse_trust_anchors(ROOT_ANCHORS, "built-in root KSK-2017/KSK-2024")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TrustAnchorError(f"cannot read trust anchor file {path}: {exc}") from exc
    return parse_trust_anchors(text, str(path))


class MessageSource(Protocol):
    """What the validator needs of a resolver (``domeinwacht.net.dns.Resolver`` implements it)."""

    async def message(self, qname: str, rdtype: str, *, dnssec: bool = False) -> tuple[dns.message.Message, str]: ...


async def validate(
    resolver: MessageSource,
    qname: str,
    rdtype: str,
    *,
    anchors: TrustAnchors,
    now: datetime | None = None,
) -> DnssecResult:
    """Validate the ``rdtype`` RRset of ``qname`` (or its authenticated absence) from ``anchors`` down."""
    when = now or datetime.now(UTC)
    cache: SharedWork[tuple[Any, ...], Any] | None = getattr(resolver, "dnssec_cache", None)
    if cache is None:
        cache = SharedWork(max_entries=MAX_CACHED_VALIDATIONS, keep_errors=False)
    validator = _Validator(resolver, anchors, when, cache, "live" if now is None else when.timestamp())
    try:
        name = dns.name.from_text(qname)
        rdt = dns.rdatatype.from_text(rdtype)
    except (dns.exception.DNSException, ValueError) as exc:
        return DnssecResult(qname, rdtype, DnssecStatus.INDETERMINATE, f"invalid question: {exc}", now=when)
    try:
        return await validator.run(name, rdt, depth=0, seen=frozenset())
    except (dns.exception.DNSException, ValueError, TypeError, KeyError, IndexError, UnicodeError) as exc:
        # Records we cannot process (an unknown NSEC3 hash algorithm, malformed rdata): say so, never crash.
        return DnssecResult(
            qname,
            rdtype,
            DnssecStatus.INDETERMINATE,
            f"validator could not process the answers: {type(exc).__name__}: {exc}",
            now=when,
        )


# --- internals -------------------------------------------------------------------------------------------


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(name: dns.name.Name) -> str:
    return name.to_text()


def _type(rdtype: int) -> str:
    return dns.rdatatype.to_text(dns.rdatatype.RdataType.make(rdtype))


def rsa_key_bits(key: DNSKEY) -> int:
    """Modulus size of an RSA DNSKEY (RFC 3110 §2 wire format); 0 for other algorithms or bad keys."""
    if key.algorithm not in (1, 5, 7, 8, 10):
        return 0
    data = key.key
    if not data:
        return 0
    if data[0] == 0:
        if len(data) < 3:
            return 0
        exp_len, offset = int.from_bytes(data[1:3], "big"), 3
    else:
        exp_len, offset = data[0], 1
    modulus = data[offset + exp_len :]
    return int.from_bytes(modulus, "big").bit_length() if modulus else 0


def key_info(key: DNSKEY) -> KeyInfo:
    return KeyInfo(dns.dnssec.key_id(key), int(key.algorithm), int(key.flags), rsa_key_bits(key))


def ds_info(ds: DS) -> DsInfo:
    return DsInfo(int(ds.key_tag), int(ds.algorithm), int(ds.digest_type))


def _types_of(rdata: NSEC | NSEC3) -> set[int]:
    types: set[int] = set()
    for window, bitmap in rdata.windows:
        for i, byte in enumerate(bitmap):
            for bit in range(8):
                if byte & (0x80 >> bit):
                    types.add(window * 256 + i * 8 + bit)
    return types


def _algorithm_supported(algorithm: int) -> bool:
    """Whether dnspython implements ``algorithm`` and RFC 8624 allows validating it."""
    try:
        get_algorithm_cls(algorithm)
    except (UnsupportedAlgorithm, dns.exception.DNSException, KeyError, ValueError):
        return False
    probe = DNSKEY(dns.rdataclass.IN, dns.rdatatype.DNSKEY, 257, 3, algorithm, b"\x00")  # type: ignore[no-untyped-call]
    return bool(_POLICY.ok_to_validate(probe))


@dataclass
class _Zone:
    """A zone whose DNSKEY RRset has been looked at."""

    name: dns.name.Name
    link: ZoneLink
    keys: tuple[DNSKEY, ...] = ()  # validated keys (only for secure zones)


@dataclass
class _Cut:
    """What the DS question at a child name told us."""

    kind: str  # "secure" (DS validated), "insecure", "none" (no zone cut here), "stop", "bogus", "indeterminate"
    reason: str = ""
    ds: tuple[DS, ...] = ()


@dataclass
class _Validator:
    source: MessageSource
    anchors: TrustAnchors
    now_dt: datetime
    cache: SharedWork[tuple[Any, ...], Any]
    epoch: float | str
    now: float = field(init=False)
    crypto_ops: int = 0

    def __post_init__(self) -> None:
        self.now = self.now_dt.timestamp()

    def result(
        self,
        qname: dns.name.Name,
        rdtype: int,
        status: DnssecStatus,
        reason: str,
        chain: Iterable[ZoneLink],
        *,
        rcode: str = "",
    ) -> DnssecResult:
        links = tuple(chain)
        return DnssecResult(
            qname=_text(qname),
            rdtype=_type(rdtype),
            status=status,
            reason=reason,
            zone=links[-1].zone if links else "",
            chain=links,
            rcode=rcode,
            now=self.now_dt,
        )

    async def cached(self, key: tuple[Any, ...], factory: Any, *args: Any) -> Any:
        """Run ``factory(*args)`` once per key per run; concurrent callers share it."""
        # A run validates at "now" (seconds apart: one cache); an injected time gets its own entries.
        full_key = ("dnssec", id(self.anchors), self.epoch, *key)
        return await self.cache.get(full_key, lambda: factory(*args))

    async def ask(self, name: dns.name.Name, rdtype: int) -> tuple[dns.message.Message | None, str]:
        """The response, or None and the reason it could not be obtained."""
        try:
            message, _server = await self.source.message(_text(name), _type(rdtype), dnssec=True)
        except DnsError as exc:
            return None, exc.reason
        return message, ""

    # -- the walk --------------------------------------------------------------------------------------

    async def run(
        self, qname: dns.name.Name, rdtype: int, *, depth: int, seen: frozenset[dns.name.Name]
    ) -> DnssecResult:
        anchor = self.anchors.closest(qname)
        if anchor is None:
            return self.result(
                qname,
                rdtype,
                DnssecStatus.INDETERMINATE,
                f"no trust anchor covers {_text(qname)} (anchors: {', '.join(_text(z) for z in self.anchors.zones)})",
                (),
            )
        zone = await self.cached(("zone", anchor, "anchor"), self.anchor_zone, anchor)
        chain: list[ZoneLink] = [zone.link]
        if zone.link.status is not DnssecStatus.SECURE:
            return self.result(qname, rdtype, zone.link.status, zone.link.reason, chain)
        labels = len(qname) - len(anchor)
        # A DS RRset lives on the parent side of its zone cut (RFC 4035 §2.4): validate it in the parent zone.
        last = 1 if rdtype == dns.rdatatype.DS else 0
        for i in range(labels - 1, last - 1, -1):
            child = qname.split(len(qname) - i)[1]
            parent_zone = zone
            cut: _Cut = await self.cached(("cut", parent_zone.name, child), self.delegation, parent_zone, child)
            if cut.kind == "none":
                continue
            if cut.kind == "stop":
                break
            if cut.kind == "secure":
                ds_set = cut.ds
                zone = await self.cached(
                    ("zone", child, tuple(d.to_text() for d in ds_set)),
                    self.child_zone,
                    child,
                    parent_zone.name,
                    ds_set,
                )
                chain.append(zone.link)
                if zone.link.status is not DnssecStatus.SECURE:
                    return self.result(qname, rdtype, zone.link.status, zone.link.reason, chain)
                continue
            status = {
                "insecure": DnssecStatus.INSECURE,
                "bogus": DnssecStatus.BOGUS,
            }.get(cut.kind, DnssecStatus.INDETERMINATE)
            reason = cut.reason
            if cut.kind == "insecure":
                link = await self.insecure_link(child, cut.reason)
                chain.append(link)
                reason = link.reason
            return self.result(qname, rdtype, status, reason, chain)
        return await self.answer(zone, qname, rdtype, chain, depth=depth, seen=seen)

    async def anchor_zone(self, zone_name: dns.name.Name) -> _Zone:
        ds_set = self.anchors.ds.get(zone_name, ())
        key_anchors = self.anchors.dnskeys.get(zone_name, ())
        return await self.zone_keys(zone_name, None, ds_set, key_anchors)

    async def child_zone(self, zone_name: dns.name.Name, parent: dns.name.Name, ds_set: tuple[DS, ...]) -> _Zone:
        return await self.zone_keys(zone_name, parent, ds_set, ())

    async def zone_keys(
        self,
        zone_name: dns.name.Name,
        parent: dns.name.Name | None,
        ds_set: tuple[DS, ...],
        key_anchors: tuple[DNSKEY, ...],
    ) -> _Zone:
        """Validate the DNSKEY RRset of ``zone_name`` against its DS set or anchor keys (RFC 4035 §5.2)."""
        where = f"at {_text(parent)}" if parent is not None else "in the trust anchor"
        ds_infos = tuple(ds_info(d) for d in ds_set)

        def link(status: DnssecStatus, reason: str, keys: Iterable[DNSKEY] = ()) -> ZoneLink:
            return ZoneLink(_text(zone_name), status, ds_infos, tuple(key_info(k) for k in keys), reason)

        message, failure = await self.ask(zone_name, dns.rdatatype.DNSKEY)
        if message is None:
            return _Zone(
                zone_name,
                link(DnssecStatus.INDETERMINATE, f"DNSKEY query for {_text(zone_name)} failed: {failure}"),
            )
        rcode = message.rcode()
        if rcode not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            return _Zone(
                zone_name,
                link(
                    DnssecStatus.INDETERMINATE,
                    f"DNSKEY query for {_text(zone_name)} answered {dns.rcode.to_text(rcode)}",
                ),
            )
        keyset = message.get_rrset(message.answer, zone_name, dns.rdataclass.IN, dns.rdatatype.DNSKEY)
        if keyset is None or len(keyset) == 0:
            expected = ", ".join(f"DS {d}" for d in ds_infos) or "a DNSKEY trust anchor"
            return _Zone(
                zone_name,
                link(
                    DnssecStatus.BOGUS,
                    f"{_text(zone_name)} publishes no DNSKEY although {expected} {where} says it is signed",
                ),
            )
        keys = tuple(k for k in keyset if isinstance(k, DNSKEY))
        sigs = _rrsigs(message, zone_name, dns.rdatatype.DNSKEY)
        trusted: list[DNSKEY] = []
        if key_anchors:
            trusted = [k for k in keys if k in key_anchors]
            if not trusted:
                anchored = ", ".join(str(key_info(k)) for k in key_anchors)
                return _Zone(
                    zone_name,
                    link(
                        DnssecStatus.BOGUS,
                        f"no DNSKEY of {_text(zone_name)} equals a trust-anchor key ({anchored})",
                        keys,
                    ),
                )
        if ds_set:
            usable = [d for d in ds_set if d.digest_type in _SUPPORTED_DIGESTS and _algorithm_supported(d.algorithm)]
            if not usable and not trusted:
                listed = ", ".join(f"DS {d}" for d in ds_infos)
                return _Zone(
                    zone_name,
                    link(
                        DnssecStatus.INSECURE,
                        f"{listed} {where} for {_text(zone_name)} uses only algorithms or digest "
                        "types this validator does not support; treated as unsigned (RFC 4035 §5.2)",
                        keys,
                    ),
                )
            for d in usable:
                for k in keys:
                    # RFC 4035 §5.2: the key must be a zone key (RFC 4034 §2.1.1) matching tag and algorithm
                    if not k.flags & 0x0100 or k.flags & 0x0080:  # ZONE set, REVOKE (RFC 5011) not set
                        continue
                    if dns.dnssec.key_id(k) != d.key_tag or k.algorithm != d.algorithm:
                        continue
                    try:
                        made = dns.dnssec.make_ds(zone_name, k, d.digest_type, policy=_POLICY, validating=True)
                    except (dns.exception.DNSException, ValueError):
                        continue
                    if made.digest == d.digest and k not in trusted:
                        trusted.append(k)
            if not trusted:
                present = ", ".join(str(key_info(k)) for k in keys)
                listed = ", ".join(f"DS {d}" for d in ds_infos)
                return _Zone(
                    zone_name,
                    link(
                        DnssecStatus.BOGUS,
                        f"{listed} {where} matches no DNSKEY of {_text(zone_name)} (DNSKEYs present: {present})",
                        keys,
                    ),
                )
        failure = self.verify(keyset, sigs, zone_name, trusted)
        if failure:
            return _Zone(zone_name, link(DnssecStatus.BOGUS, failure, keys))
        signer = ", ".join(str(key_info(k)) for k in trusted)
        return _Zone(
            zone_name,
            link(
                DnssecStatus.SECURE,
                f"DNSKEY RRset of {_text(zone_name)} is signed by {signer}, which matches "
                f"{'the trust anchor' if parent is None else 'the DS at ' + _text(parent)}",
                keys,
            ),
            keys,
        )

    async def insecure_link(self, child: dns.name.Name, reason: str) -> ZoneLink:
        """The link for a zone with an authenticated absence of DS (its DNSKEYs, if any, for evidence)."""
        message, _ = await self.ask(child, dns.rdatatype.DNSKEY)
        keys: tuple[KeyInfo, ...] = ()
        if message is not None:
            keyset = message.get_rrset(message.answer, child, dns.rdataclass.IN, dns.rdatatype.DNSKEY)
            if keyset is not None:
                keys = tuple(key_info(k) for k in keyset if isinstance(k, DNSKEY))
        if keys:
            reason += (
                f"; {_text(child)} does publish DNSKEYs "
                f"({', '.join(str(k) for k in keys)}) — a DS at the parent is missing"
            )
        return ZoneLink(_text(child), DnssecStatus.INSECURE, (), keys, reason)

    async def delegation(self, zone: _Zone, child: dns.name.Name) -> _Cut:
        """Ask DS for ``child`` (a name below ``zone``) and classify it (RFC 4035 §5.2, RFC 5155 §8.6)."""
        message, failure = await self.ask(child, dns.rdatatype.DS)
        if message is None:
            return _Cut("indeterminate", f"DS query for {_text(child)} failed: {failure}")
        rcode = message.rcode()
        if rcode not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            return _Cut(
                "indeterminate",
                f"DS query for {_text(child)} answered {dns.rcode.to_text(rcode)}",
            )
        ds_rrset = message.get_rrset(message.answer, child, dns.rdataclass.IN, dns.rdatatype.DS)
        if ds_rrset is not None and len(ds_rrset):
            failure = self.verify(ds_rrset, _rrsigs(message, child, dns.rdatatype.DS), zone.name, zone.keys)
            if failure:
                return _Cut("bogus", failure)
            return _Cut("secure", ds=tuple(d for d in ds_rrset if isinstance(d, DS)))
        if message.get_rrset(message.answer, child, dns.rdataclass.IN, dns.rdatatype.CNAME):
            return _Cut("stop")  # an alias: nothing exists below it, the answer step follows it
        if rcode == dns.rcode.NXDOMAIN:
            return _Cut("stop")  # the answer step proves the NXDOMAIN
        # NODATA: is this an insecure delegation (NS without DS) or just a name inside the zone?
        nsecs = _authority(message, dns.rdatatype.NSEC)
        nsec3s = _authority(message, dns.rdatatype.NSEC3)
        for rrset in nsecs:
            if rrset.name == child:
                nsec = rrset[0]
                assert isinstance(nsec, NSEC)
                types = _types_of(nsec)
                if dns.rdatatype.NS in types and dns.rdatatype.SOA not in types:
                    if dns.rdatatype.DS in types:
                        return _Cut(
                            "bogus",
                            f"NSEC at {_text(child)} lists DS but the DS query returned none",
                        )
                    failure = self.verify(rrset, _rrsigs(message, child, dns.rdatatype.NSEC), zone.name, zone.keys)
                    if failure:
                        return _Cut("bogus", f"denial of DS for {_text(child)}: {failure}")
                    return _Cut(
                        "insecure",
                        f"{_text(zone.name)} delegates {_text(child)} without DS "
                        f"(proven by the NSEC at {_text(child)}: NS but no DS)",
                    )
                return _Cut("none")
        if nsecs:
            return _Cut("none")  # an NSEC covering the name: empty non-terminal, no zone cut
        if nsec3s:
            return self.nsec3_delegation(zone, child, message, nsec3s)
        if _is_signed_zone_soa(message, zone.name) or zone.keys:
            return _Cut(
                "bogus",
                f"no DS for {_text(child)} and no NSEC/NSEC3 proving its absence "
                f"from the signed zone {_text(zone.name)}",
            )
        return _Cut("none")

    def nsec3_delegation(
        self,
        zone: _Zone,
        child: dns.name.Name,
        message: dns.message.Message,
        nsec3s: list[dns.rrset.RRset],
    ) -> _Cut:
        params = _nsec3_params(nsec3s)
        if params is None:
            return _Cut("bogus", f"NSEC3 records for {_text(child)} disagree on their parameters")
        if params[1] > MAX_NSEC3_ITERATIONS:
            return _Cut(
                "insecure",
                f"NSEC3 of {_text(zone.name)} uses {params[1]} iterations "
                f"(> {MAX_NSEC3_ITERATIONS}); treated as insecure (RFC 9276 §3.2)",
            )
        hashed = {_nsec3_owner_hash(r): r for r in nsec3s}
        child_hash = _nsec3_hash(child, params)
        match = hashed.get(child_hash)
        if match is not None:
            rd = match[0]
            assert isinstance(rd, NSEC3)
            types = _types_of(rd)
            if dns.rdatatype.NS in types and dns.rdatatype.SOA not in types:
                if dns.rdatatype.DS in types:
                    return _Cut("bogus", f"NSEC3 for {_text(child)} lists DS but the DS query returned none")
                failure = self.verify(match, _rrsigs(message, match.name, dns.rdatatype.NSEC3), zone.name, zone.keys)
                if failure:
                    return _Cut("bogus", f"denial of DS for {_text(child)}: {failure}")
                return _Cut(
                    "insecure",
                    f"{_text(zone.name)} delegates {_text(child)} without DS "
                    f"(proven by the NSEC3 {child_hash.upper()}: NS but no DS)",
                )
            return _Cut("none")
        # RFC 5155 §8.6: no matching NSEC3 — an opt-out span covering the next closer name is insecure.
        encloser = _closest_encloser(child, zone.name, hashed, params)
        if encloser is None:
            return _Cut("none")
        next_closer = child.split(len(encloser) + 1)[1]
        covering = _nsec3_covering(_nsec3_hash(next_closer, params), nsec3s)
        if covering is not None:
            rd = covering[0]
            assert isinstance(rd, NSEC3)
            if rd.flags & 0x01:
                failure = self.verify(
                    covering,
                    _rrsigs(message, covering.name, dns.rdatatype.NSEC3),
                    zone.name,
                    zone.keys,
                )
                if failure:
                    return _Cut("bogus", f"opt-out denial of DS for {_text(child)}: {failure}")
                return _Cut(
                    "insecure",
                    f"{_text(zone.name)} delegates {_text(child)} without DS "
                    "(inside an NSEC3 opt-out span, RFC 5155 §6)",
                )
        return _Cut("none")

    async def answer(
        self,
        zone: _Zone,
        qname: dns.name.Name,
        rdtype: int,
        chain: list[ZoneLink],
        *,
        depth: int,
        seen: frozenset[dns.name.Name],
    ) -> DnssecResult:
        """Validate the answer (or the denial) for ``qname``/``rdtype`` in the secure ``zone``."""
        message, failure = await self.ask(qname, rdtype)
        if message is None:
            return self.result(
                qname,
                rdtype,
                DnssecStatus.INDETERMINATE,
                f"{_text(qname)} {_type(rdtype)} query failed: {failure}",
                chain,
            )
        rcode = message.rcode()
        rcode_text = dns.rcode.to_text(rcode)
        if rcode not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            return self.result(
                qname,
                rdtype,
                DnssecStatus.INDETERMINATE,
                f"{_text(qname)} {_type(rdtype)}: the resolver answered {rcode_text}",
                chain,
                rcode=rcode_text,
            )
        rrset = message.get_rrset(message.answer, qname, dns.rdataclass.IN, dns.rdatatype.RdataType.make(rdtype))
        if rrset is not None and len(rrset):
            sigs = _rrsigs(message, qname, rdtype)
            failure = self.verify(rrset, sigs, zone.name, zone.keys)
            if failure:
                return self.result(qname, rdtype, DnssecStatus.BOGUS, failure, chain, rcode=rcode_text)
            if any(s.labels < _label_count(qname) for s in sigs) and not (
                _authority(message, dns.rdatatype.NSEC) or _authority(message, dns.rdatatype.NSEC3)
            ):
                # RFC 4035 §5.3.4: a wildcard expansion needs proof that the name itself does not exist
                return self.result(
                    qname,
                    rdtype,
                    DnssecStatus.BOGUS,
                    f"{_text(qname)} {_type(rdtype)} is a wildcard expansion without NSEC/NSEC3 "
                    "proof that the name does not exist",
                    chain,
                    rcode=rcode_text,
                )
            return self.result(
                qname,
                rdtype,
                DnssecStatus.SECURE,
                f"{_text(qname)} {_type(rdtype)} is signed by "
                f"{_describe_signers(sigs, zone.keys)} of {_text(zone.name)}, "
                f"chained to the trust anchor at {chain[0].zone}",
                chain,
                rcode=rcode_text,
            )
        cname = message.get_rrset(message.answer, qname, dns.rdataclass.IN, dns.rdatatype.CNAME)
        if cname is not None and len(cname) and rdtype != dns.rdatatype.CNAME:
            sigs = _rrsigs(message, qname, dns.rdatatype.CNAME)
            failure = self.verify(cname, sigs, zone.name, zone.keys)
            if failure:
                return self.result(qname, rdtype, DnssecStatus.BOGUS, failure, chain, rcode=rcode_text)
            target = cname[0].target
            if target in seen or target == qname:
                return self.result(
                    qname,
                    rdtype,
                    DnssecStatus.INDETERMINATE,
                    f"CNAME loop at {_text(qname)} -> {_text(target)}",
                    chain,
                    rcode=rcode_text,
                )
            if depth >= MAX_CNAME_DEPTH:
                return self.result(
                    qname,
                    rdtype,
                    DnssecStatus.INDETERMINATE,
                    f"CNAME chain longer than {MAX_CNAME_DEPTH} at {_text(qname)}",
                    chain,
                    rcode=rcode_text,
                )
            sub = await self.run(target, rdtype, depth=depth + 1, seen=seen | {qname})
            reason = f"{_text(qname)} is a signed CNAME to {_text(target)}; {sub.reason}"
            return DnssecResult(
                qname=_text(qname),
                rdtype=_type(rdtype),
                status=sub.status,
                reason=reason,
                zone=sub.zone,
                chain=tuple(chain) + tuple(link for link in sub.chain if link not in chain),
                rcode=sub.rcode,
                now=self.now_dt,
            )
        return self.denial(zone, qname, rdtype, message, chain, rcode_text=rcode_text)

    def denial(
        self,
        zone: _Zone,
        qname: dns.name.Name,
        rdtype: int,
        message: dns.message.Message,
        chain: list[ZoneLink],
        *,
        rcode_text: str,
    ) -> DnssecResult:
        """Authenticated denial of existence for NXDOMAIN / NODATA (RFC 4035 §5.4, RFC 5155 §8)."""
        what = "NXDOMAIN" if rcode_text == "NXDOMAIN" else f"no {_type(rdtype)} record"
        nsecs = _authority(message, dns.rdatatype.NSEC)
        nsec3s = _authority(message, dns.rdatatype.NSEC3)

        def bogus(reason: str) -> DnssecResult:
            return self.result(qname, rdtype, DnssecStatus.BOGUS, reason, chain, rcode=rcode_text)

        for rrset in (*nsecs, *nsec3s):
            failure = self.verify(rrset, _rrsigs(message, rrset.name, rrset.rdtype), zone.name, zone.keys)
            if failure:
                return bogus(f"denial for {_text(qname)} {_type(rdtype)}: {failure}")
        if not nsecs and not nsec3s:
            return bogus(
                f"{_text(qname)} {_type(rdtype)}: {what}, but the signed zone {_text(zone.name)} "
                "sent no NSEC/NSEC3 proof"
            )
        proof = (
            _nsec_proof(qname, rdtype, zone.name, nsecs, rcode_text == "NXDOMAIN")
            if nsecs
            else _nsec3_proof(qname, rdtype, zone.name, nsec3s, rcode_text == "NXDOMAIN")
        )
        if proof.startswith("!"):
            return bogus(f"{_text(qname)} {_type(rdtype)}: {what}, but {proof[1:]}")
        if proof.startswith("?"):
            return self.result(qname, rdtype, DnssecStatus.INSECURE, proof[1:], chain, rcode=rcode_text)
        return self.result(
            qname,
            rdtype,
            DnssecStatus.SECURE,
            f"{_text(qname)} {_type(rdtype)}: {what}, authenticated by {proof}",
            chain,
            rcode=rcode_text,
        )

    def verify(
        self,
        rrset: dns.rrset.RRset,
        sigs: list[RRSIG],
        zone: dns.name.Name,
        keys: Iterable[DNSKEY],
    ) -> str:
        """'' when some RRSIG over ``rrset`` by ``zone`` verifies with ``keys``; else the precise reason."""
        what = f"{_text(rrset.name)} {_type(rrset.rdtype)}"
        keylist = list(keys)
        if not sigs:
            return f"{what} has no RRSIG in the signed zone {_text(zone)}"
        reasons: list[str] = []
        tried = 0
        for sig in sigs:
            if tried >= MAX_SIGS_PER_RRSET:
                # KeyTrap (CVE-2023-50387): many signatures x colliding key tags make validation quadratic.
                reasons.append(f"gave up after {MAX_SIGS_PER_RRSET} of {len(sigs)} RRSIGs for {what} (work limit)")
                break
            if self.crypto_ops >= MAX_CRYPTO_PER_VALIDATION:
                reasons.append(f"validation work limit of {MAX_CRYPTO_PER_VALIDATION} signature checks reached")
                break
            if sig.signer != zone:
                reasons.append(f"RRSIG for {what} names signer {_text(sig.signer)}, expected {_text(zone)}")
                continue
            candidates = [k for k in keylist if dns.dnssec.key_id(k) == sig.key_tag and k.algorithm == sig.algorithm]
            window = f"valid {_iso(sig.inception)} to {_iso(sig.expiration)}"
            if not candidates:
                present = ", ".join(str(key_info(k)) for k in keylist) or "none"
                reasons.append(
                    f"RRSIG for {what} by key {sig.key_tag} (algorithm {int(sig.algorithm)}) "
                    f"has no matching usable DNSKEY in {_text(zone)} (usable keys: {present})"
                )
                continue
            if sig.expiration < self.now:
                reasons.append(
                    f"RRSIG for {what} by key {sig.key_tag} expired {_iso(sig.expiration)} "
                    f"(inception {_iso(sig.inception)}; now {_iso(self.now)})"
                )
                continue
            if sig.inception > self.now:
                reasons.append(
                    f"RRSIG for {what} by key {sig.key_tag} is not yet valid: inception "
                    f"{_iso(sig.inception)} (expiration {_iso(sig.expiration)}; now {_iso(self.now)})"
                )
                continue
            tried += 1
            self.crypto_ops += min(len(candidates), MAX_KEYS_PER_SIG)
            try:
                dns.dnssec.validate_rrsig(
                    rrset,
                    sig,
                    {zone: dns.rdataset.from_rdata_list(0, candidates[:MAX_KEYS_PER_SIG])},
                    now=self.now,
                    policy=_POLICY,
                )
                return ""
            except UnsupportedAlgorithm:
                reasons.append(f"RRSIG for {what} by key {sig.key_tag} uses unsupported algorithm {int(sig.algorithm)}")
            except ValidationFailure as exc:
                reasons.append(f"RRSIG for {what} by key {sig.key_tag} ({window}) does not verify: {exc}")
        return "; ".join(reasons)


def _label_count(name: dns.name.Name) -> int:
    """RFC 4034 §3.1.3: labels without the root and a leading wildcard."""
    count = len(name) - 1
    return count - 1 if name.is_wild() else count


def _describe_signers(sigs: list[RRSIG], keys: Iterable[DNSKEY]) -> str:
    tags = {dns.dnssec.key_id(k) for k in keys}
    used = sorted({s.key_tag for s in sigs if s.key_tag in tags})
    return "key " + ", ".join(str(t) for t in used) if used else "a key"


def _rrsigs(message: dns.message.Message, name: dns.name.Name, covers: int) -> list[RRSIG]:
    found: list[RRSIG] = []
    for section in (message.answer, message.authority):
        rrset = message.get_rrset(
            section,
            name,
            dns.rdataclass.IN,
            dns.rdatatype.RRSIG,
            dns.rdatatype.RdataType.make(covers),
        )
        if rrset is not None:
            found.extend(s for s in rrset if isinstance(s, RRSIG))
    return found


def _authority(message: dns.message.Message, rdtype: int) -> list[dns.rrset.RRset]:
    return [r for r in message.authority if r.rdtype == rdtype and len(r)]


def _is_signed_zone_soa(message: dns.message.Message, zone: dns.name.Name) -> bool:
    return any(r.rdtype == dns.rdatatype.SOA and r.name == zone for r in message.authority)


def _nsec_covers(owner: dns.name.Name, nxt: dns.name.Name, name: dns.name.Name) -> bool:
    """RFC 4034 §6.1 canonical order: ``owner < name < next``, wrapping at the zone's last NSEC."""
    if owner < nxt:
        return bool(owner < name < nxt)
    return bool(name > owner or name < nxt)


def _nsec_proof(
    qname: dns.name.Name,
    rdtype: int,
    zone: dns.name.Name,
    nsecs: list[dns.rrset.RRset],
    nxdomain: bool,
) -> str:
    """Text naming the proof; prefixed with '!' when the NSEC records do not prove the denial."""
    records = [(r.name, r[0]) for r in nsecs if isinstance(r[0], NSEC)]
    if not nxdomain:
        for owner, rd in records:
            if owner == qname:
                types = _types_of(rd)
                if rdtype in types or dns.rdatatype.CNAME in types:
                    return f"!the NSEC at {_text(owner)} lists {_type(rdtype)}"
                return f"the NSEC at {_text(owner)} (types: {_types_text(types)})"
        for owner, rd in records:
            if _nsec_covers(owner, rd.next, qname) and rd.next.is_subdomain(qname):
                return f"the NSEC {_text(owner)} -> {_text(rd.next)} (empty non-terminal)"
        for owner, rd in records:
            # RFC 4035 §3.1.3.4: wildcard NODATA — an NSEC at the matching wildcard without the type
            if owner.is_wild() and qname.is_subdomain(owner.parent()):
                types = _types_of(rd)
                if rdtype not in types and dns.rdatatype.CNAME not in types:
                    return f"the wildcard NSEC at {_text(owner)}"
        return f"!no NSEC matches {_text(qname)}"
    cover = next(((o, rd) for o, rd in records if _nsec_covers(o, rd.next, qname)), None)
    if cover is None:
        return f"!no NSEC covers {_text(qname)}"
    owner, rd = cover
    # RFC 4035 §5.4: the closest encloser is the longest common ancestor of qname with the covering NSEC.
    common = max(qname.fullcompare(owner)[2], qname.fullcompare(rd.next)[2])
    ce = qname.split(min(common, len(qname)))[1]
    if not ce.is_subdomain(zone):
        ce = zone
    wildcard = dns.name.Name((b"*", *ce.labels))
    wild_ok = any(_nsec_covers(o, r.next, wildcard) for o, r in records)
    if not wild_ok:
        return f"!no NSEC proves that the wildcard {_text(wildcard)} does not exist"
    return f"the NSEC {_text(owner)} -> {_text(rd.next)}"


def _types_text(types: set[int]) -> str:
    return " ".join(_type(t) for t in sorted(types))


NSEC3Params = tuple[bytes, int, int]  # salt, iterations, hash algorithm


def _nsec3_params(nsec3s: list[dns.rrset.RRset]) -> NSEC3Params | None:
    params = {(r[0].salt, r[0].iterations, r[0].algorithm) for r in nsec3s if isinstance(r[0], NSEC3)}
    if len(params) != 1:
        return None
    salt, iterations, algorithm = params.pop()
    return bytes(salt), int(iterations), int(algorithm)


def _nsec3_hash(name: dns.name.Name, params: NSEC3Params) -> str:
    salt, iterations, algorithm = params
    return dns.dnssec.nsec3_hash(name, salt or None, iterations, algorithm).lower()


def _nsec3_owner_hash(rrset: dns.rrset.RRset) -> str:
    return rrset.name.labels[0].decode("ascii", "replace").lower()


def _nsec3_next_hash(rd: NSEC3) -> str:
    return base64.b32hexencode(rd.next).decode("ascii").rstrip("=").lower()


def _nsec3_covering(hashed: str, nsec3s: list[dns.rrset.RRset]) -> dns.rrset.RRset | None:
    for rrset in nsec3s:
        rd = rrset[0]
        if not isinstance(rd, NSEC3):
            continue
        owner, nxt = _nsec3_owner_hash(rrset), _nsec3_next_hash(rd)
        inside = owner < hashed < nxt if owner < nxt else hashed > owner or hashed < nxt
        if inside:
            return rrset
    return None


def _closest_encloser(
    name: dns.name.Name,
    zone: dns.name.Name,
    hashed: Mapping[str, dns.rrset.RRset],
    params: NSEC3Params,
) -> dns.name.Name | None:
    """RFC 5155 §8.3: the closest ancestor of ``name`` (within ``zone``) with a matching NSEC3."""
    candidate = name.parent() if name != zone else name
    while True:
        if _nsec3_hash(candidate, params) in hashed:
            return candidate
        if candidate in (zone, dns.name.root):
            return None
        candidate = candidate.parent()


def _nsec3_proof(
    qname: dns.name.Name,
    rdtype: int,
    zone: dns.name.Name,
    nsec3s: list[dns.rrset.RRset],
    nxdomain: bool,
) -> str:
    """Text naming the proof; '!' prefix: the records prove nothing; '?' prefix: insecure (opt-out)."""
    params = _nsec3_params(nsec3s)
    if params is None:
        return "!the NSEC3 records disagree on their parameters"
    if params[1] > MAX_NSEC3_ITERATIONS:
        return (
            f"?NSEC3 of {_text(zone)} uses {params[1]} iterations (> {MAX_NSEC3_ITERATIONS}); "
            "treated as insecure (RFC 9276 §3.2)"
        )
    hashed = {_nsec3_owner_hash(r): r for r in nsec3s}
    qhash = _nsec3_hash(qname, params)
    if not nxdomain and qhash in hashed:
        rd = hashed[qhash][0]
        assert isinstance(rd, NSEC3)
        types = _types_of(rd)
        if rdtype in types or dns.rdatatype.CNAME in types:
            return f"!the NSEC3 for {_text(qname)} lists {_type(rdtype)}"
        return f"the NSEC3 {qhash.upper()} for {_text(qname)} (types: {_types_text(types)})"
    encloser = _closest_encloser(qname, zone, hashed, params)
    if encloser is None:
        return f"!no NSEC3 proves a closest encloser of {_text(qname)}"
    next_closer = qname.split(len(encloser) + 1)[1]
    covering = _nsec3_covering(_nsec3_hash(next_closer, params), nsec3s)
    if covering is None:
        return f"!no NSEC3 covers the next closer name {_text(next_closer)}"
    rd = covering[0]
    assert isinstance(rd, NSEC3)
    if not nxdomain:
        # RFC 5155 §8.6 (DS) and §8.7 (wildcard NODATA)
        if rdtype == dns.rdatatype.DS and rd.flags & 0x01:
            return f"?{_text(qname)} is inside an NSEC3 opt-out span (RFC 5155 §6)"
        wild = dns.name.Name((b"*", *encloser.labels))
        wild_rr = hashed.get(_nsec3_hash(wild, params))
        if wild_rr is not None:
            wrd = wild_rr[0]
            assert isinstance(wrd, NSEC3)
            if rdtype not in _types_of(wrd) and dns.rdatatype.CNAME not in _types_of(wrd):
                return f"the NSEC3 for the wildcard {_text(wild)}"
        return f"!no NSEC3 matches {_text(qname)}"
    wildcard = dns.name.Name((b"*", *encloser.labels))
    if _nsec3_covering(_nsec3_hash(wildcard, params), nsec3s) is None:
        if rd.flags & 0x01:
            return f"?{_text(qname)} is inside an NSEC3 opt-out span (RFC 5155 §6)"
        return f"!no NSEC3 proves that the wildcard {_text(wildcard)} does not exist"
    if rd.flags & 0x01:
        # RFC 5155 §9.2: opt-out only proves insecurity, not non-existence
        return f"?{_text(qname)} is inside an NSEC3 opt-out span (RFC 5155 §6)"
    return f"NSEC3 (closest encloser {_text(encloser)}, next closer {_text(next_closer)} covered)"
