"""``web.tls.versions`` / ``mail.tls.versions``: the protocol versions the endpoint accepts.

CHECKS.md "TLS": 2025-05: 1.3 good, 1.2 sufficient, ≤ 1.1 and all SSL insufficient (fail); v2.1.1: 1.1/1.0
phase-out (warning). NCSC TLS guidelines 2025-05 table 1 / v2.1.1 table 1.
"""

from __future__ import annotations

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.tls._common import Verdict, profile_of, register
from domeinwacht.checks.tls.ncsc_tls import classify_version, status_for
from domeinwacht.observations.tls import TlsObservation


@register("versions")
def versions(obs: TlsObservation, ctx: CheckContext) -> Verdict:
    profile = profile_of(ctx)
    if not obs.versions:
        return Verdict(Status.ERROR, f"{obs.endpoint}: no protocol version was accepted")
    classes = {v: classify_version(profile, v) for v in obs.versions}
    status = Status.worst(status_for(c) for c in classes.values())
    evidence = {"accepted": classes, "refused": list(obs.versions_refused)}
    if status is Status.PASS:
        return Verdict(status, f"{obs.endpoint} accepts only {', '.join(obs.versions)}.", evidence)
    weak = [v for v, c in classes.items() if c in ("phase_out", "insufficient")]
    worst = "insufficient" if status is Status.FAIL else "phase-out"
    return Verdict(
        status,
        f"{obs.endpoint} accepts {', '.join(weak)} ({worst} under {profile.id}).",
        evidence,
        f"Disable {', '.join(weak)} on {obs.endpoint}; offer TLS 1.3 and TLS 1.2 only "
        f"({profile.title}: {', '.join(weak)} is {worst}).",
    )
