"""``web.tls.compression`` / ``mail.tls.compression``: TLS-level compression (CRIME).

CHECKS.md "TLS": TLS compression: fail (NCSC: insufficient). We offer DEFLATE (RFC 3749) next to null; a
server that selects it compresses. TLS 1.3 removed compression (RFC 8446 4.1.2), so a TLS 1.3-only endpoint
cannot compress.
"""

from __future__ import annotations

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.tls._common import Verdict, has_legacy, profile_of, register
from domeinwacht.checks.tls.ncsc_tls import extension_setting, status_for
from domeinwacht.observations.tls import TlsObservation


@register("compression")
def compression(obs: TlsObservation, ctx: CheckContext) -> Verdict:
    profile = profile_of(ctx)
    evidence = {"compression_selected": obs.compression}
    if obs.compression is None:
        if not has_legacy(obs) and "TLSv1.3" in obs.versions:
            return Verdict(Status.PASS, f"{obs.endpoint} speaks only TLS 1.3, which has no compression.", evidence)
        return Verdict(Status.ERROR, f"{obs.endpoint}: compression was not measured", evidence)
    if obs.compression:
        return Verdict(
            status_for(extension_setting(profile, "compression")),
            f"{obs.endpoint} compresses TLS records (DEFLATE), which exposes secrets to CRIME.",
            evidence,
            f"Disable TLS compression (OpenSSL: Options -Compression / SSL_OP_NO_COMPRESSION) ({profile.title}).",
        )
    return Verdict(Status.PASS, f"{obs.endpoint} does not use TLS compression.", evidence)
