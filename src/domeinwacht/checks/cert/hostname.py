"""``web.cert.hostname`` / ``mail.cert.hostname``: the leaf certificate matches the host name.

CHECKS.md "Certificates": leaf matches the host (SAN, wildcard rules). RFC 6125 6.4: only subjectAltName
dNSName entries count when present (6.4.4: CN only without any SAN); a wildcard is the complete left-most
label and matches exactly one label (6.4.3). Mail: info only.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.x509.oid import NameOID

from domeinwacht.checks.cert._chain import parse_chain
from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.tls._common import Verdict, register
from domeinwacht.observations.tls import TlsObservation


def names_of(cert: x509.Certificate) -> list[str]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        return [n.lower() for n in san.get_values_for_type(x509.DNSName)]
    except x509.ExtensionNotFound:
        cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return [str(cn.value).lower() for cn in cns]


def matches(pattern: str, host: str) -> bool:
    """RFC 6125 6.4.3 matching, case-insensitive, ignoring a trailing dot."""
    pattern = pattern.rstrip(".").lower()
    host = host.rstrip(".").lower()
    if "*" not in pattern:
        return pattern == host
    p_labels = pattern.split(".")
    h_labels = host.split(".")
    if p_labels[0] != "*" or "*" in ".".join(p_labels[1:]) or len(p_labels) < 3:
        return False  # only a whole left-most wildcard label over at least two fixed labels
    return len(h_labels) == len(p_labels) and h_labels[1:] == p_labels[1:] and h_labels[0] != ""


@register("hostname", family="cert", mail_info_only=True)
def hostname(obs: TlsObservation, ctx: CheckContext) -> Verdict:
    if not obs.chain:
        return Verdict(Status.ERROR, f"{obs.endpoint}: no certificate chain was observed")
    if not obs.server_name:
        return Verdict(Status.NOT_APPLICABLE, f"{obs.endpoint} was probed without a host name.")
    certs, errors = parse_chain(obs.chain[:1])
    if errors:
        return Verdict(Status.FAIL, f"{obs.endpoint}: {errors[0]}", {}, "Serve a well-formed certificate.")
    names = names_of(certs[0].cert)
    host = obs.server_name.encode("idna").decode("ascii") if not obs.server_name.isascii() else obs.server_name
    evidence = {"host": host, "certificate_names": names}
    if any(matches(n, host) for n in names):
        return Verdict(Status.PASS, f"{obs.endpoint}: the certificate covers {host}.", evidence)
    return Verdict(
        Status.FAIL,
        f"{obs.endpoint}: the certificate does not cover {host} (it names {', '.join(names[:5]) or 'nothing'}).",
        evidence,
        f"Serve a certificate with {host} in its subjectAltName (RFC 6125).",
    )
