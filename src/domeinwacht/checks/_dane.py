"""TLSA matching (RFC 6698 section 2.1, RFC 7671, RFC 7672 for SMTP): which record matches which certificate.

    result = match_tlsa(["3 1 1 9f86d0…"], chain_der)
    result.matched, result.matches[0].record, result.matches[0].cert_index

Shared by ``mail.dane.*`` and ``web.dane``. Pure: no I/O. For SMTP (RFC 7672 3.1.3) usages 0 (PKIX-TA) and 1
(PKIX-EE) are not used and only reported as ignored; with ``smtp=False`` they are matched as well (the caller
must then also require PKIX validation of the chain, RFC 6698 2.1.1).

- usage 3 (DANE-EE) matches the leaf certificate only (RFC 7672 3.1.1);
- usage 2 (DANE-TA) matches a certificate the server sent above the leaf (RFC 7672 3.1.2: the server MUST
  include the trust anchor in its chain), and every link from the leaf up to that certificate must be signed by
  the next one (the chain to the trust anchor);
- selector 0 is the whole certificate (DER), 1 its SubjectPublicKeyInfo (DER);
- matching type 0 is the data itself, 1 its SHA-256, 2 its SHA-512.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


class TlsaSyntaxError(ValueError):
    """A TLSA record that is not ``usage selector mtype hex``."""


@dataclass(frozen=True, slots=True)
class Tlsa:
    usage: int
    selector: int
    mtype: int
    data: bytes
    text: str

    @property
    def params(self) -> str:
        return f"{self.usage} {self.selector} {self.mtype}"


def parse_tlsa(text: str) -> Tlsa:
    """Presentation format (RFC 6698 2.2): three numbers then hex (spaces and parentheses allowed)."""
    fields = text.replace("(", " ").replace(")", " ").split()
    if len(fields) < 4 or not all(f.isdigit() for f in fields[:3]):
        raise TlsaSyntaxError(f"{text!r} is not 'usage selector matching-type data'")
    usage, selector, mtype = (int(f) for f in fields[:3])
    if max(usage, selector, mtype) > 255:
        raise TlsaSyntaxError(f"{text!r}: fields are 8-bit numbers")
    hexdata = "".join(fields[3:])
    if not re.fullmatch(r"(?:[0-9A-Fa-f]{2})+", hexdata):
        raise TlsaSyntaxError(f"{text!r}: certificate association data is not hex")
    return Tlsa(usage, selector, mtype, bytes.fromhex(hexdata), " ".join([*fields[:3], hexdata.lower()]))


@dataclass(frozen=True, slots=True)
class TlsaMatch:
    """``record`` matched the certificate at ``cert_index`` of the chain (0 = leaf), ``subject`` for evidence."""

    record: str
    usage: int
    cert_index: int
    subject: str


@dataclass(frozen=True, slots=True)
class DaneResult:
    """Outcome of matching a TLSA RRset against a served chain.

    Attributes:
        matches: every (record, certificate) pair that matched.
        usable: records with usage 2/3 (and 0/1 when not SMTP), known selector and matching type.
        ignored: records not used, with the reason (``0 0 1 …: usage 0 is not used for SMTP``).
        errors: records that could not be parsed, certificates that could not be read, broken TA chains.
    """

    matches: tuple[TlsaMatch, ...] = ()
    usable: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def matched(self) -> bool:
        return bool(self.matches)

    def matched_records(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.record for m in self.matches))


def association_data(cert: x509.Certificate, der: bytes, selector: int, mtype: int) -> bytes:
    """RFC 6698 2.1.2/2.1.3: the selected part of the certificate, hashed per the matching type."""
    if selector == 0:
        selected = der
    elif selector == 1:
        selected = cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    else:
        raise ValueError(f"unknown selector {selector}")
    if mtype == 0:
        return selected
    if mtype == 1:
        return hashlib.sha256(selected).digest()
    if mtype == 2:
        return hashlib.sha512(selected).digest()
    raise ValueError(f"unknown matching type {mtype}")


def _chain_signed_up_to(certs: Sequence[x509.Certificate], top: int) -> str | None:
    """None when certs[0] … certs[top] each are issued and signed by the next; else the broken link."""
    for index in range(top):
        child, parent = certs[index], certs[index + 1]
        try:
            child.verify_directly_issued_by(parent)
        except (ValueError, TypeError, InvalidSignature) as exc:
            return f"certificate {index} is not signed by certificate {index + 1}: {exc or type(exc).__name__}"
    return None


def leaf_names(cert: x509.Certificate) -> list[str]:
    """DNS names of a certificate: subjectAltName dNSName entries, else the subject common names."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        return [n.lower().rstrip(".") for n in san.get_values_for_type(x509.DNSName)]
    except x509.ExtensionNotFound:
        return [str(a.value).lower() for a in cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)]


