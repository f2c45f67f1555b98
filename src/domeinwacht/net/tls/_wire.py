"""TLS wire format: build ClientHellos, parse what a server sends back. Pure functions, no I/O.

Every parser raises only ``TlsProtocolError`` on malformed input (property-tested with arbitrary bytes).
References: RFC 5246 (TLS 1.2) 6.2 and 7.4, RFC 8446 (TLS 1.3) 4, RFC 6066 (SNI, status_request).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from domeinwacht.tls_registry import TLS12

# Record content types (RFC 8446 5.1).
CHANGE_CIPHER_SPEC: Final = 20
ALERT: Final = 21
HANDSHAKE: Final = 22
APPLICATION_DATA: Final = 23

# Handshake message types.
HT_CLIENT_HELLO: Final = 1
HT_SERVER_HELLO: Final = 2
HT_NEW_SESSION_TICKET: Final = 4
HT_END_OF_EARLY_DATA: Final = 5
HT_ENCRYPTED_EXTENSIONS: Final = 8
HT_CERTIFICATE: Final = 11
HT_SERVER_KEY_EXCHANGE: Final = 12
HT_CERTIFICATE_REQUEST: Final = 13
HT_SERVER_HELLO_DONE: Final = 14
HT_CERTIFICATE_VERIFY: Final = 15
HT_FINISHED: Final = 20
HT_CERTIFICATE_STATUS: Final = 22

# Extension types.
EXT_SERVER_NAME: Final = 0
EXT_STATUS_REQUEST: Final = 5
EXT_SUPPORTED_GROUPS: Final = 10
EXT_EC_POINT_FORMATS: Final = 11
EXT_SIGNATURE_ALGORITHMS: Final = 13
EXT_EXTENDED_MASTER_SECRET: Final = 23
EXT_SESSION_TICKET: Final = 35
EXT_PRE_SHARED_KEY: Final = 41
EXT_EARLY_DATA: Final = 42
EXT_SUPPORTED_VERSIONS: Final = 43
EXT_PSK_KEY_EXCHANGE_MODES: Final = 45
EXT_KEY_SHARE: Final = 51
EXT_RENEGOTIATION_INFO: Final = 0xFF01

# RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest.
HRR_RANDOM: Final = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")

MAX_RECORD: Final = (1 << 14) + 2048  # RFC 5246 6.2.3: TLSCiphertext.length ≤ 2^14 + 2048
MAX_HANDSHAKE_MESSAGE: Final = 256 * 1024  # a certificate chain larger than this is not served by anyone sane


class TlsProtocolError(Exception):
    """The peer sent something that is not the TLS we expect (malformed, oversized, out of order)."""


class _Reader:
    """Bounds-checked reading of a byte string; every overrun is a ``TlsProtocolError``."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise TlsProtocolError(f"truncated: wanted {n} bytes at offset {self.pos} of {len(self.data)}")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return int.from_bytes(self.take(2), "big")

    def u24(self) -> int:
        return int.from_bytes(self.take(3), "big")

    def vec(self, length_bytes: int) -> bytes:
        return self.take(int.from_bytes(self.take(length_bytes), "big"))

    def rest(self) -> bytes:
        return self.take(len(self.data) - self.pos)

    @property
    def done(self) -> bool:
        return self.pos >= len(self.data)


def _vec(data: bytes, length_bytes: int) -> bytes:
    return len(data).to_bytes(length_bytes, "big") + data


def _u16s(values: Sequence[int]) -> bytes:
    return b"".join(struct.pack(">H", v) for v in values)


def extension(ext_type: int, body: bytes) -> bytes:
    return struct.pack(">HH", ext_type, len(body)) + body


