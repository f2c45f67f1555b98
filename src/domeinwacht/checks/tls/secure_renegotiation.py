"""``web.tls.secure_renegotiation`` / ``mail.tls.secure_renegotiation``: RFC 5746 support.

CHECKS.md "TLS": RFC 5746 support missing: fail (NCSC: insecure renegotiation insufficient). The server
supports it when its ServerHello answers our renegotiation_info extension (RFC 5746 3.6). TLS 1.3 has no
renegotiation at all (RFC 8446 4.1.2), so a TLS 1.3-only endpoint cannot renegotiate insecurely: pass (as the
lab's ground truth declares).
"""

from __future__ import annotations

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.tls._common import Verdict, has_legacy, profile_of, register
from domeinwacht.checks.tls.ncsc_tls import extension_setting, status_for
from domeinwacht.observations.tls import TlsObservation


@register("secure_renegotiation")
def secure_renegotiation(obs: TlsObservation, ctx: CheckContext) -> Verdict:
    profile = profile_of(ctx)
    evidence = {"renegotiation_info": obs.secure_renegotiation}
    if not has_legacy(obs):
        return Verdict(Status.PASS, f"{obs.endpoint} speaks only TLS 1.3, which has no renegotiation.", evidence)
    if obs.secure_renegotiation is None:
        return Verdict(Status.ERROR, f"{obs.endpoint}: renegotiation_info was not measured", evidence)
    if obs.secure_renegotiation:
        return Verdict(Status.PASS, f"{obs.endpoint} supports secure renegotiation (RFC 5746).", evidence)
    return Verdict(
        status_for(extension_setting(profile, "insecure_renegotiation")),
        f"{obs.endpoint} does not support secure renegotiation (RFC 5746).",
        evidence,
        "Upgrade the TLS library or server: every maintained TLS stack supports RFC 5746 secure "
        f"renegotiation ({profile.title}).",
    )
