"""``web.cert.expiry`` / ``mail.cert.expiry``: validity period of every certificate but the root.

CHECKS.md "Certificates": expired or not yet valid: fail; expires within 14 days: warning; days left as
evidence. Judged at ``ctx.now`` (RFC 5280 4.1.2.5).
"""

from __future__ import annotations

from datetime import timedelta

from domeinwacht.checks.cert._chain import judged, served_chain
from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.tls._common import Verdict, register
from domeinwacht.observations.tls import TlsObservation

WARN_WITHIN = timedelta(days=14)


@register("expiry", family="cert")
def expiry(obs: TlsObservation, ctx: CheckContext) -> Verdict:
    certs = served_chain(obs)
    if isinstance(certs, Verdict):
        return certs
    entries = []
    statuses = []
    problems = []
    for served in judged(certs):
        before, after = served.cert.not_valid_before_utc, served.cert.not_valid_after_utc
        left = after - ctx.now
        entry = {
            "position": served.position,
            "subject": served.subject,
            "not_before": before.isoformat(),
            "not_after": after.isoformat(),
            "days_left": left.days,
        }
        entries.append(entry)
        if ctx.now > after:
            statuses.append(Status.FAIL)
            problems.append(f"{served.subject} expired on {after.date().isoformat()}")
        elif ctx.now < before:
            statuses.append(Status.FAIL)
            problems.append(f"{served.subject} is not valid before {before.date().isoformat()}")
        elif left < WARN_WITHIN:
            statuses.append(Status.WARNING)
            problems.append(f"{served.subject} expires in {left.days} days")
        else:
            statuses.append(Status.PASS)
    status = Status.worst(statuses)
    evidence = {"certificates": entries}
    if status is Status.PASS:
        leaf_days = entries[0]["days_left"] if entries else None
        return Verdict(status, f"{obs.endpoint}: the certificate is valid for {leaf_days} more days.", evidence)
    return Verdict(
        status,
        f"{obs.endpoint}: {'; '.join(problems)}.",
        evidence,
        "Renew the certificate (automate renewal, e.g. ACME) and reload the server.",
    )