@dataclass(frozen=True, slots=True)
class HelloSpec:
    """What one ClientHello offers.

    Attributes:
        version: legacy ``client_version`` (the highest version offered in TLS ≤ 1.2 hellos; 0x0303 with
            ``supported_versions`` for TLS 1.3).
        suites: cipher suite codes, in client preference order.
        server_name: SNI host name, or ``None``.
        groups: supported_groups (ECDHE curves, FFDHE, hybrids); empty = no extension.
        key_shares: (group, public key) pairs; ``None`` = no key_share extension (TLS ≤ 1.2 hellos).
        supported_versions: versions for the supported_versions extension; empty = none (TLS ≤ 1.2).
        signature_algorithms: schemes; empty = no extension.
        compression: compression methods (``(1, 0)`` offers DEFLATE).
        status_request: ask for OCSP stapling.
        extended_master_secret / renegotiation_info: offer RFC 7627 / RFC 5746.
        session_id: legacy_session_id (32 bytes in TLS 1.3 hellos for middlebox compatibility).
        random: the 32-byte client random.
        psk_modes: psk_key_exchange_modes (TLS 1.3).
        early_data: offer early data (TLS 1.3 resumption).
        psk_identity: (ticket, obfuscated_ticket_age) for pre_shared_key; the binder is filled in later.
        psk_binder_length: length of the binder (hash length of the ticket's suite).
    """

    version: int
    suites: tuple[int, ...]
    server_name: str | None = None
    groups: tuple[int, ...] = ()
    key_shares: tuple[tuple[int, bytes], ...] | None = None
    supported_versions: tuple[int, ...] = ()
    signature_algorithms: tuple[int, ...] = ()
    compression: tuple[int, ...] = (0,)
    status_request: bool = True
    extended_master_secret: bool = True
    renegotiation_info: bool = True
    session_id: bytes = b""
    random: bytes = bytes(32)
    psk_modes: tuple[int, ...] = ()
    early_data: bool = False
    psk_identity: tuple[bytes, int] | None = None
    psk_binder_length: int = 32
    renegotiation_data: bytes = b""


def _server_name_ext(name: str) -> bytes:
    """RFC 6066 3: host_name is the ASCII (A-label) form, without a trailing dot."""
    name = name.rstrip(".")
    if name.isascii():
        encoded = name.encode("ascii")
    else:
        import idna

        encoded = idna.encode(name, uts46=True)  # raises idna.IDNAError (a UnicodeError) when impossible
    entry = b"\x00" + _vec(encoded, 2)
    return extension(EXT_SERVER_NAME, _vec(entry, 2))


def build_client_hello(spec: HelloSpec) -> bytes:
    """The ClientHello handshake message (type, length, body) for ``spec``.

    With ``psk_identity`` the pre_shared_key extension comes last (RFC 8446 4.2.11) with a zero binder of
    ``psk_binder_length`` bytes; ``fill_binder`` replaces it once the binder is computed over the prefix.
    """
    exts = bytearray()
    if spec.server_name and not _is_ip_literal(spec.server_name):
        exts += _server_name_ext(spec.server_name)  # RFC 6066 3: no IP literals in SNI
    if spec.renegotiation_info:
        # RFC 5746 3.4: empty renegotiated_connection; 3.5: the client's verify_data when renegotiating.
        exts += extension(EXT_RENEGOTIATION_INFO, _vec(spec.renegotiation_data, 1))
    if spec.groups:
        exts += extension(EXT_SUPPORTED_GROUPS, _vec(_u16s(spec.groups), 2))
        exts += extension(EXT_EC_POINT_FORMATS, b"\x01\x00")  # uncompressed only
    if spec.signature_algorithms:
        exts += extension(EXT_SIGNATURE_ALGORITHMS, _vec(_u16s(spec.signature_algorithms), 2))
    if spec.status_request:
        # RFC 6066 8: status_type ocsp(1), empty responder_id_list, empty request_extensions.
        exts += extension(EXT_STATUS_REQUEST, b"\x01\x00\x00\x00\x00")
    if spec.extended_master_secret:
        exts += extension(EXT_EXTENDED_MASTER_SECRET, b"")
    if spec.supported_versions:
        versions = _u16s(spec.supported_versions)
        exts += extension(EXT_SUPPORTED_VERSIONS, _vec(versions, 1))
    if spec.key_shares is not None:
        shares = b"".join(struct.pack(">H", g) + _vec(k, 2) for g, k in spec.key_shares)
        exts += extension(EXT_KEY_SHARE, _vec(shares, 2))
    if spec.psk_modes:
        exts += extension(EXT_PSK_KEY_EXCHANGE_MODES, _vec(bytes(spec.psk_modes), 1))
    if spec.early_data:
        exts += extension(EXT_EARLY_DATA, b"")
    if spec.psk_identity is not None:
        ticket, age = spec.psk_identity
        identities = _vec(_vec(ticket, 2) + struct.pack(">I", age), 2)
        binders = _vec(_vec(bytes(spec.psk_binder_length), 1), 2)
        exts += extension(EXT_PRE_SHARED_KEY, identities + binders)
    body = (
        struct.pack(">H", spec.version)
        + spec.random
        + _vec(spec.session_id, 1)
        + _vec(_u16s(spec.suites), 2)
        + _vec(bytes(spec.compression), 1)
        + _vec(bytes(exts), 2)
    )
    return bytes([HT_CLIENT_HELLO]) + len(body).to_bytes(3, "big") + body


