"""``web.tls.kex_groups`` / ``mail.tls.kex_groups``: ECDHE curves and FFDHE groups classified per profile.

CHECKS.md "TLS": groups classified per profile (self-generated or < 3072-bit DH: fail under 2025-05); hybrid
PQC groups reported and counted good. NCSC 2025-05 "Key exchange" / v2.1.1 table 4.
"""

from __future__ import annotations

from typing import Any

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.tls._common import Verdict, profile_of, register
from domeinwacht.checks.tls.ncsc_tls import classify_dh, classify_group, status_for
from domeinwacht.observations.tls import TlsObservation


@register("kex_groups")
def kex_groups(obs: TlsObservation, ctx: CheckContext) -> Verdict:
    profile = profile_of(ctx)
    names = list(dict.fromkeys([*obs.groups, *obs.tls12_groups]))
    groups = {g: classify_group(profile, g) for g in names}
    dh: dict[str, Any] = {}
    for params in obs.dh_params:
        label = params.group or f"custom {params.bits}-bit group (sha256 {params.prime_sha256[:16]}…)"
        dh[label] = classify_dh(profile, params)
    evidence: dict[str, Any] = {"groups": groups, "source": obs.groups_source, "dhe_parameters": dh}
    if not groups and not dh:
        if "TLSv1.3" in obs.versions:
            return Verdict(Status.ERROR, f"{obs.endpoint}: no key-exchange group was learned", evidence)
        return Verdict(
            Status.NOT_APPLICABLE,
            f"{obs.endpoint} accepts no ephemeral (EC)DH key exchange (see the cipher check).",
            evidence,
        )
    classes = {**groups, **dh}
    status = Status.worst(status_for(c) for c in classes.values())
    if status is Status.PASS:
        return Verdict(status, f"{obs.endpoint}: all key-exchange groups are good or sufficient.", evidence)
    bad_class = "insufficient" if status is Status.FAIL else "phase_out"
    bad = [g for g, c in classes.items() if c == bad_class]
    word = "insufficient" if status is Status.FAIL else "phase-out"
    return Verdict(
        status,
        f"{obs.endpoint} accepts {word} key-exchange group(s): {', '.join(bad)}.",
        evidence,
        f"Remove {', '.join(bad)} from the server's groups/curves (nginx ssl_ecdh_curve, OpenSSL Groups); for "
        f"DHE use ffdhe3072 or larger (RFC 7919) or drop DHE ({profile.title}).",
    )
