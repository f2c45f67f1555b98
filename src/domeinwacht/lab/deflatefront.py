"""Scripted TLS server (raw TLS records, not a real TLS stack): a front that selects DEFLATE compression.

No Debian TLS server can show TLS compression any more: Debian's OpenSSL 3 is built ``no-zlib`` and GnuTLS
>= 3.6 removed it. So the lab's ``server: deflate`` targets put this script in front of a gnutls-serv:

- A TLS <= 1.2 ClientHello that offers compression method 1 (DEFLATE, RFC 3749) is answered by the script
  itself, with raw records: ServerHello (TLS 1.2, the server's suite, **compression method 1**, and the
  renegotiation_info / extended_master_secret / ec_point_formats answers a modern server gives), Certificate
  (the target's lab chain), ServerKeyExchange (ECDHE on X25519/P-256/P-384, signed with the leaf's key) and
  ServerHelloDone. Then it waits for the client to close: the handshake is never completed (no Finished, no
  record protection, nothing is ever compressed). That is exactly what our prober's TLS 1.2 hellos read
  (``net/tls/_session.hello12``: it stops at ServerHelloDone); every one of them offers DEFLATE.
- Every other ClientHello — TLS 1.3 hellos, which carry compression ``null`` only, real clients (Python's
  ``ssl`` for HTTPS and STARTTLS, ``openssl s_client``: OpenSSL without zlib offers ``null`` only), the
  prober's renegotiation handshake — is spliced byte for byte to the gnutls-serv behind it, which completes
  the handshake: pages, mail and TLS 1.3 are the real server's.

The script's TLS 1.2 choices equal the gnutls backend's ``modern`` preset (presets.GNUTLS_MODERN): suites
ECDHE-ECDSA AES-256-GCM, ChaCha20-Poly1305, AES-128-GCM in that server order, groups X25519/P-256/P-384, no
SHA-1/SHA-224 signatures, TLS 1.1 and older refused with ``protocol_version``. So a ``deflate`` target differs
from a green one only in ``tls.compression``.

Run inside the lab namespace as ``python -m domeinwacht.lab.deflatefront CONFIG.json``; the config is a list
of ``{"name", "port", "backend", "cert"}`` (``cert``: PEM with the key and the full chain, leaf first).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519

HANDSHAKE, ALERT = 22, 21
TLS12 = 0x0303
DEFLATE = 1
MAX_RECORD = 16384 + 2048
IDLE = 30.0  # seconds a client may stay silent

# The gnutls backend's modern preset, in its server order (ECDSA certificate: the ECDSA suites).
SUITES = (0xC02C, 0xCCA9, 0xC02B)  # ECDHE-ECDSA-AES256-GCM-SHA384, -CHACHA20-POLY1305, -AES128-GCM-SHA256
GROUPS = (29, 23, 24)  # x25519, secp256r1, secp384r1
SCHEMES = {0x0403: hashes.SHA256(), 0x0503: hashes.SHA384(), 0x0603: hashes.SHA512()}  # ecdsa_*_sha*
_CURVES: dict[int, ec.EllipticCurve] = {23: ec.SECP256R1(), 24: ec.SECP384R1()}

EXT_SUPPORTED_GROUPS, EXT_EC_POINT_FORMATS, EXT_SIGNATURE_ALGORITHMS = 10, 11, 13
EXT_EXTENDED_MASTER_SECRET, EXT_SUPPORTED_VERSIONS, EXT_RENEGOTIATION_INFO = 23, 43, 0xFF01
SCSV_RENEGOTIATION = 0x00FF

ALERT_HANDSHAKE_FAILURE, ALERT_PROTOCOL_VERSION = 40, 70


class NotAHello(ValueError):
    """The first record is no ClientHello this script can read (it is then spliced to the backend)."""


@dataclass(frozen=True, slots=True)
class ClientHello:
    version: int
    random: bytes
    session_id: bytes
    suites: tuple[int, ...]
    compression: tuple[int, ...]
    extensions: dict[int, bytes] = field(default_factory=dict)

    def u16_list(self, ext: int) -> tuple[int, ...]:
        body = self.extensions.get(ext, b"")
        inner = body[2 : 2 + int.from_bytes(body[:2], "big")] if len(body) >= 2 else b""
        return tuple(int.from_bytes(inner[i : i + 2], "big") for i in range(0, len(inner) - 1, 2))


def parse_client_hello(record: bytes) -> ClientHello:
    """A ClientHello from one TLS record (header included); ``NotAHello`` for anything else."""
    try:
        if len(record) < 9 or record[0] != HANDSHAKE or record[5] != 1:
            raise NotAHello("not a ClientHello record")
        body = record[9 : 9 + int.from_bytes(record[6:9], "big")]
        pos = 0

        def take(n: int) -> bytes:
            nonlocal pos
            if pos + n > len(body):
                raise NotAHello("ClientHello cut short (or spread over several records)")
            pos += n
            return body[pos - n : pos]

        def vec(length_bytes: int) -> bytes:
            return take(int.from_bytes(take(length_bytes), "big"))

        version = int.from_bytes(take(2), "big")
        random = take(32)
        session_id = vec(1)
        raw_suites = vec(2)
        compression = tuple(vec(1))
        extensions: dict[int, bytes] = {}
        if pos < len(body):
            raw = vec(2)
            i = 0
            while i + 4 <= len(raw):
                ext_type = int.from_bytes(raw[i : i + 2], "big")
                size = int.from_bytes(raw[i + 2 : i + 4], "big")
                extensions[ext_type] = raw[i + 4 : i + 4 + size]
                i += 4 + size
    except (IndexError, ValueError) as exc:
        raise NotAHello(str(exc)) from None
    suites = tuple(int.from_bytes(raw_suites[i : i + 2], "big") for i in range(0, len(raw_suites) - 1, 2))
    return ClientHello(version, random, session_id, suites, compression, extensions)


def scripted(hello: ClientHello) -> bool:
    """Answer it ourselves: a TLS <= 1.2 hello offering DEFLATE (TLS 1.3 hellos and real clients are spliced)."""
    return DEFLATE in hello.compression and EXT_SUPPORTED_VERSIONS not in hello.extensions


def _record(content_type: int, payload: bytes) -> bytes:
    return bytes([content_type]) + TLS12.to_bytes(2, "big") + len(payload).to_bytes(2, "big") + payload


def _handshake(msg_type: int, body: bytes) -> bytes:
    return bytes([msg_type]) + len(body).to_bytes(3, "big") + body


def _vec(data: bytes, length_bytes: int) -> bytes:
    return len(data).to_bytes(length_bytes, "big") + data


def alert(description: int) -> bytes:
    return _record(ALERT, bytes([2, description]))


@dataclass(frozen=True)
class Identity:
    """The target's certificate chain (DER, leaf first) and the leaf's ECDSA key."""

    chain: tuple[bytes, ...]
    key: ec.EllipticCurvePrivateKey

    @classmethod
    def load(cls, pem_file: Path) -> Identity:
        data = pem_file.read_bytes()
        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError(f"{pem_file}: the DEFLATE front signs with an ECDSA key (cert: ecdsa256)")
        certs = x509.load_pem_x509_certificates(data)
        return cls(tuple(c.public_bytes(serialization.Encoding.DER) for c in certs), key)


def server_flight(hello: ClientHello, identity: Identity) -> bytes:
    """The records answering a scripted ``hello``: the flight up to ServerHelloDone, or a fatal alert."""
    if hello.version < TLS12:
        return alert(ALERT_PROTOCOL_VERSION)  # TLS 1.1 and older are off, as on the backend
    suite = next((s for s in SUITES if s in hello.suites), None)
    offered_groups = hello.u16_list(EXT_SUPPORTED_GROUPS)
    group = next((g for g in GROUPS if g in offered_groups), None)
    offered_schemes = hello.u16_list(EXT_SIGNATURE_ALGORITHMS)
    scheme = next((s for s in SCHEMES if s in offered_schemes), None)
    if suite is None or group is None or scheme is None:
        return alert(ALERT_HANDSHAKE_FAILURE)
    extensions = b""
    if EXT_RENEGOTIATION_INFO in hello.extensions or SCSV_RENEGOTIATION in hello.suites:
        extensions += EXT_RENEGOTIATION_INFO.to_bytes(2, "big") + _vec(b"\x00", 2)  # RFC 5746 3.6
    if EXT_EXTENDED_MASTER_SECRET in hello.extensions:
        extensions += EXT_EXTENDED_MASTER_SECRET.to_bytes(2, "big") + _vec(b"", 2)  # RFC 7627 5.1
    if EXT_EC_POINT_FORMATS in hello.extensions:
        extensions += EXT_EC_POINT_FORMATS.to_bytes(2, "big") + _vec(b"\x01\x00", 2)
    server_random = os.urandom(32)
    server_hello = (
        TLS12.to_bytes(2, "big")
        + server_random
        + _vec(os.urandom(32), 1)
        + suite.to_bytes(2, "big")
        + bytes([DEFLATE])  # RFC 5246 7.4.1.3 compression_method: what this server exists to show
        + _vec(extensions, 2)
    )
    certificate = _vec(b"".join(_vec(der, 3) for der in identity.chain), 3)
    if group == 29:
        public = x25519.X25519PrivateKey.generate().public_key().public_bytes_raw()
    else:
        point = ec.generate_private_key(_CURVES[group]).public_key()
        public = point.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    params = bytes([3]) + group.to_bytes(2, "big") + _vec(public, 1)  # named_curve (RFC 8422 5.4)
    signature = identity.key.sign(hello.random + server_random + params, ec.ECDSA(SCHEMES[scheme]))
    key_exchange = params + scheme.to_bytes(2, "big") + _vec(signature, 2)
    flight = (
        _handshake(2, server_hello) + _handshake(11, certificate) + _handshake(12, key_exchange) + _handshake(14, b"")
    )
    return b"".join(_record(HANDSHAKE, flight[i : i + 16384]) for i in range(0, len(flight), 16384))


async def _read_record(reader: asyncio.StreamReader) -> bytes:
    header = await asyncio.wait_for(reader.readexactly(5), IDLE)
    size = int.from_bytes(header[3:5], "big")
    if size > MAX_RECORD:
        raise NotAHello("record larger than TLS allows")
    return header + await asyncio.wait_for(reader.readexactly(size), IDLE)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def _splice(first: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, backend: int) -> None:
    try:
        b_reader, b_writer = await asyncio.open_connection("127.0.0.1", backend)
    except OSError:
        return
    b_writer.write(first)
    await b_writer.drain()
    await asyncio.gather(_pipe(reader, b_writer), _pipe(b_reader, writer))


def handler(identity: Identity, backend: int) -> Any:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            first = await _read_record(reader)
            try:
                hello = parse_client_hello(first)
            except NotAHello:
                hello = None
            if hello is None or not scripted(hello):
                await _splice(first, reader, writer, backend)
                return
            writer.write(server_flight(hello, identity))
            await writer.drain()
            # The client reads up to ServerHelloDone and closes; whatever it sends next is not answered.
            with contextlib.suppress(TimeoutError):
                while await asyncio.wait_for(reader.read(65536), IDLE):
                    pass
        except (TimeoutError, asyncio.IncompleteReadError, NotAHello, ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    return serve


async def serve_all(config: list[dict[str, Any]]) -> None:
    servers = []
    for entry in config:
        identity = Identity.load(Path(entry["cert"]))
        servers.append(await asyncio.start_server(handler(identity, int(entry["backend"])), None, int(entry["port"])))
    print(f"DEFLATE front listening for {len(config)} servers", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


def main(argv: list[str]) -> int:
    config = json.loads(Path(argv[0]).read_text())
    asyncio.run(serve_all(config))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
