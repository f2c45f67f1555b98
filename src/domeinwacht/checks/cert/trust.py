"""``web.cert.trust`` / ``mail.cert.trust``: the served chain validates to the configured trust store.

CHECKS.md "Certificates": chain validates to the configured trust store (Mozilla/Debian bundle by default; the
lab CA in tests). Mail: info only (RFC 7672 2.2). Validation is RFC 5280 path building with the CA/B Forum
web PKI profile of ``cryptography.x509.verification``, at ``ctx.now``. The host name is judged separately by
cert.hostname, so trust is verified for a name the leaf itself carries.
"""

from __future__ import annotations

import ipaddress

from cryptography import x509
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from domeinwacht.checks.cert._chain import parse_chain, trust_roots
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
