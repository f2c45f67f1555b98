"""``web.cert.signature`` / ``mail.cert.signature``: signature hash of every certificate but the root.

CHECKS.md "Certificates": SHA-256/384/512 good; SHA-224 warning; SHA-1/MD5 fail (NCSC "Hash functions").
EdDSA has no separate hash and counts as good.
"""

from __future__ import annotations

from domeinwacht.checks.cert._chain import judged, served_chain, signature_hash_name
from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.tls._common import Verdict, profile_of, register
from domeinwacht.checks.tls.ncsc_tls import classify_hash, status_for
from domeinwacht.observations.tls import TlsObservation


@register("signature", family="cert")
def signature(obs: TlsObservation, ctx: CheckContext) -> Verdict:
    profile = profile_of(ctx)
    certs = served_chain(obs)
    if isinstance(certs, Verdict):
        return certs
    entries = []
    statuses = []
    weak = []
    for served in judged(certs):
        name = signature_hash_name(served.cert)
        cls = classify_hash(profile, name)
        entries.append({"position": served.position, "subject": served.subject, "hash": name, "class": cls})
        statuses.append(status_for(cls))
        if cls in ("phase_out", "insufficient"):
            weak.append(f"{served.subject}: {name}")
    status = Status.worst(statuses)
    evidence = {"signatures": entries}
    if status is Status.PASS:
        return Verdict(status, f"{obs.endpoint}: every certificate is signed with SHA-256 or better.", evidence)
    return Verdict(
        status,
        f"{obs.endpoint}: weak certificate signature hash(es): {'; '.join(weak)}.",
        evidence,
        f"Reissue the certificates with a SHA-256 (or stronger) signature ({profile.title}, hash functions).",
    )
