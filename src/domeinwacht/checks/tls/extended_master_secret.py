"""``web.tls.extended_master_secret`` / ``mail.tls.extended_master_secret``: RFC 7627 on TLS 1.2.

CHECKS.md "TLS": TLS 1.2 offered without EMS: fail under 2025-05 (v2.1.1 does not require it: info); not
applicable when only TLS 1.3 is offered (TLS 1.3 binds the session hash by design). The server supports EMS
when its ServerHello answers the extended_master_secret extension (RFC 7627 5.1).
"""

from __future__ import annotations

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.tls._common import Verdict, has_legacy, profile_of, register
from domeinwacht.checks.tls.ncsc_tls import extension_setting
from domeinwacht.observations.tls import TlsObservation


@register("extended_master_secret")
def extended_master_secret(obs: TlsObservation, ctx: CheckContext) -> Verdict:
    profile = profile_of(ctx)
    evidence = {"extended_master_secret": obs.extended_master_secret}
    if not has_legacy(obs):
        return Verdict(Status.NOT_APPLICABLE, f"{obs.endpoint} speaks only TLS 1.3.", evidence)
    if obs.extended_master_secret is None:
        return Verdict(Status.ERROR, f"{obs.endpoint}: extended master secret was not measured", evidence)
    if obs.extended_master_secret:
        return Verdict(Status.PASS, f"{obs.endpoint} supports the extended master secret (RFC 7627).", evidence)
    required = bool(extension_setting(profile, "ems_required"))
    return Verdict(
        Status.FAIL if required else Status.INFO,
        f"{obs.endpoint} offers TLS 1.2 without the extended master secret (RFC 7627).",
        evidence,
        "Upgrade the TLS library or enable the extended master secret (OpenSSL ≥ 1.1.0 does it by default) "
        f"({profile.title}).",
    )
