"""``web.tls.cipher_order`` / ``mail.tls.cipher_order``: the server prefers good suites over phase-out ones.

CHECKS.md "TLS" and NCSC 2025-05 ("Cipher order"): when phase-out suites are offered, the server must enforce
its own order and choose every good/sufficient suite before any phase-out suite; else fail. Not applicable
when only TLS 1.3 is offered or no phase-out suite is accepted (TLS 1.3 has no phase-out suite in either
profile, so its order is not judged).
"""

from __future__ import annotations

from typing import Any

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.tls._common import Verdict, profile_of, register
from domeinwacht.checks.tls.ncsc_tls import classify_suite
from domeinwacht.observations.tls import TlsObservation


@register("cipher_order")
def cipher_order(obs: TlsObservation, ctx: CheckContext) -> Verdict:
    profile = profile_of(ctx)
    evidence: dict[str, Any] = {}
    problems: list[str] = []
    judged = False
    for entry in obs.suites:
        classes = [(s, classify_suite(profile, s)) for s in entry.suites]
        if not any(c == "phase_out" for _, c in classes):
            continue
        strong = [s for s, c in classes if c in ("good", "sufficient")]
        if not strong:
            continue  # only phase-out (and worse) suites: nothing to prefer
        judged = True
        evidence[entry.version] = {
            "server_preference": entry.server_preference,
            "order": [f"{s} ({c})" for s, c in classes],
        }
        if entry.server_preference is not True:
            # The server follows the client: a client listing a phase-out suite first gets it.
            problems.append(f"{entry.version}: the server does not enforce its own suite order")
            continue
        first_phase_out = next(i for i, (_, c) in enumerate(classes) if c == "phase_out")
        late = [s for s, c in classes[first_phase_out:] if c in ("good", "sufficient")]
        if late:
            problems.append(f"{entry.version}: {', '.join(late)} ranked after a phase-out suite")
    if not judged:
        return Verdict(
            Status.NOT_APPLICABLE,
            f"{obs.endpoint} offers no phase-out suite next to good ones; the order does not matter.",
            evidence,
        )
    if problems:
        return Verdict(
            Status.FAIL,
            f"{obs.endpoint}: " + "; ".join(problems) + ".",
            evidence,
            "Enable server cipher preference (nginx: ssl_prefer_server_ciphers on; Apache: SSLHonorCipherOrder "
            "on; Postfix: tls_preempt_cipherlist = yes) and list good/sufficient suites before phase-out "
            f"ones ({profile.title}, cipher order).",
        )
    return Verdict(Status.PASS, f"{obs.endpoint} prefers good and sufficient suites.", evidence)
