"""``web.cert.pubkey`` / ``mail.cert.pubkey``: public-key type and size of every certificate but the root.

CHECKS.md "Certificates" and NCSC 2025-05 "Certificates": RSA ≥ 3072 good/sufficient, 2048–3071 phase-out
(2025-05) / sufficient (v2.1.1), < 2048 insufficient; ECDSA on the allowed curves; Ed25519/Ed448 good; DSA
insufficient.
"""

from __future__ import annotations

from domeinwacht.checks.cert._chain import judged, key_description, served_chain
from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.tls._common import Verdict, profile_of, register
from domeinwacht.checks.tls.ncsc_tls import classify_cert_key, status_for
from domeinwacht.observations.tls import TlsObservation


@register("pubkey", family="cert")
def pubkey(obs: TlsObservation, ctx: CheckContext) -> Verdict:
    profile = profile_of(ctx)
    certs = served_chain(obs)
    if isinstance(certs, Verdict):
        return certs
    keys = []
    statuses = []
    weak = []
    for served in judged(certs):
        kind, bits, curve = key_description(served.cert)
        cls = classify_cert_key(profile, kind, bits=bits, curve=curve)
        label = f"{kind.upper()} {curve or bits}" if kind in ("rsa", "ec", "dsa") else kind
        keys.append({"position": served.position, "subject": served.subject, "key": label, "class": cls})
        statuses.append(status_for(cls))
        if cls in ("phase_out", "insufficient"):
            weak.append(f"{served.subject}: {label} ({cls})")
    status = Status.worst(statuses)
    evidence = {"keys": keys}
    if status is Status.PASS:
        return Verdict(status, f"{obs.endpoint}: every certificate key is good or sufficient.", evidence)
    return Verdict(
        status,
        f"{obs.endpoint}: weak certificate key(s): {'; '.join(weak)}.",
        evidence,
        f"Reissue with RSA ≥ 3072 bits or ECDSA on P-256/P-384 (or Ed25519) ({profile.title}, certificates).",
    )
