"""Just enough TLS 1.3 cryptography to read a server's encrypted first flight (RFC 8446 7).

The prober completes the key exchange (x25519, x448, secp256r1/384r1/521r1) so it can decrypt
EncryptedExtensions (the server's supported_groups list), the Certificate message (the chain, which TLS 1.3
encrypts) and, after sending its Finished, the NewSessionTicket (early data). It never verifies the server's
signature: it is a measuring probe, not a client that trusts what it reads.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from dataclasses import dataclass
from typing import Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, x448, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESCCM, AESGCM, ChaCha20Poly1305

from domeinwacht.net.tls._wire import TlsProtocolError

_EC_CURVES: Final[dict[int, ec.EllipticCurve]] = {
    23: ec.SECP256R1(),
    24: ec.SECP384R1(),
    25: ec.SECP521R1(),
}
KEY_SHARE_GROUPS: Final = (29, 30, 23, 24, 25)


class KeyShare:
    """An ephemeral key pair for one named group."""

    def __init__(self, group: int) -> None:
        self.group = group
        if group == 29:
            self._x25519 = x25519.X25519PrivateKey.generate()
            self.public = self._x25519.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        elif group == 30:
            self._x448 = x448.X448PrivateKey.generate()
            self.public = self._x448.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        elif group in _EC_CURVES:
            self._ec = ec.generate_private_key(_EC_CURVES[group])
            self.public = self._ec.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        else:
            raise ValueError(f"no key share implementation for group {group}")

    def shared_secret(self, peer: bytes) -> bytes:
        try:
            if self.group == 29:
                return self._x25519.exchange(x25519.X25519PublicKey.from_public_bytes(peer))
            if self.group == 30:
                return self._x448.exchange(x448.X448PublicKey.from_public_bytes(peer))
            public = ec.EllipticCurvePublicKey.from_encoded_point(_EC_CURVES[self.group], peer)
            return self._ec.exchange(ec.ECDH(), public)
        except ValueError as exc:
            raise TlsProtocolError(f"invalid server key share: {exc}") from exc


# TLS 1.3 suites: code -> (hash name, key length, AEAD kind).
TLS13_SUITE_PARAMS: Final[dict[int, tuple[str, int, str]]] = {
    0x1301: ("sha256", 16, "gcm"),
    0x1302: ("sha384", 32, "gcm"),
    0x1303: ("sha256", 32, "chacha"),
    0x1304: ("sha256", 16, "ccm"),
    0x1305: ("sha256", 16, "ccm8"),
}


def _hkdf_extract(hash_name: str, salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt, ikm, hash_name).digest()


def _hkdf_expand(hash_name: str, prk: bytes, info: bytes, length: int) -> bytes:
    out = b""
    block = b""
    counter = 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hash_name).digest()
        out += block
        counter += 1
    return out[:length]


def hkdf_expand_label(hash_name: str, secret: bytes, label: str, context: bytes, length: int) -> bytes:
    """RFC 8446 7.1 HKDF-Expand-Label."""
    full = b"tls13 " + label.encode("ascii")
    info = struct.pack(">H", length) + bytes([len(full)]) + full + bytes([len(context)]) + context
    return _hkdf_expand(hash_name, secret, info, length)


class Transcript:
    """Running transcript of handshake messages (RFC 8446 4.4.1)."""

    def __init__(self, hash_name: str) -> None:
        self.hash_name = hash_name
        self._h = hashlib.new(hash_name)

    def add(self, message: bytes) -> None:
        self._h.update(message)

    def digest(self) -> bytes:
        return self._h.copy().digest()

    def restart_after_hrr(self, first_hello: bytes) -> None:
        """RFC 8446 4.4.1: after an HRR, ClientHello1 is replaced by message_hash(Hash(ClientHello1))."""
        inner = hashlib.new(self.hash_name, first_hello).digest()
        self._h = hashlib.new(self.hash_name)
        self._h.update(bytes([254, 0, 0, len(inner)]) + inner)


@dataclass
class RecordKey:
    """One direction's AEAD key with its sequence number (RFC 8446 5.3)."""

    aead: AESGCM | ChaCha20Poly1305 | AESCCM
    iv: bytes
    seq: int = 0
    ccm8: bool = False

    def _nonce(self) -> bytes:
        padded = self.seq.to_bytes(len(self.iv), "big")
        self.seq += 1
        return bytes(a ^ b for a, b in zip(self.iv, padded, strict=True))

    def decrypt(self, header: bytes, ciphertext: bytes) -> tuple[int, bytes]:
        """(inner content type, plaintext) of one protected record."""
        try:
            plain = self.aead.decrypt(self._nonce(), ciphertext, header)
        except Exception as exc:  # cryptography raises InvalidTag
            raise TlsProtocolError("record failed to decrypt (bad key or tampered)") from exc
        stripped = plain.rstrip(b"\x00")
        if not stripped:
            raise TlsProtocolError("protected record without content type")
        return stripped[-1], stripped[:-1]

    def encrypt(self, content_type: int, plaintext: bytes) -> bytes:
        """A complete protected record (opaque_type application_data)."""
        inner = plaintext + bytes([content_type])
        tag = 8 if self.ccm8 else 16
        header = struct.pack(">BHH", 23, 0x0303, len(inner) + tag)
        return header + self.aead.encrypt(self._nonce(), inner, header)


