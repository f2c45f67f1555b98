"""Parsing a served chain and the trust store the certificate checks verify against.

Trust store (decided here, documented in docs/TLS.md): the check verifies the chain itself with
``cryptography.x509.verification`` against, in order, ``ctx.options["ca_pem"]`` (PEM text or bytes),
``ctx.options["ca_file"]`` (a PEM file; the scanner passes ``ScanOptions.ca_file``), or the system bundle.
Reading the bundle is configuration, not measurement; it is cached per path. Verification happens at
``ctx.now``, so stored observations re-evaluate reproducibly.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

from domeinwacht.checks.result import Status
from domeinwacht.checks.tls._common import Verdict
from domeinwacht.observations.tls import TlsObservation


@dataclass(frozen=True, slots=True)
class ServedCert:
    """One certificate of a served chain, with its position (0 = leaf)."""

    position: int
    cert: x509.Certificate

    @property
    def subject(self) -> str:
        return self.cert.subject.rfc4514_string() or "(empty subject)"

    @property
    def self_signed(self) -> bool:
        return self.cert.subject == self.cert.issuer


def parse_chain(chain: Sequence[bytes]) -> tuple[list[ServedCert], list[str]]:
    """Parsed certificates and the errors of the ones that did not parse."""
    parsed: list[ServedCert] = []
    errors: list[str] = []
    for i, der in enumerate(chain):
        try:
            parsed.append(ServedCert(i, x509.load_der_x509_certificate(der)))
        except ValueError as exc:
            errors.append(f"certificate {i} does not parse: {exc}")
    return parsed, errors


def served_chain(obs: TlsObservation) -> list[ServedCert] | Verdict:
    """The endpoint's parsed chain, or the verdict every certificate check gives when there is none to judge."""
    if not obs.chain:
        return Verdict(Status.ERROR, f"{obs.endpoint}: no certificate chain was observed")
    certs, errors = parse_chain(obs.chain)
    if errors:
        return Verdict(Status.FAIL, f"{obs.endpoint}: {errors[0]}", {}, "Serve well-formed certificates.")
    return certs


def judged(certs: Sequence[ServedCert]) -> list[ServedCert]:
    """CHECKS.md: every certificate sent except the root (a self-signed certificate that is not the leaf)."""
    return [c for c in certs if c.position == 0 or not c.self_signed]


def key_description(cert: x509.Certificate) -> tuple[str, int, str | None]:
    """(kind, bits, curve) of the public key: kind is rsa, ec, ed25519, ed448, dsa or the type name."""
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return "rsa", key.key_size, None
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "ec", key.key_size, key.curve.name
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "ed25519", 256, None
    if isinstance(key, ed448.Ed448PublicKey):
        return "ed448", 456, None
    if isinstance(key, dsa.DSAPublicKey):
        return "dsa", key.key_size, None
    return type(key).__name__, 0, None


def signature_hash_name(cert: x509.Certificate) -> str:
    """``SHA256`` etc. for the certificate's signature; ``intrinsic`` for EdDSA; ``unknown`` otherwise."""
    try:
        algorithm = cert.signature_hash_algorithm
    except Exception:  # cryptography raises UnsupportedAlgorithm for exotic OIDs
        return "unknown"
    if algorithm is None:
        return "intrinsic"
    return algorithm.name.upper().replace("-", "")


_BUNDLE_START = b"-----BEGIN CERTIFICATE-----"


@lru_cache(maxsize=8)
def _load_pem(data: bytes) -> tuple[x509.Certificate, ...]:
    if _BUNDLE_START not in data:
        return ()
    return tuple(x509.load_pem_x509_certificates(data))


@lru_cache(maxsize=8)
def _load_file(path: str) -> tuple[x509.Certificate, ...]:
    return _load_pem(Path(path).read_bytes())


def trust_roots(options: Mapping[str, Any]) -> tuple[tuple[x509.Certificate, ...], str]:
    """The trusted roots and where they came from (for the evidence)."""
    pem = options.get("ca_pem")
    if not pem and options.get("ca_missing"):
        return (), f"{options.get('ca_file')} (the trust store these observations were made with; it is gone)"
    if pem:
        data = pem.encode("ascii") if isinstance(pem, str) else bytes(pem)
        return _load_pem(data), "ca_pem option"
    path = options.get("ca_file") or ssl.get_default_verify_paths().cafile
    if not path:
        return (), "no trust store configured"
    return _load_file(str(path)), str(path)