def name_matches(cert: x509.Certificate, hostname: str) -> bool:
    """RFC 6125 6.4: exact match, or a ``*.`` wildcard standing for exactly the left-most label."""
    host = hostname.lower().rstrip(".")
    for name in leaf_names(cert):
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


def match_tlsa(
    tlsa_records: Sequence[str], chain_der: Sequence[bytes], *, smtp: bool = True, hostname: str | None = None
) -> DaneResult:
    """Match ``tlsa_records`` (presentation format) against the chain as served (DER, leaf first).

    With ``hostname``, a DANE-TA (usage 2) match also needs the leaf to carry that name (RFC 7672 3.2.2: name
    checks apply to DANE-TA; DANE-EE (usage 3) ignores names, RFC 7672 3.1.1).
    """
    errors: list[str] = []
    ignored: list[str] = []
    usable: list[Tlsa] = []
    for text in tlsa_records:
        try:
            record = parse_tlsa(text)
        except TlsaSyntaxError as exc:
            errors.append(str(exc))
            continue
        if record.usage in (0, 1) and smtp:  # RFC 7672 3.1.3
            ignored.append(f"{record.text}: usage {record.usage} (PKIX) is not used for SMTP (RFC 7672 3.1.3)")
        elif record.usage > 3 or record.selector > 1 or record.mtype > 2:
            ignored.append(f"{record.text}: unknown usage, selector or matching type (RFC 7671 4)")
        else:
            usable.append(record)
    certs: list[x509.Certificate] = []
    for index, der in enumerate(chain_der):
        try:
            certs.append(x509.load_der_x509_certificate(der))
        except ValueError as exc:
            errors.append(f"certificate {index} of the chain cannot be read: {exc}")
            break
    matches: list[TlsaMatch] = []
    for record in usable:
        # DANE-EE / PKIX-EE: the leaf only; DANE-TA / PKIX-TA: a certificate above it.
        candidates = range(min(1, len(certs))) if record.usage in (1, 3) else range(1, len(certs))
        for index in candidates:
            cert = certs[index]
            if association_data(cert, chain_der[index], record.selector, record.mtype) != record.data:
                continue
            if record.usage in (0, 2):
                broken = _chain_signed_up_to(certs, index)
                if broken is not None:
                    errors.append(f"{record.text} matches certificate {index}, but {broken}")
                    continue
                if hostname is not None and record.usage == 2 and not name_matches(certs[0], hostname):
                    errors.append(
                        f"{record.text} matches certificate {index}, but the leaf is not issued for {hostname} "
                        f"(names: {', '.join(leaf_names(certs[0])) or 'none'}; RFC 7672 3.2.2)"
                    )
                    continue
            matches.append(TlsaMatch(record.text, record.usage, index, cert.subject.rfc4514_string()))
    return DaneResult(tuple(matches), tuple(r.text for r in usable), tuple(ignored), tuple(errors))


def rollover_scheme(tlsa_records: Sequence[str]) -> str | None:
    """A key-rollover-ready TLSA set (RFC 7671 8.1, NCSC/Internet.nl practice): two ``3 1 1``, or a 3 plus a 2."""
    parsed = []
    for text in tlsa_records:
        try:
            parsed.append(parse_tlsa(text))
        except TlsaSyntaxError:
            continue
    ee_311 = {r.data for r in parsed if (r.usage, r.selector, r.mtype) == (3, 1, 1)}
    usages = {r.usage for r in parsed}
    if len(ee_311) >= 2:
        return "two distinct 3 1 1 records (current and next key)"
    if 3 in usages and 2 in usages:
        return "a DANE-EE (3) record plus a DANE-TA (2) record"
    return None
