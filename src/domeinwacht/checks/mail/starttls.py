"""mail.starttls.available: every MX address offers STARTTLS on port 25 (RFC 3207)."""

from __future__ import annotations

from domeinwacht.checks.catalogue import MAIL_STARTTLS_AVAILABLE
from domeinwacht.checks.mail._common import endpoint, rate_limited_error, receive_side_precondition
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.observations.mail import MailObservation


@check(MAIL_STARTTLS_AVAILABLE, area="mail")
def starttls_available(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = MAIL_STARTTLS_AVAILABLE
    if (early := receive_side_precondition(cid, obs)) is not None:
        return early
    probes = [p for h in obs.real_mx for p in h.smtp]
    if not probes:
        return CheckResult.error(cid, "no MX address to test (the MX hosts do not resolve)")
    evidence: dict[str, object] = {
        f"{p.host} {endpoint(p)}": (
            "STARTTLS ok"
            if p.starttls_ok
            else "STARTTLS offered"
            if p.starttls_offered and p.error is None
            else "no STARTTLS"
            if p.starttls_offered is False
            else f"error: {p.error}"
        )
        for p in probes
    }
    evidence["connections"] = sum(p.connections for p in probes)
    # RFC 3207 4 / CHECKS.md: the EHLO reply must list STARTTLS and the handshake must succeed.
    without = [p for p in probes if p.starttls_offered is False or p.starttls_ok is False]
    if without:
        return CheckResult(
            cid,
            Status.FAIL,
            f"STARTTLS is missing or broken on {', '.join(f'{p.host} ({endpoint(p)})' for p in without)}.",
            evidence,
            "Enable STARTTLS with a valid certificate on every mail server (RFC 3207; NCSC TLS guidelines).",
        )
    limited = [p for p in probes if p.rate_limited]
    if limited:  # never fail a server for throttling us
        return rate_limited_error(cid, limited, **evidence)
    failed = [p for p in probes if p.error is not None]
    if failed:
        return CheckResult.error(cid, f"{failed[0].host} ({endpoint(failed[0])}): {failed[0].error}", **evidence)
    return CheckResult(cid, Status.PASS, "Every MX address offers STARTTLS.", evidence)
