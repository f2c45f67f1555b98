"""``web.tls.zero_rtt``: TLS 1.3 early data (0-RTT) must not be accepted (web only).

CHECKS.md "TLS": early data accepted: fail (NCSC 2025-05: 0-RTT insufficient; early data can be replayed,
RFC 8446 8). The prober resumes with a ticket that advertises early data and offers early_data (sending none);
the server accepts when its EncryptedExtensions carry early_data (RFC 8446 4.2.10). A server that issues no
ticket allowing early data cannot receive 0-RTT: pass.
"""

from __future__ import annotations

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.tls._common import Verdict, not_measured, profile_of, register
from domeinwacht.checks.tls.ncsc_tls import extension_setting, status_for
from domeinwacht.observations.tls import TlsObservation


@register("zero_rtt", mail=False)
def zero_rtt(obs: TlsObservation, ctx: CheckContext) -> Verdict:
    profile = profile_of(ctx)
    evidence = {"early_data_accepted": obs.early_data, "max_early_data_size": obs.early_data_max}
    if "TLSv1.3" not in obs.versions:
        return Verdict(Status.NOT_APPLICABLE, f"{obs.endpoint} does not speak TLS 1.3 (0-RTT is 1.3 only).", evidence)
    if obs.early_data is None:
        return Verdict(Status.ERROR, not_measured(obs, "0-RTT"), evidence)
    if obs.early_data:
        return Verdict(
            status_for(extension_setting(profile, "zero_rtt")),
            f"{obs.endpoint} accepts TLS 1.3 early data (0-RTT), which an attacker can replay.",
            evidence,
            f"Disable 0-RTT (nginx: ssl_early_data off; OpenSSL: max_early_data 0) ({profile.title}).",
        )
    return Verdict(Status.PASS, f"{obs.endpoint} does not accept 0-RTT early data.", evidence)
