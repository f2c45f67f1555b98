"""The structure of an OpenPGP cleartext-signed message (RFC 4880 7, RFC 9580 7), without verifying it.

    message = parse_cleartext(lines)     # lines without their line ends; lines[0] is the BEGIN line
    message.cleartext, message.signature, message.errors

What is checked, each error naming its clause:

- the first line is ``-----BEGIN PGP SIGNED MESSAGE-----``; then ``Hash:`` armor headers (RFC 4880 requires one
  or more, RFC 9580 7 allows none) naming known hash algorithms; then one empty line;
- the dash-escaped cleartext: a line that starts with ``-`` must start with ``- `` (RFC 4880 7.1);
- exactly one signature block: ``-----BEGIN PGP SIGNATURE-----``, armor headers (``Name: value``), an empty
  line, the base64 body, an optional ``=XXXX`` CRC-24 checksum that must match (RFC 4880 6.1, 6.2; RFC 9580
  6.1), ``-----END PGP SIGNATURE-----`` and nothing after it; a dash-escaped line, a second BEGIN line or a
  line that is no base64 inside the block is an error;
- the body decodes to an OpenPGP Signature packet (RFC 4880 4.2/5.2: packet tag 2).

Verifying the signature is the web observer's job (gpg); this module is pure.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

__all__ = [
    "SIGNATURE_BEGIN",
    "SIGNATURE_END",
    "SIGNED_HEADER",
    "CleartextMessage",
    "crc24",
    "parse_cleartext",
]

SIGNED_HEADER = "-----BEGIN PGP SIGNED MESSAGE-----"
SIGNATURE_BEGIN = "-----BEGIN PGP SIGNATURE-----"
SIGNATURE_END = "-----END PGP SIGNATURE-----"

# RFC 4880 9.4 / RFC 9580 9.5 hash algorithm names as used in the Hash armor header.
HASH_NAMES = frozenset({"MD5", "SHA1", "RIPEMD160", "SHA256", "SHA384", "SHA512", "SHA224", "SHA3-256", "SHA3-512"})
_ARMOR_HEADER = re.compile(r"^([A-Za-z0-9-]+): ?(.*)$")  # RFC 4880 6.2: "Key: Value"
_BASE64_LINE = re.compile(r"^[A-Za-z0-9+/]+=*$")
_CHECKSUM = re.compile(r"^=([A-Za-z0-9+/]{4})$")
_SIGNATURE_PACKET_TAG = 2


@dataclass(frozen=True, slots=True)
class CleartextMessage:
    """A cleartext-signed message taken apart.

    Attributes:
        cleartext: the signed text's lines with dash-escaping undone.
        hash_algorithms: the names in the ``Hash:`` armor headers.
        signature: the decoded signature block body, ``None`` when there is no usable one.
        errors: structural errors, one line each, each naming its RFC clause.
        checksum: ``True``/``False`` when a CRC-24 line was present and did (not) match; ``None`` when absent.
    """

    cleartext: tuple[str, ...]
    hash_algorithms: tuple[str, ...] = ()
    signature: bytes | None = None
    errors: tuple[str, ...] = ()
    checksum: bool | None = None


def crc24(data: bytes) -> int:
    """The CRC-24 of RFC 4880 6.1 (init 0xB704CE, generator 0x1864CFB)."""
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def _is_marker(line: str, marker: str) -> bool:
    return line.rstrip(" \t") == marker  # RFC 4880 6.2: trailing whitespace on armor lines is ignored


def _packet_tag(data: bytes) -> int | None:
    # RFC 4880 4.2: bit 7 always set; bit 6 new format (tag in bits 5-0) or old format (tag in bits 5-2).
    if not data or not data[0] & 0x80:
        return None
    return data[0] & 0x3F if data[0] & 0x40 else (data[0] >> 2) & 0x0F


def _signature_block(block: list[str], errors: list[str]) -> tuple[bytes | None, bool | None]:
    """The lines between BEGIN and END PGP SIGNATURE: armor headers, empty line, base64, optional checksum."""
    if any(line.startswith("- ") or line.rstrip() == "-" for line in block):
        errors.append("signature block: a dash-escaped line inside it; only cleartext is dash-escaped (RFC 4880 7.1)")
        return None, None
    index = 0
    while index < len(block) and block[index].strip() and _ARMOR_HEADER.match(block[index]):
        index += 1
    if index < len(block) and block[index].strip():
        errors.append(
            f"signature block: {block[index][:40]!r} where an armor header or the empty line belongs (RFC 4880 6.2)"
        )
        return None, None
    if index >= len(block):
        errors.append("signature block: no empty line after its armor headers and no body (RFC 4880 6.2)")
        return None, None
    body_lines = [line.rstrip(" \t") for line in block[index + 1 :]]
    checksum_line = None
    if body_lines and body_lines[-1].startswith("="):
        checksum_line = body_lines.pop()
    for line in body_lines:
        if not _BASE64_LINE.match(line):
            errors.append(f"signature block: {line[:40]!r} is not base64 (RFC 4880 6.3)")
            return None, None
    joined = "".join(body_lines)
    if not joined:
        errors.append("signature block: the base64 body is empty (RFC 4880 6.2)")
        return None, None
    try:
        data = base64.b64decode(joined, validate=True)
    except (binascii.Error, ValueError):
        errors.append(f"signature block: the base64 body ({len(joined)} characters) does not decode (RFC 4880 6.3)")
        return None, None
    matched: bool | None = None
    if checksum_line is not None:
        match = _CHECKSUM.match(checksum_line)
        if not match:
            errors.append(f"signature block: {checksum_line!r} is not a '=XXXX' CRC-24 checksum (RFC 4880 6.2)")
            return None, None
        expected = int.from_bytes(base64.b64decode(match.group(1)), "big")
        matched = crc24(data) == expected
        if not matched:
            errors.append("signature block: the CRC-24 checksum does not match the body (RFC 4880 6.1)")
            return None, False
    if _packet_tag(data) != _SIGNATURE_PACKET_TAG:
        errors.append("signature block: the body is not an OpenPGP Signature packet (RFC 4880 5.2)")
        return None, matched
    return data, matched


def parse_cleartext(lines: list[str]) -> CleartextMessage:
    """Take a cleartext-signed message apart; ``lines[0]`` must be the BEGIN PGP SIGNED MESSAGE line."""
    errors: list[str] = []
    if not lines or not _is_marker(lines[0], SIGNED_HEADER):
        return CleartextMessage((), errors=(f"the first line is not {SIGNED_HEADER} (RFC 4880 7)",))
    index = 1
    hashes: list[str] = []
    while index < len(lines) and lines[index].strip():
        header = _ARMOR_HEADER.match(lines[index])
        if header is None or header.group(1) != "Hash":
            errors.append(f"signed file: unexpected armor header {lines[index][:60]!r}; only Hash: (RFC 4880 7)")
        else:
            for raw in header.group(2).split(","):
                name = raw.strip()
                if name.upper() not in HASH_NAMES:
                    errors.append(f"signed file: Hash: {name!r} is not an OpenPGP hash algorithm (RFC 4880 9.4)")
                hashes.append(name)
        index += 1
    if index >= len(lines):
        errors.append("signed file: no empty line after the armor headers (RFC 4880 7)")
        return CleartextMessage((), tuple(hashes), errors=tuple(errors))
    index += 1  # the empty line
    text: list[str] = []
    while index < len(lines) and not _is_marker(lines[index], SIGNATURE_BEGIN):
        line = lines[index]
        if line.startswith("- "):
            text.append(line[2:])  # RFC 4880 7.1: dash-escaping undone
        elif line.startswith("-"):
            errors.append(
                f"signed file: cleartext line {line[:40]!r} starts with '-' but is not dash-escaped (RFC 4880 7.1)"
            )
            text.append(line)
        else:
            text.append(line)
        index += 1
    if index >= len(lines):
        errors.append(f"signed file: no {SIGNATURE_BEGIN} line (RFC 9116 2.3, RFC 4880 7)")
        return CleartextMessage(tuple(text), tuple(hashes), errors=tuple(errors))
    begin = index
    end = next((i for i in range(begin + 1, len(lines)) if _is_marker(lines[i], SIGNATURE_END)), None)
    if end is None:
        errors.append(f"signed file: the signature block has no {SIGNATURE_END} line (RFC 4880 6.2)")
        return CleartextMessage(tuple(text), tuple(hashes), errors=tuple(errors))
    block = lines[begin + 1 : end]
    if any(_is_marker(line, SIGNATURE_BEGIN) for line in block + lines[end + 1 :]):
        errors.append("signed file: more than one signature block; exactly one is allowed (RFC 4880 7)")
        return CleartextMessage(tuple(text), tuple(hashes), errors=tuple(errors))
    signature, checksum = _signature_block(block, errors)
    if any(line.strip() for line in lines[end + 1 :]):
        errors.append("signed file: there is content after the signature (RFC 9116 2.3)")
    return CleartextMessage(tuple(text), tuple(hashes), signature, tuple(errors), checksum)
