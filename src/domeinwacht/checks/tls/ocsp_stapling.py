"""``web.tls.ocsp_stapling`` / ``mail.tls.ocsp_stapling``: a stapled OCSP response (informational).

CHECKS.md "TLS": info only; not applicable when the certificate has no OCSP URL. We ask with status_request
(RFC 6066 8) and read the CertificateStatus message (TLS 1.2) or the leaf entry's status_request extension
(TLS 1.3, RFC 8446 4.4.2.1).
"""

from __future__ import annotations

from cryptography import x509
from cryptography.x509.oid import AuthorityInformationAccessOID

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.tls._common import Verdict, register
from domeinwacht.observations.tls import TlsObservation


def ocsp_urls(der: bytes) -> list[str]:
    """The OCSP responder URLs in a certificate's Authority Information Access extension."""
    try:
        cert = x509.load_der_x509_certificate(der)
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except (ValueError, x509.ExtensionNotFound):
        return []
    return [str(d.access_location.value) for d in aia if d.access_method == AuthorityInformationAccessOID.OCSP]


@register("ocsp_stapling")
def ocsp_stapling(obs: TlsObservation, ctx: CheckContext) -> Verdict:
    if not obs.chain or obs.ocsp_stapled is None:
        return Verdict(Status.ERROR, f"{obs.endpoint}: no certificate was observed to ask OCSP for")
    urls = ocsp_urls(obs.chain[0])
    evidence = {"ocsp_urls": urls, "stapled": obs.ocsp_stapled}
    if not urls:
        return Verdict(Status.NOT_APPLICABLE, f"{obs.endpoint}: the certificate names no OCSP responder.", evidence)
    if obs.ocsp_stapled:
        return Verdict(Status.PASS, f"{obs.endpoint} staples an OCSP response.", evidence)
    return Verdict(
        Status.INFO,
        f"{obs.endpoint} does not staple an OCSP response.",
        evidence,
        "Optionally enable OCSP stapling (nginx: ssl_stapling on; Apache: SSLUseStapling on) so clients "
        "need not ask the CA.",
    )
