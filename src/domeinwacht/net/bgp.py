"""RPKI and BGP data: VRP exports, prefix-to-origin tables, longest-prefix match and RFC 6811 validation.

The scanner does not speak BGP or RPKI itself. It reads two files the operator configures
(``ScanOptions.vrp_file`` and ``ScanOptions.pfx2as_file``):

* a **VRP export** of an RPKI relying party, JSON as written by rpki-client (``-j``) and Routinator
  (``--format json`` / ``jsonext``)::

      {"metadata": {...}, "roas": [{"asn": "AS64500", "prefix": "192.0.2.0/24", "maxLength": 24, "ta": "ripe"}]}

  ``asn`` may be a number, ``"64500"``, ``"AS64500"`` or asdot ``"AS1.10"``; ``maxLength`` may be absent (then it
  is the prefix length, RFC 6482 section 3.3); the trust anchor is ``ta``, ``tal`` or ``source[0].tal``. The
  list may also be the whole document, or sit under ``"vrps"`` or under a ``"data"`` wrapper.
* a **prefix-to-origin table** (routes seen in BGP), one route per line, ``#``/``%`` comments allowed:
  ``192.0.2.0/24 64500`` (prefix, origin; tab or spaces), RIPE RIS ``riswhoisdump`` lines
  ``64500<TAB>192.0.2.0/24<TAB>312`` (origin, prefix, peers seeing it), or CAIDA pfx2as
  ``192.0.2.0<TAB>24<TAB>64500`` where the origin field may be a multi-origin ``64500_64501`` (two routes) or an
  AS_SET ``64500,64501`` / ``{64500,64501}`` (one route whose origin is NONE, RFC 6811). ``.gz`` files are read
  transparently.

Bad input raises ``BgpDataError`` naming the file, the line (text tables, JSON syntax) or the entry index
(``roas[17]``) and the reason.

Lookups use one hash table per prefix length (the classic "hash per length" longest-prefix-match layout):
covering prefixes of an address are found with one dictionary probe per prefix length present in the data (at
most 33 for IPv4 and 129 for IPv6, in practice ~25 and ~60), so a lookup costs microseconds whatever the table
size, and loading is one dictionary insert per entry. ``tests/rpki/bench_lookup.py`` (a bench note, not a test)
measured on this 2-core machine under load, in CPU seconds: 500,000 synthetic VRPs load in 4.7 s (JSON parsing
included) and 500,000 routes in 5.4 s, both tables holding ~150 MB; one address lookup (covering VRPs, covering
routes and the RFC 6811 state of each) takes ~170 µs, against ~430 ms for a naive scan of the VRP list alone
(~2,600x slower).

``observe_rpki(ips, env)`` is what the web and mail observers call: it loads both tables once per run (through
``ProbeContext.shared``, in a worker thread) and records a missing or unreadable file in the observation, so that the
checks say ``error`` — never ``pass`` — without data.
"""

from __future__ import annotations

import asyncio
import gzip
import io
import ipaddress
import json
import socket
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from domeinwacht.net.context import ProbeContext
from domeinwacht.observations.rpki import IpRpki, RouteValidation, RovState, RpkiObservation, Vrp

__all__ = [
    "MAX_FILE_BYTES",
    "BgpDataError",
    "RouteTable",
    "RpkiTables",
    "VrpTable",
    "load_routes",
    "load_tables",
    "load_vrps",
    "observe_rpki",
    "parse_routes",
    "parse_vrps",
    "validate_route",
]

MAX_FILE_BYTES = 1 << 30  # 1 GiB: a full VRP export is ~60 MB, a CAIDA pfx2as file ~20 MB
_BITS = {4: 32, 6: 128}
_FAMILY = {4: socket.AF_INET, 6: socket.AF_INET6}
_ALL_ONES = {v: (1 << b) - 1 for v, b in _BITS.items()}
_MASKS = {v: [_ALL_ONES[v] ^ ((1 << (b - n)) - 1) for n in range(b + 1)] for v, b in _BITS.items()}
_HOSTMASKS = {v: [(1 << (b - n)) - 1 for n in range(b + 1)] for v, b in _BITS.items()}
_MAX_ASN = (1 << 32) - 1


