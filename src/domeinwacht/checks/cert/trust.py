"""``web.cert.trust`` / ``mail.cert.trust``: the served chain validates to the configured trust store.

CHECKS.md "Certificates": chain validates to the configured trust store (Mozilla/Debian bundle by default; the
lab CA in tests). Mail: info only (RFC 7672 2.2). Validation is RFC 5280 path building with the CA/B Forum
web PKI profile of ``cryptography.x509.verification``, at ``ctx.now``. The host name is judged separately by
cert.hostname, so trust is verified for a name the leaf itself carries.
"""

from __future__ import annotations

import ipaddress

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from domeinwacht.checks.cert._chain import ServedCert, parse_chain, trust_roots
from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.tls._common import Verdict, register
from domeinwacht.observations.tls import TlsObservation


def _subject_for(leaf: x509.Certificate, server_name: str | None) -> x509.verification.Subject | None:
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return None
    names = san.get_values_for_type(x509.DNSName)
    if server_name and server_name.lower() in (n.lower() for n in names):
        return x509.DNSName(server_name)
    for name in names:
        if "*" not in name:
            return x509.DNSName(name)
    for name in names:  # only wildcards: verify for a name the wildcard covers
        return x509.DNSName("x" + name[1:])
    for ip in san.get_values_for_type(x509.IPAddress):
        if isinstance(ip, ipaddress.IPv4Address | ipaddress.IPv6Address):
            return x509.IPAddress(ip)
    return None


def _path_ignoring_signature_algorithm(
    certs: list[ServedCert], roots: tuple[x509.Certificate, ...], ctx: CheckContext
) -> list[str] | None:
    """Leaf -> served intermediates -> a trusted root, checking signatures, validity and CA flags only."""
    pool = [c.cert for c in certs[1:]]
    current = certs[0].cert
    path = [current.subject.rfc4514_string()]
    for _ in range(8):
        if not current.not_valid_before_utc <= ctx.now <= current.not_valid_after_utc:
            return None
        for root in roots:
            if root.subject == current.issuer and _issued_by(current, root):
                path.append(root.subject.rfc4514_string())
                return path
        parent = next((c for c in pool if c.subject == current.issuer and _issued_by(current, c)), None)
        if parent is None or not _is_ca(parent):
            return None
        pool.remove(parent)
        current = parent
        path.append(current.subject.rfc4514_string())
    return None


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """The issuer's key verifies the signature (with SHA-1 too, which cryptography's helper refuses)."""
    if cert.issuer != issuer.subject:
        return False
    try:
        cert.verify_directly_issued_by(issuer)
        return True
    except (TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    except ValueError:
        pass  # "Unsupported signature algorithm": verify by hand below
    key = issuer.public_key()
    try:
        algorithm = cert.signature_hash_algorithm
        if algorithm is None:
            return False
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(algorithm))
        else:
            return False
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


@register("trust", family="cert", mail_info_only=True)
def trust(obs: TlsObservation, ctx: CheckContext) -> Verdict:
    certs, errors = parse_chain(obs.chain)
    if not obs.chain:
        return Verdict(Status.ERROR, f"{obs.endpoint}: no certificate chain was observed")
    roots, source = trust_roots(ctx.options)
    evidence = {"trust_store": source, "chain": [c.subject for c in certs]}
    if errors or not certs or certs[0].position != 0:
        return Verdict(
            Status.FAIL,
            f"{obs.endpoint} sent a certificate that does not parse: {'; '.join(errors)}",
            evidence,
            "Serve well-formed DER certificates.",
        )
    if not roots:
        return Verdict(Status.ERROR, f"no trusted roots loaded from {source}", evidence)
    leaf = certs[0].cert
    subject = _subject_for(leaf, obs.server_name)
    if subject is None:
        return Verdict(
            Status.FAIL,
            f"{obs.endpoint}: the certificate has no subjectAltName, so no client can validate it.",
            evidence,
            "Reissue the certificate with the host names in subjectAltName (RFC 6125 6.4.4, CA/B Forum BR).",
        )
    verifier = PolicyBuilder().store(Store(list(roots))).time(ctx.now).build_server_verifier(subject)
    try:
        verified = verifier.verify(leaf, [c.cert for c in certs[1:]])
    except VerificationError as exc:
        if "signature algorithm" in str(exc).lower():
            # The web PKI profile refuses SHA-1 (and other weak) signatures outright; that defect is
            # cert.signature's finding. Trust is then judged as RFC 5280 path validation by hand.
            path = _path_ignoring_signature_algorithm(certs, roots, ctx)
            if path is not None:
                return Verdict(
                    Status.PASS,
                    f"{obs.endpoint}: the chain leads to {path[-1]} (its weak signature algorithm is "
                    "judged by cert.signature).",
                    {**evidence, "validated_path": path},
                )
        return Verdict(
            Status.FAIL,
            f"{obs.endpoint}: the chain does not validate: {exc}",
            {**evidence, "reason": str(exc)},
            "Serve the complete chain (leaf and intermediates) issued by a publicly trusted CA, in order, "
            "and renew expired certificates.",
        )
    return Verdict(
        Status.PASS,
        f"{obs.endpoint}: the chain validates to {verified[-1].subject.rfc4514_string()}.",
        {**evidence, "validated_path": [c.subject.rfc4514_string() for c in verified]},
    )