def make_key(suite: int, secret: bytes) -> RecordKey:
    hash_name, key_len, kind = TLS13_SUITE_PARAMS[suite]
    key = hkdf_expand_label(hash_name, secret, "key", b"", key_len)
    iv = hkdf_expand_label(hash_name, secret, "iv", b"", 12)
    aead: AESGCM | ChaCha20Poly1305 | AESCCM
    if kind == "gcm":
        aead = AESGCM(key)
    elif kind == "chacha":
        aead = ChaCha20Poly1305(key)
    else:
        aead = AESCCM(key, tag_length=8 if kind == "ccm8" else 16)
    return RecordKey(aead, iv, ccm8=kind == "ccm8")


class KeySchedule:
    """RFC 8446 7.1 for one connection (PSK optional, always with (EC)DHE)."""

    def __init__(self, suite: int, psk: bytes | None = None) -> None:
        self.suite = suite
        self.hash_name = TLS13_SUITE_PARAMS[suite][0]
        self.hash_len = hashlib.new(self.hash_name).digest_size
        zeros = bytes(self.hash_len)
        self.early_secret = _hkdf_extract(self.hash_name, zeros, psk if psk else zeros)
        self.handshake_secret = b""
        self.master_secret = b""

    def derive_secret(self, secret: bytes, label: str, transcript_hash: bytes) -> bytes:
        return hkdf_expand_label(self.hash_name, secret, label, transcript_hash, self.hash_len)

    def empty_hash(self) -> bytes:
        return hashlib.new(self.hash_name).digest()

    def binder_key(self) -> bytes:
        return self.derive_secret(self.early_secret, "res binder", self.empty_hash())

    def handshake(self, shared: bytes, transcript_hash: bytes) -> tuple[bytes, bytes]:
        """(client, server) handshake traffic secrets after ServerHello."""
        derived = self.derive_secret(self.early_secret, "derived", self.empty_hash())
        self.handshake_secret = _hkdf_extract(self.hash_name, derived, shared)
        return (
            self.derive_secret(self.handshake_secret, "c hs traffic", transcript_hash),
            self.derive_secret(self.handshake_secret, "s hs traffic", transcript_hash),
        )

    def application(self, transcript_hash: bytes) -> tuple[bytes, bytes]:
        """(client, server) application traffic secrets after the server Finished."""
        derived = self.derive_secret(self.handshake_secret, "derived", self.empty_hash())
        self.master_secret = _hkdf_extract(self.hash_name, derived, bytes(self.hash_len))
        return (
            self.derive_secret(self.master_secret, "c ap traffic", transcript_hash),
            self.derive_secret(self.master_secret, "s ap traffic", transcript_hash),
        )

    def resumption_master(self, transcript_hash: bytes) -> bytes:
        return self.derive_secret(self.master_secret, "res master", transcript_hash)

    def finished(self, base_key: bytes, transcript_hash: bytes) -> bytes:
        key = hkdf_expand_label(self.hash_name, base_key, "finished", b"", self.hash_len)
        return hmac.new(key, transcript_hash, self.hash_name).digest()


def resumption_psk(suite: int, res_master: bytes, nonce: bytes) -> bytes:
    """RFC 8446 4.6.1: the PSK of one ticket."""
    hash_name = TLS13_SUITE_PARAMS[suite][0]
    length = hashlib.new(hash_name).digest_size
    return hkdf_expand_label(hash_name, res_master, "resumption", nonce, length)