class BgpDataError(Exception):
    """A VRP export or prefix-to-origin table that cannot be used.

    Attributes:
        source: the file (or ``<input>``).
        where: ``line 12``, ``line 3 column 7`` or ``roas[17]``; empty for whole-file problems.
        reason: what is wrong.
    """

    def __init__(self, source: str, where: str, reason: str) -> None:
        self.source = source
        self.where = where
        self.reason = reason
        super().__init__(f"{source}: {where}: {reason}" if where else f"{source}: {reason}")


# --- prefixes -------------------------------------------------------------------------------------------------


def _parse_address(text: str) -> tuple[int, int]:
    """``(version, integer)`` of an IPv4 or IPv6 address; ``ValueError`` with the reason otherwise."""
    version = 6 if ":" in text else 4
    try:
        packed = socket.inet_pton(_FAMILY[version], text)
    except (OSError, ValueError):
        raise ValueError(f"{text!r} is not an IPv{version} address") from None
    return version, int.from_bytes(packed, "big")


_LENGTHS = {str(n): n for n in range(129)}  # strict: no signs, spaces, underscores or non-ASCII digits


def _parse_length(text: str, version: int) -> int:
    length = _LENGTHS.get(text)
    if length is None:
        if text.isascii() and text.isdigit() and int(text) > _BITS[version]:
            raise ValueError(f"prefix length {text} exceeds {_BITS[version]} for IPv{version}")
        raise ValueError(f"prefix length {text!r} is not a number")
    if length > _BITS[version]:
        raise ValueError(f"prefix length {length} exceeds {_BITS[version]} for IPv{version}")
    return length


def _parse_prefix(text: str) -> tuple[int, int, int]:
    """``(version, network, length)`` of a CIDR prefix; host bits must be zero.

    This is the loaders' hot path (one call per VRP and per route), hence written out.
    """
    address, slash, length_text = text.partition("/")
    if not slash:
        raise ValueError(f"{text!r} is not a prefix (no /length)")
    version = 6 if ":" in address else 4
    try:
        value = int.from_bytes(socket.inet_pton(_FAMILY[version], address), "big")
    except (OSError, ValueError):
        raise ValueError(f"{address!r} is not an IPv{version} address") from None
    length = _LENGTHS.get(length_text, 999)
    if length > _BITS[version]:
        _parse_length(length_text, version)  # raises with the precise reason
    if value & _HOSTMASKS[version][length]:
        raise ValueError(f"{text!r} has host bits set")
    return version, value, length


def _check_network(version: int, value: int, length: int, text: str) -> int:
    if value & _HOSTMASKS[version][length]:
        raise ValueError(f"{text!r} has host bits set")
    return length


def _format_prefix(version: int, network: int, length: int) -> str:
    # ipaddress writes RFC 5952 text; inet_ntop would write ``::0.1.0.0`` for ``::1:0``.
    address = ipaddress.IPv4Address(network) if version == 4 else ipaddress.IPv6Address(network)
    return f"{address}/{length}"


