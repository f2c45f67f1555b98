"""``web.tls.kex_hash`` / ``mail.tls.kex_hash``: the hash of the TLS 1.2 key-exchange signature.

CHECKS.md "TLS": a TLS 1.2 (EC)DHE handshake offering only SHA-1 signature_algorithms accepted: fail; SHA-224
only: warning (NCSC 2025-05 "Hash functions for key exchange"; RFC 5246 7.4.1.4.1 signature_algorithms).
"""

from __future__ import annotations

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.tls._common import Verdict, not_measured, profile_of, register
from domeinwacht.checks.tls.ncsc_tls import classify_hash, status_for
from domeinwacht.observations.tls import TlsObservation
from domeinwacht.tls_registry import SUITES_BY_NAME


@register("kex_hash")
def kex_hash(obs: TlsObservation, ctx: CheckContext) -> Verdict:
    profile = profile_of(ctx)
    tls12 = obs.suites_for("TLSv1.2")
    ephemeral = [s for s in (tls12.suites if tls12 else ()) if SUITES_BY_NAME[s].kex in ("ECDHE", "DHE")]
    evidence = {
        "sha1_only_accepted": obs.kex_sha1_accepted,
        "sha224_only_accepted": obs.kex_sha224_accepted,
        "hashes_used": list(obs.kex_hashes_used),
    }
    if not ephemeral:
        return Verdict(
            Status.NOT_APPLICABLE,
            f"{obs.endpoint} has no TLS 1.2 (EC)DHE key exchange to sign.",
            evidence,
        )
    if obs.kex_sha1_accepted is None or obs.kex_sha224_accepted is None:
        return Verdict(Status.ERROR, not_measured(obs, "key-exchange hash"), evidence)
    statuses = [Status.PASS]
    weak: list[str] = []
    for accepted, hash_name in ((obs.kex_sha1_accepted, "SHA1"), (obs.kex_sha224_accepted, "SHA224")):
        if accepted:
            statuses.append(status_for(classify_hash(profile, hash_name)))
            weak.append(hash_name)
    status = Status.worst(statuses)
    if status is Status.PASS:
        return Verdict(status, f"{obs.endpoint} signs its key exchange with SHA-256 or better only.", evidence)
    return Verdict(
        status,
        f"{obs.endpoint} signs its TLS 1.2 key exchange with {' and '.join(weak)} when a client asks.",
        evidence,
        "Restrict the server's signature algorithms to SHA-256 or stronger (OpenSSL SignatureAlgorithms, "
        f"e.g. ECDSA+SHA256:RSA-PSS+SHA256:RSA+SHA256 and up) ({profile.title}, hash functions).",
    )
