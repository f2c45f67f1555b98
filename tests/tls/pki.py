"""Test certificates made with ``cryptography``: a CA, leaves of several key types, odd cases."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime(2026, 6, 1, tzinfo=UTC)

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_key(kind: str = "rsa", bits: int = 3072) -> PrivateKey:
    if kind == "rsa":
        return rsa.generate_private_key(65537, bits)
    if kind == "ec":
        return ec.generate_private_key(ec.SECP384R1() if bits == 384 else ec.SECP256R1())
    return ed25519.Ed25519PrivateKey.generate()


@dataclass
class Issued:
    cert: x509.Certificate
    key: PrivateKey

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def make_ca(cn: str = "Domeinwacht Test Root", key: PrivateKey | None = None) -> Issued:
    key = key or make_key("ec")
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(_name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=365))
        .not_valid_after(NOW + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(cert, key)


def issue(
    ca: Issued,
    names: tuple[str, ...] = ("localhost",),
    *,
    key: PrivateKey | None = None,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    hash_algorithm: hashes.HashAlgorithm | None = None,
    ocsp_url: str | None = None,
    ips: tuple[str, ...] = (),
) -> Issued:
    key = key or make_key("ec")
    sans: list[x509.GeneralName] = [x509.DNSName(n) for n in names]
    sans += [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(names[0] if names else "no-name"))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or NOW - timedelta(days=30))
        .not_valid_after(not_after or NOW + timedelta(days=300))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    if ocsp_url:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        x509.oid.AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier(ocsp_url),
                    )
                ]
            ),
            critical=False,
        )
    algorithm = hash_algorithm if not isinstance(ca.key, ed25519.Ed25519PrivateKey) else None
    if algorithm is None and not isinstance(ca.key, ed25519.Ed25519PrivateKey):
        algorithm = hashes.SHA256()
    cert = builder.sign(ca.key, algorithm)  # type: ignore[arg-type]
    return Issued(cert, key)


def write_pair(directory: Path, name: str, issued: Issued, *chain: Issued) -> tuple[Path, Path]:
    """Write ``name.pem`` (leaf then ``chain``) and ``name.key``; return their paths."""
    cert_path = directory / f"{name}.pem"
    key_path = directory / f"{name}.key"
    cert_path.write_bytes(issued.pem + b"".join(c.pem for c in chain))
    key_path.write_bytes(issued.key_pem)
    return cert_path, key_path