def _parse_asn(value: Any) -> int:
    """An AS number from ``64500``, ``"64500"``, ``"AS64500"`` or asdot ``"AS1.10"`` (RFC 5396)."""
    if type(value) is str:  # the common case, written out: "AS64500" or "64500"
        digits = value[2:] if value[:2] in ("AS", "as") else value
        if digits.isdigit() and digits.isascii() and len(digits) <= 10:
            number = int(digits)
            if number > _MAX_ASN:
                raise ValueError(f"AS number {value!r} out of range 0..{_MAX_ASN}")
            return number
    if isinstance(value, bool):
        raise ValueError(f"AS number {value!r} is not a number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if text[:2].upper() == "AS":
            text = text[2:]
        high, dot, low = text.partition(".")
        parts = (high, low) if dot else (high,)
        if not all(p.isascii() and p.isdigit() and len(p) <= 10 for p in parts):
            raise ValueError(f"AS number {value!r} is not a number")
        if dot:
            if int(high) > 0xFFFF or int(low) > 0xFFFF:
                raise ValueError(f"asdot AS number {value!r} out of range")
            number = (int(high) << 16) | int(low)
        else:
            number = int(high)
    else:
        raise ValueError(f"AS number {value!r} is not a number")
    if not 0 <= number <= _MAX_ASN:
        raise ValueError(f"AS number {value!r} out of range 0..{_MAX_ASN}")
    return number


# --- the per-length hash tables ---------------------------------------------------------------------------------


@dataclass
class _PrefixIndex:
    """``version -> length -> network -> value(s)``, plus the lengths present, longest first.

    A network with one value stores it bare and only a network with several stores a list (most prefixes have
    one ROA and one origin; this halves the memory of a full table). Values themselves are never lists.
    """

    tables: dict[int, dict[int, dict[int, Any]]] = field(default_factory=lambda: {4: {}, 6: {}})
    lengths: dict[int, list[int]] = field(default_factory=lambda: {4: [], 6: []})

    def add(self, version: int, network: int, length: int, value: Any, same: Callable[[Any, Any], bool]) -> bool:
        """Store ``value`` unless an equal one (by ``same``) is there; ``True`` when stored."""
        by_length = self.tables[version].get(length)
        if by_length is None:
            by_length = self.tables[version][length] = {}
            self.lengths[version] = sorted(self.tables[version], reverse=True)
        current = by_length.get(network)
        if current is None:
            by_length[network] = value
            return True
        if type(current) is list:
            if any(same(v, value) for v in current):
                return False
            current.append(value)
            return True
        if same(current, value):
            return False
        by_length[network] = [current, value]
        return True

    def covering(self, version: int, value: int, max_length: int) -> Iterator[tuple[int, int, Sequence[Any]]]:
        """``(length, network, values)`` of every stored prefix containing ``value``/``max_length``,
        longest first."""
        masks = _MASKS[version]
        tables = self.tables[version]
        for length in self.lengths[version]:
            if length > max_length:
                continue
            network = value & masks[length]
            values = tables[length].get(network)
            if values is not None:
                yield length, network, values if type(values) is list else (values,)


def _same_vrp(a: int, b: int) -> bool:
    return a >> 8 == b >> 8  # same AS and maxLength, whatever the trust anchor


def _same_origin(a: Any, b: Any) -> bool:
    return bool(a == b)


# A VRP is packed into one int: asn << 16 | max_length << 8 | trust-anchor index (memory: ~500k of them).
def _pack(asn: int, max_length: int, ta_index: int) -> int:
    return (asn << 16) | (max_length << 8) | ta_index


class VrpTable:
    """Validated ROA payloads, indexed for covering lookups."""

    def __init__(self) -> None:
        self._index = _PrefixIndex()
        self._tas: list[str] = [""]
        self._ta_lookup: dict[str, int] = {"": 0}
        self.count = 0

    def add(self, prefix: str, max_length: int, asn: int, ta: str = "") -> None:
        """Add one VRP (duplicates under several trust anchors are kept once)."""
        version, network, length = _parse_prefix(prefix)
        self._add(version, network, length, max_length=max_length, asn=asn, ta=ta)

    def _add(self, version: int, network: int, length: int, *, max_length: int, asn: int, ta: str) -> None:
        # RFC 6482 section 3.3: maxLength, when present, is >= the prefix length and <= the address size.
        if not length <= max_length <= _BITS[version]:
            raise ValueError(
                f"maxLength {max_length} is outside {length}..{_BITS[version]} for "
                f"{_format_prefix(version, network, length)}"
            )
        ta_index = self._ta_lookup.get(ta)
        if ta_index is None:
            ta_index = 0 if len(self._tas) > 0xFF else len(self._tas)
            if ta_index:
                self._tas.append(ta)
                self._ta_lookup[ta] = ta_index
        if self._index.add(version, network, length, _pack(asn, max_length, ta_index), _same_vrp):
            self.count += 1

    def _vrp(self, version: int, network: int, length: int, code: int) -> Vrp:
        return Vrp(_format_prefix(version, network, length), (code >> 8) & 0xFF, code >> 16, self._tas[code & 0xFF])

    def covering(self, version: int, network: int, length: int) -> list[Vrp]:
        """Every VRP whose prefix covers ``network/length`` (RFC 6811 "Covered"), longest prefix first."""
        return [
            self._vrp(version, net, plen, code)
            for plen, net, codes in self._index.covering(version, network, length)
            for code in codes
        ]

    def for_address(self, ip: str) -> list[Vrp]:
        """Every VRP whose prefix contains the address ``ip`` (``ValueError`` if it is not one)."""
        version, value = _parse_address(ip.strip())
        return self.covering(version, value, _BITS[version])

    def validate(self, prefix: str, origin: int | None) -> tuple[RovState, tuple[Vrp, ...]]:
        """RFC 6811 state of the route ``prefix`` originated by ``origin`` (``None`` = AS_SET / NONE)."""
        version, network, length = _parse_prefix(prefix)
        covering = self.covering(version, network, length)
        return validate_route(length, origin, covering), tuple(covering)


def validate_route(length: int, origin: int | None, covering: Sequence[Vrp]) -> RovState:
    """RFC 6811 section 2, given the VRPs covering a route of prefix length ``length``.

    * NotFound: no VRP covers the route prefix.
    * Valid: a covering VRP *matches*: its AS equals the route's origin AS and the route's length is at most
      its maxLength. An origin of NONE (a route ending in an AS_SET) matches nothing; neither does a VRP for AS0
      (RFC 6483 section 4, RFC 7607: AS0 says "do not route this").
    * Invalid otherwise; we say ``invalid_length`` when a covering VRP has the origin AS but a shorter
      maxLength, ``invalid_asn`` when none authorises the origin AS at all.
    """
    if not covering:
        return RovState.NOT_FOUND
    if origin is None:
        return RovState.INVALID_ASN
    same_as = [vrp for vrp in covering if vrp.asn == origin and vrp.asn != 0]
    if any(length <= vrp.max_length for vrp in same_as):
        return RovState.VALID
    return RovState.INVALID_LENGTH if same_as else RovState.INVALID_ASN


Origin = int | tuple[int, ...]  # an AS number, or the members of an AS_SET (origin NONE)


class RouteTable:
    """Announced routes (prefix, origin), indexed for longest-prefix match."""

    def __init__(self) -> None:
        self._index = _PrefixIndex()
        self.count = 0

    def add(self, prefix: str, origin: Origin) -> None:
        """Add one route; an origin tuple is an AS_SET."""
        version, network, length = _parse_prefix(prefix)
        self._add(version, network, length, origin)

    def _add(self, version: int, network: int, length: int, origin: Origin) -> None:
        if self._index.add(version, network, length, origin, _same_origin):
            self.count += 1

    def for_address(self, ip: str) -> list[tuple[str, Origin]]:
        """Every route whose prefix contains ``ip``, longest prefix (the one traffic follows) first."""
        version, value = _parse_address(ip.strip())
        return [
            (_format_prefix(version, network, length), origin)
            for length, network, origins in self._index.covering(version, value, _BITS[version])
            for origin in origins
        ]

    def longest_match(self, ip: str) -> list[tuple[str, Origin]]:
        """The routes of the longest matching prefix only (several when it has several origins)."""
        routes = self.for_address(ip)
        return [r for r in routes if r[0] == routes[0][0]] if routes else []


# --- loaders ----------------------------------------------------------------------------------------------------


def _read(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise BgpDataError(str(path), "", f"file is {size} bytes, more than the {MAX_FILE_BYTES} allowed")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unzipped:
                raw = unzipped.read(MAX_FILE_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise BgpDataError(str(path), "", f"corrupt gzip data: {exc}") from None
        if len(raw) > MAX_FILE_BYTES:
            raise BgpDataError(str(path), "", f"uncompressed data exceeds {MAX_FILE_BYTES} bytes")
    return raw


def _decode(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BgpDataError(source, f"line {line}", "not UTF-8 text") from None


def load_vrps(path: Path | str) -> VrpTable:
    """Load a VRP export (see the module docstring for the formats); ``BgpDataError`` or ``OSError``."""
    path = Path(path)
    return parse_vrps(_read(path), source=str(path))


def _find_roas(document: Any, source: str) -> list[Any]:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for key in ("roas", "vrps"):
            if key in document:
                roas = document[key]
                if not isinstance(roas, list):
                    raise BgpDataError(source, key, f'"{key}" is not a list')
                return roas
        if isinstance(document.get("data"), dict | list):
            return _find_roas(document["data"], source)
    raise BgpDataError(source, "", 'no "roas" list found (expected rpki-client or Routinator JSON)')


def _ta_of(entry: Mapping[str, Any]) -> str:
    for key in ("ta", "tal"):
        if isinstance(entry.get(key), str):
            return str(entry[key])
    sources = entry.get("source")
    if isinstance(sources, list) and sources and isinstance(sources[0], dict):
        tal = sources[0].get("tal")
        if isinstance(tal, str):
            return tal
    return ""


def parse_vrps(data: bytes | str, source: str = "<input>") -> VrpTable:
    """Parse a VRP export given as text or bytes."""
    text = _decode(data, source) if isinstance(data, bytes) else data
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BgpDataError(source, f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise BgpDataError(source, "", "invalid JSON: nested too deeply") from None
    table = VrpTable()
    asns: dict[int | str, int] = {}  # real exports repeat each AS many times: parse it once
    for number, entry in enumerate(_find_roas(document, source)):
        try:
            if type(entry) is not dict:
                raise ValueError(f"expected an object, found {type(entry).__name__}")
            prefix = entry.get("prefix")
            if type(prefix) is not str:
                raise ValueError('"prefix" missing or not a string')
            raw_asn = entry.get("asn")
            if raw_asn is None:
                raise ValueError('"asn" missing')
            asn = asns.get(raw_asn) if type(raw_asn) in (int, str) else None
            if asn is None:
                asn = _parse_asn(raw_asn)
                if type(raw_asn) in (int, str):
                    asns[raw_asn] = asn
            version, network, length = _parse_prefix(prefix)
            max_length = entry.get("maxLength")
            if max_length is None:
                max_length = entry.get("max_length", entry.get("maxlen", length))
            if type(max_length) is not int:
                if isinstance(max_length, str) and max_length.isascii() and max_length.isdigit():
                    max_length = int(max_length)
                else:
                    raise ValueError(f"maxLength {max_length!r} is not a number")
            ta = entry.get("ta")
            table._add(
                version,
                network,
                length,
                max_length=max_length,
                asn=asn,
                ta=ta if type(ta) is str else _ta_of(entry),
            )
        except ValueError as exc:
            raise BgpDataError(source, f"roas[{number}]", str(exc)) from None
    return table


def load_routes(path: Path | str) -> RouteTable:
    """Load a prefix-to-origin table (see the module docstring); ``BgpDataError`` or ``OSError``."""
    path = Path(path)
    return parse_routes(_decode(_read(path), str(path)).splitlines(), source=str(path))


def _parse_origins(text: str) -> list[Origin]:
    """CAIDA origin field: ``a_b`` is several origins (MOAS), ``a,b`` or ``{a,b}`` an AS_SET."""
    origins: list[Origin] = []
    for part in text.split("_"):
        members = part.strip("{}")
        if "," in members:
            as_set = tuple(sorted({_parse_asn(m) for m in members.split(",")}))
            origins.append(as_set)
        elif part.startswith("{"):
            origins.append((_parse_asn(members),))
        else:
            origins.append(_parse_asn(part))
    return origins


def parse_routes(lines: Iterable[str], source: str = "<input>") -> RouteTable:
    """Parse a prefix-to-origin table given as lines of text."""
    table = RouteTable()
    origins: dict[str, list[Origin]] = {}  # origin fields repeat a lot: parse each once
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line[0] in "#%":
            continue
        fields = line.split()
        try:
            if len(fields) == 2 and "/" in fields[0]:  # prefix origin
                prefix_text, origin_text = fields
                version, network, length = _parse_prefix(prefix_text)
            elif len(fields) in (2, 3) and "/" in fields[1]:  # RIS riswhoisdump: origin prefix [peers]
                origin_text, prefix_text = fields[0], fields[1]
                version, network, length = _parse_prefix(prefix_text)
            elif len(fields) == 3:  # CAIDA pfx2as: network length origin
                version, network = _parse_address(fields[0])
                length = _parse_length(fields[1], version)
                _check_network(version, network, length, f"{fields[0]}/{fields[1]}")
                origin_text = fields[2]
            else:
                raise ValueError(
                    f"expected 'prefix origin', 'origin prefix peers' or 'network length origin', "
                    f"found {len(fields)} field(s)"
                )
            parsed = origins.get(origin_text)
            if parsed is None:
                parsed = origins[origin_text] = _parse_origins(origin_text)
            for origin in parsed:
                table._add(version, network, length, origin)
        except ValueError as exc:
            raise BgpDataError(source, f"line {number}", str(exc)) from None
    return table


# --- the observer's entry point ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RpkiTables:
    """Both data sets of one run, or the reason each is missing."""

    vrps: VrpTable | None = None
    vrp_source: str | None = None
    vrp_error: str | None = None
    routes: RouteTable | None = None
    routes_source: str | None = None
    routes_error: str | None = None
    # ip -> facts (without host): one shared-hosting address serves many domains of a run; looked up once.
    _seen: dict[str, IpRpki] = field(default_factory=dict, repr=False, compare=False)

    def observe(self, ips: Sequence[str], hosts: Mapping[str, str] | None = None) -> RpkiObservation:
        """The observation for ``ips`` (pure: no I/O)."""
        addresses = []
        for ip in ips:
            facts = self._seen.get(ip)
            if facts is None:
                facts = self._seen[ip] = self._observe_ip(ip, None)
            host = (hosts or {}).get(ip)
            addresses.append(replace(facts, host=host) if host is not None else facts)
        return RpkiObservation(
            addresses=tuple(addresses),
            vrp_source=self.vrp_source,
            vrp_error=self.vrp_error,
            vrp_count=self.vrps.count if self.vrps else 0,
            routes_source=self.routes_source,
            routes_error=self.routes_error,
            route_count=self.routes.count if self.routes else 0,
        )

    def _observe_ip(self, ip: str, host: str | None) -> IpRpki:
        try:
            _parse_address(ip.strip())
        except ValueError as exc:
            return IpRpki(ip, host, error=str(exc))
        roas = tuple(self.vrps.for_address(ip)) if self.vrps else ()
        routes: list[RouteValidation] = []
        if self.routes is not None:
            for prefix, origin in self.routes.for_address(ip):
                number = origin if isinstance(origin, int) else None
                as_set = origin if isinstance(origin, tuple) else ()
                if self.vrps is None:
                    continue  # without VRPs no state can be given; the observation says why
                state, covering = self.vrps.validate(prefix, number)
                routes.append(RouteValidation(prefix, number, state, as_set, covering))
        return IpRpki(ip, host, roas, tuple(routes))


# What to do without data, said where it is missing (the error reason of every rpki check) and in docs/MAIL.md.
VRP_HOWTO = (
    "give a VRP export with --vrp-file FILE or DOMEINWACHT_VRP_FILE: the file 'json' that `rpki-client -j` writes "
    "to its output directory (/var/db/rpki-client/json; Debian: /var/lib/rpki-client/json), or the output of "
    "`routinator vrps --format json --output vrps.json`"
)
PFX2AS_HOWTO = (
    "give a prefix-to-origin table with --pfx2as-file FILE or DOMEINWACHT_PFX2AS_FILE: CAIDA's RouteViews "
    "prefix2as file (routeviews-rv2-YYYYMMDD-HHMM.pfx2as.gz) or a RIPE RIS dump (riswhoisdump.IPv4.gz, "
    "riswhoisdump.IPv6.gz)"
)


def load_tables(vrp_file: Path | str | None, pfx2as_file: Path | str | None) -> RpkiTables:
    """Load both files; a missing, unreadable or malformed file becomes a reason, never an exception."""
    vrps = routes = None
    vrp_error = routes_error = None
    if vrp_file is None:
        vrp_error = f"no VRP export configured: RPKI cannot be evaluated; {VRP_HOWTO}"
    else:
        try:
            vrps = load_vrps(vrp_file)
        except BgpDataError as exc:
            vrp_error = f"VRP export unusable: {exc}"
        except OSError as exc:
            vrp_error = f"VRP export unreadable: {vrp_file}: {exc.strerror or exc}"
    if pfx2as_file is None:
        routes_error = f"no prefix-to-origin table configured: route origins unknown; {PFX2AS_HOWTO}"
    else:
        try:
            routes = load_routes(pfx2as_file)
        except BgpDataError as exc:
            routes_error = f"prefix-to-origin table unusable: {exc}"
        except OSError as exc:
            routes_error = f"prefix-to-origin table unreadable: {pfx2as_file}: {exc.strerror or exc}"
    return RpkiTables(
        vrps,
        str(vrp_file) if vrp_file is not None else None,
        vrp_error,
        routes,
        str(pfx2as_file) if pfx2as_file is not None else None,
        routes_error,
    )


async def observe_rpki(
    ips: Sequence[str], env: ProbeContext, *, hosts: Mapping[str, str] | None = None
) -> RpkiObservation:
    """RPKI facts for ``ips`` (``hosts`` optionally names the host of each address, for the evidence).

    The tables are loaded once per run, in a worker thread so that the event loop keeps running. This never
    raises for bad or missing data: the observation carries the reason.
    """
    options = env.options

    async def load() -> RpkiTables:
        return await asyncio.to_thread(load_tables, options.vrp_file, options.pfx2as_file)

    tables = await env.shared(("rpki-tables",), load)
    return tables.observe(ips, hosts)
