"""``web.tls.client_renegotiation`` / ``mail.tls.client_renegotiation``: client-initiated renegotiation.

CHECKS.md "TLS": refused: pass; allowed: info (2025-05) / warning (v2.1.1). TLS 1.3 has no renegotiation
(RFC 8446 4.1.2): a TLS 1.3-only endpoint refuses it by construction: pass. The prober completes one TLS 1.2
handshake and sends a second ClientHello inside it (RFC 5746 secure renegotiation); when it could not (no
ECDHE AEAD suite it can speak), the check says ``error`` with that reason, never a guessed pass.
"""

from __future__ import annotations

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.tls._common import Verdict, has_legacy, not_measured, profile_of, register
from domeinwacht.observations.tls import TlsObservation


@register("client_renegotiation")
def client_renegotiation(obs: TlsObservation, ctx: CheckContext) -> Verdict:
    profile = profile_of(ctx)
    evidence = {"client_renegotiation": obs.client_renegotiation}
    if not has_legacy(obs):
        return Verdict(Status.PASS, f"{obs.endpoint} speaks only TLS 1.3, which has no renegotiation.", evidence)
    if obs.client_renegotiation is None:
        return Verdict(Status.ERROR, not_measured(obs, "client-initiated renegotiation"), evidence)
    if obs.client_renegotiation == "refused":
        return Verdict(Status.PASS, f"{obs.endpoint} refuses client-initiated renegotiation.", evidence)
    setting = profile.data["extensions"]["client_renegotiation_allowed"]
    status = Status.WARNING if setting == "warning" else Status.INFO
    return Verdict(
        status,
        f"{obs.endpoint} allows client-initiated renegotiation ({obs.client_renegotiation}).",
        evidence,
        "Disable client-initiated renegotiation (OpenSSL: SSL_OP_NO_RENEGOTIATION; it costs the server CPU "
        f"per request) ({profile.title}).",
    )
