"""``web.tls.ciphers`` / ``mail.tls.ciphers``: every accepted suite classified per profile.

CHECKS.md "TLS": any insufficient suite: fail; phase-out: warning; evidence lists every suite with its class
(NCSC TLS guidelines 2025-05 tables 2–3 / v2.1.1 table 2).
"""

from __future__ import annotations

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.tls._common import Verdict, profile_of, register
from domeinwacht.checks.tls.ncsc_tls import classify_suite, status_for
from domeinwacht.observations.tls import TlsObservation


@register("ciphers")
def ciphers(obs: TlsObservation, ctx: CheckContext) -> Verdict:
    profile = profile_of(ctx)
    per_version = {
        entry.version: {suite: classify_suite(profile, suite) for suite in entry.suites} for entry in obs.suites
    }
    if not any(per_version.values()):
        return Verdict(Status.ERROR, f"{obs.endpoint}: no cipher suite was accepted")
    classes = [c for suites in per_version.values() for c in suites.values()]
    status = Status.worst(status_for(c) for c in classes)
    evidence = {"suites": per_version}
    if status is Status.PASS:
        count = sum(len(s) for s in per_version.values())
        return Verdict(status, f"{obs.endpoint}: all {count} suites are good or sufficient.", evidence)
    bad_class = "insufficient" if status is Status.FAIL else "phase_out"
    bad = sorted({s for suites in per_version.values() for s, c in suites.items() if c == bad_class})
    word = "insufficient" if status is Status.FAIL else "phase-out"
    return Verdict(
        status,
        f"{obs.endpoint} accepts {len(bad)} {word} suite(s): {', '.join(bad[:5])}"
        + (" …" if len(bad) > 5 else "")
        + ".",
        evidence,
        f"Remove these suites from the server configuration of {obs.endpoint}: {', '.join(bad)}. Keep "
        f"ECDHE with AES-GCM or ChaCha20-Poly1305 for TLS 1.2 ({profile.title}).",
    )