def fill_binder(hello: bytes, binder: bytes) -> bytes:
    """Replace the trailing zero binder of a PSK ClientHello with ``binder`` (same length)."""
    return hello[: len(hello) - len(binder)] + binder


def binder_prefix(hello: bytes, binder_length: int) -> bytes:
    """The part of a PSK ClientHello the binder covers (RFC 8446 4.2.11.2): all but the binders list."""
    return hello[: len(hello) - (binder_length + 1 + 2)]


def _is_ip_literal(name: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def record(content_type: int, payload: bytes, version: int = 0x0301) -> bytes:
    """One TLS record (fragmenting is the caller's business: handshakes we send are < 2^14)."""
    if len(payload) > 1 << 14:
        raise ValueError("record payload too large")
    return struct.pack(">BHH", content_type, version, len(payload)) + payload


@dataclass(frozen=True, slots=True)
class Record:
    content_type: int
    version: int
    payload: bytes


def parse_record_header(header: bytes) -> tuple[int, int, int]:
    """(content type, version, length) of a 5-byte record header; rejects what is not TLS."""
    if len(header) != 5:
        raise TlsProtocolError("truncated record header")
    content_type, version, length = struct.unpack(">BHH", header)
    if content_type not in (CHANGE_CIPHER_SPEC, ALERT, HANDSHAKE, APPLICATION_DATA):
        raise TlsProtocolError(f"not TLS: record type {content_type} (first bytes {header.hex()})")
    if version >> 8 != 3:
        raise TlsProtocolError(f"not TLS: record version 0x{version:04x}")
    if length > MAX_RECORD:
        raise TlsProtocolError(f"record of {length} bytes exceeds the limit")
    return content_type, version, length


def split_records(data: bytes) -> tuple[list[Record], bytes]:
    """Complete records at the start of ``data`` and the incomplete rest."""
    records: list[Record] = []
    pos = 0
    while len(data) - pos >= 5:
        content_type, version, length = parse_record_header(data[pos : pos + 5])
        if len(data) - pos - 5 < length:
            break
        records.append(Record(content_type, version, data[pos + 5 : pos + 5 + length]))
        pos += 5 + length
    return records, data[pos:]


class HandshakeBuffer:
    """Reassembles handshake messages from handshake-record payloads (messages may span records)."""

    def __init__(self, limit: int = MAX_HANDSHAKE_MESSAGE) -> None:
        self._buf = bytearray()
        self._limit = limit

    def feed(self, payload: bytes) -> list[tuple[int, bytes]]:
        """Add a record payload; return complete messages as (type, full message bytes incl. header)."""
        self._buf += payload
        messages: list[tuple[int, bytes]] = []
        while len(self._buf) >= 4:
            length = int.from_bytes(self._buf[1:4], "big")
            if length > self._limit:
                raise TlsProtocolError(f"handshake message of {length} bytes exceeds the limit")
            if len(self._buf) < 4 + length:
                break
            message = bytes(self._buf[: 4 + length])
            del self._buf[: 4 + length]
            messages.append((message[0], message))
        return messages

    @property
    def pending(self) -> int:
        return len(self._buf)


def parse_alert(payload: bytes) -> tuple[int, int]:
    """(level, description) of an alert record."""
    if len(payload) < 2:
        raise TlsProtocolError("truncated alert")
    return payload[0], payload[1]


def parse_extensions(r: _Reader) -> dict[int, bytes]:
    """Extensions block (absent = empty); duplicates are a protocol error (RFC 8446 4.2)."""
    extensions: dict[int, bytes] = {}
    if r.done:
        return extensions
    block = _Reader(r.vec(2))
    while not block.done:
        ext_type = block.u16()
        body = block.vec(2)
        if ext_type in extensions:
            raise TlsProtocolError(f"duplicate extension {ext_type}")
        extensions[ext_type] = body
    return extensions


@dataclass(frozen=True, slots=True)
class ServerHello:
    """A parsed ServerHello or HelloRetryRequest.

    Attributes:
        legacy_version: the version field (0x0303 in TLS 1.3).
        version: the negotiated version (supported_versions when present).
        cipher_suite / compression: the server's choices.
        extensions: type -> body.
        retry: this is a HelloRetryRequest.
        key_share_group / key_share: the server's key share (TLS 1.3 ServerHello), or the group an HRR asks
            for (``key_share`` empty then).
    """

    legacy_version: int
    random: bytes
    session_id: bytes
    cipher_suite: int
    compression: int
    extensions: dict[int, bytes] = field(default_factory=dict)
    version: int = TLS12
    retry: bool = False
    key_share_group: int | None = None
    key_share: bytes = b""


def parse_server_hello(message: bytes) -> ServerHello:
    """Parse a ServerHello handshake message (with its 4-byte header)."""
    r = _Reader(message)
    if r.u8() != HT_SERVER_HELLO:
        raise TlsProtocolError("not a ServerHello")
    body = _Reader(r.vec(3))
    legacy_version = body.u16()
    random = body.take(32)
    session_id = body.vec(1)
    if len(session_id) > 32:
        raise TlsProtocolError("session id longer than 32 bytes")
    cipher_suite = body.u16()
    compression = body.u8()
    extensions = parse_extensions(body)
    if not body.done:
        raise TlsProtocolError("trailing bytes after ServerHello extensions")
    version = legacy_version
    if EXT_SUPPORTED_VERSIONS in extensions:
        sv = extensions[EXT_SUPPORTED_VERSIONS]
        if len(sv) != 2:
            raise TlsProtocolError("malformed supported_versions in ServerHello")
        version = int.from_bytes(sv, "big")
    retry = random == HRR_RANDOM
    group: int | None = None
    share = b""
    if EXT_KEY_SHARE in extensions:
        ks = _Reader(extensions[EXT_KEY_SHARE])
        group = ks.u16()
        if not retry:
            share = ks.vec(2)
        if not ks.done:
            raise TlsProtocolError("malformed key_share in ServerHello")
    return ServerHello(
        legacy_version,
        random,
        session_id,
        cipher_suite,
        compression,
        extensions,
        version,
        retry,
        group,
        share,
    )


@dataclass(frozen=True, slots=True)
class CertificateEntry:
    der: bytes
    ocsp_response: bytes | None = None  # TLS 1.3: status_request extension of the entry


def parse_certificate(message: bytes, *, tls13: bool) -> list[CertificateEntry]:
    """The certificate_list of a Certificate message (RFC 5246 7.4.2, RFC 8446 4.4.2)."""
    r = _Reader(message)
    if r.u8() != HT_CERTIFICATE:
        raise TlsProtocolError("not a Certificate message")
    body = _Reader(r.vec(3))
    if tls13:
        body.vec(1)  # certificate_request_context
    entries_reader = _Reader(body.vec(3))
    entries: list[CertificateEntry] = []
    while not entries_reader.done:
        der = entries_reader.vec(3)
        ocsp: bytes | None = None
        if tls13:
            exts = parse_extensions(entries_reader)
            if EXT_STATUS_REQUEST in exts:
                ocsp = parse_certificate_status_body(exts[EXT_STATUS_REQUEST])
        entries.append(CertificateEntry(der, ocsp))
        if len(entries) > 32:
            raise TlsProtocolError("more than 32 certificates in the chain")
    return entries


def parse_certificate_status_body(body: bytes) -> bytes:
    """The OCSP response of a CertificateStatus body (RFC 6066 8): status_type ocsp(1), response."""
    r = _Reader(body)
    if r.u8() != 1:
        raise TlsProtocolError("CertificateStatus with a status type other than ocsp")
    return r.vec(3)


def parse_certificate_status(message: bytes) -> bytes:
    r = _Reader(message)
    if r.u8() != HT_CERTIFICATE_STATUS:
        raise TlsProtocolError("not a CertificateStatus message")
    return parse_certificate_status_body(r.vec(3))


@dataclass(frozen=True, slots=True)
class ServerKeyExchange:
    """The parts of a TLS ≤ 1.2 ServerKeyExchange the checks need.

    Attributes:
        kind: ``ECDHE`` or ``DHE``.
        curve: named curve code (ECDHE).
        dh_p: the DH prime (DHE).
        signature_scheme: the scheme of the signature (TLS 1.2 only; ``None`` before 1.2).
    """

    kind: str
    curve: int | None = None
    dh_p: int | None = None
    signature_scheme: int | None = None
    public: bytes = b""


def parse_server_key_exchange(message: bytes, *, kind: str, version: int) -> ServerKeyExchange:
    """Parse an (EC)DHE ServerKeyExchange (RFC 4492 5.4 / RFC 8422 5.4, RFC 5246 7.4.3)."""
    r = _Reader(message)
    if r.u8() != HT_SERVER_KEY_EXCHANGE:
        raise TlsProtocolError("not a ServerKeyExchange")
    body = _Reader(r.vec(3))
    curve: int | None = None
    dh_p: int | None = None
    public = b""
    if kind == "ECDHE":
        if body.u8() != 3:  # named_curve
            raise TlsProtocolError("ServerKeyExchange with explicit curve parameters")
        curve = body.u16()
        public = body.vec(1)
    elif kind == "DHE":
        p = body.vec(2)
        if not p:
            raise TlsProtocolError("empty DH prime")
        dh_p = int.from_bytes(p, "big")
        body.vec(2)  # g
        public = body.vec(2)  # Ys
    else:
        raise TlsProtocolError(f"cannot parse a ServerKeyExchange for {kind}")
    scheme: int | None = None
    if not body.done and version >= TLS12:
        scheme = body.u16()
    if not body.done:
        body.vec(2)  # the signature itself
    return ServerKeyExchange(kind, curve, dh_p, scheme, public)


def parse_encrypted_extensions(message: bytes) -> dict[int, bytes]:
    r = _Reader(message)
    if r.u8() != HT_ENCRYPTED_EXTENSIONS:
        raise TlsProtocolError("not EncryptedExtensions")
    body = _Reader(r.vec(3))
    exts = parse_extensions(body)
    return exts


def parse_group_list(body: bytes) -> list[int]:
    """A supported_groups extension body."""
    r = _Reader(_Reader(body).vec(2))
    groups: list[int] = []
    while not r.done:
        groups.append(r.u16())
    return groups


@dataclass(frozen=True, slots=True)
class NewSessionTicket:
    lifetime: int
    age_add: int
    nonce: bytes
    ticket: bytes
    max_early_data: int


def parse_new_session_ticket(message: bytes) -> NewSessionTicket:
    """RFC 8446 4.6.1 NewSessionTicket."""
    r = _Reader(message)
    if r.u8() != HT_NEW_SESSION_TICKET:
        raise TlsProtocolError("not a NewSessionTicket")
    body = _Reader(r.vec(3))
    lifetime = int.from_bytes(body.take(4), "big")
    age_add = int.from_bytes(body.take(4), "big")
    nonce = body.vec(1)
    ticket = body.vec(2)
    if not ticket:
        raise TlsProtocolError("empty session ticket")
    exts = parse_extensions(body)
    max_early = 0
    if EXT_EARLY_DATA in exts:
        if len(exts[EXT_EARLY_DATA]) != 4:
            raise TlsProtocolError("malformed early_data in NewSessionTicket")
        max_early = int.from_bytes(exts[EXT_EARLY_DATA], "big")
    return NewSessionTicket(lifetime, age_add, nonce, ticket, max_early)
