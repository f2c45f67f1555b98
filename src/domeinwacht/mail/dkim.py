"""DKIM key records (RFC 6376 section 3.6.1) and their public keys.

key = parse_dkim_key("v=DKIM1; k=rsa; p=MIIBIjANBg…")
key.key_type, key.key_bits, key.revoked, key.errors
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key

from domeinwacht.mail.tags import TagSyntaxError, parse_tags

# Selectors commonly used by mail providers and appliances (probed besides user-supplied ones).
COMMON_SELECTORS = (
    "default", "dkim", "mail", "selector1", "selector2", "google", "k1", "k2", "s1", "s2", "smtp", "mx",
    "key1", "key2", "dkim1", "mandrill", "everlytickey1", "sig1",
)  # fmt: skip


class DkimSyntaxError(ValueError):
    """The text is no DKIM key record (not a tag-list, or ``v=`` present with another value)."""


@dataclass(frozen=True, slots=True)
class DkimKey:
    """A parsed key record.

    Attributes:
        key_type: ``k`` (``rsa`` by default, ``ed25519``).
        key_bits: RSA modulus size, 256 for Ed25519, ``None`` when the key could not be read.
        revoked: ``p=`` is empty (RFC 6376 3.6.1: the key has been revoked).
        testing: ``t=y``.
        errors: problems that make the key unusable.
    """

    text: str
    key_type: str = "rsa"
    key_bits: int | None = None
    revoked: bool = False
    testing: bool = False
    hash_algorithms: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()


def parse_dkim_key(text: str) -> DkimKey:
    try:
        tags = parse_tags(text)
    except TagSyntaxError as exc:
        raise DkimSyntaxError(str(exc)) from None
    values = dict(tags)
    if "v" in values and (values["v"] != "DKIM1" or tags[0][0] != "v"):
        raise DkimSyntaxError("v= must be the first tag and equal DKIM1 (RFC 6376 3.6.1)")
    if "p" not in values:
        raise DkimSyntaxError("the required p= tag is missing")
    key_type = values.get("k", "rsa").lower()
    flags = [f.strip() for f in values.get("t", "").split(":")]
    hashes = tuple(h.strip().lower() for h in values["h"].split(":")) if "h" in values else ()
    data = "".join(values["p"].split())
    if not data:
        return DkimKey(text, key_type, None, True, "y" in flags, hashes)
    errors: list[str] = []
    bits: int | None = None
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return DkimKey(text, key_type, None, False, "y" in flags, hashes, ("p= is not valid base64",))
    if key_type == "rsa":
        bits = _rsa_bits(raw)
        if bits is None:
            errors.append("p= is not an RSA public key")
    elif key_type == "ed25519":
        if len(raw) == 32:  # RFC 8463 4.2: the raw 32-byte key
            bits = 256
        else:
            errors.append(f"an Ed25519 key is 32 bytes, p= has {len(raw)}")
    else:
        errors.append(f"unknown key type k={key_type}")
    return DkimKey(text, key_type, bits, False, "y" in flags, hashes, tuple(errors))


def _rsa_bits(raw: bytes) -> int | None:
    try:
        key = load_der_public_key(raw)  # SubjectPublicKeyInfo (RFC 6376 3.6.1)
    except (ValueError, UnsupportedAlgorithm):
        key = None
    if key is None:
        try:  # some publishers put a bare PKCS#1 RSAPublicKey
            key = load_der_public_key(_pkcs1_to_spki(raw))
        except (ValueError, UnsupportedAlgorithm):
            return None
    if isinstance(key, rsa.RSAPublicKey):
        return key.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return 256
    return None


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _pkcs1_to_spki(raw: bytes) -> bytes:
    algorithm = bytes.fromhex("300d06092a864886f70d0101010500")  # rsaEncryption, NULL
    bit_string = b"\x03" + _der_length(len(raw) + 1) + b"\x00" + raw
    body = algorithm + bit_string
    return b"\x30" + _der_length(len(body)) + body
