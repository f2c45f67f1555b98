"""Helpers shared by the mail checks: who receives mail, and the rate-limited error."""

from __future__ import annotations

from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.observations.mail import MailObservation, MxHost, SmtpProbe


def receive_side_precondition(check_id: str, obs: MailObservation) -> CheckResult | None:
    """The result for a receive-side check when there is nothing to test, else ``None``.

    MX lookup failed: error. Null MX alone (RFC 7505) or no MX at all: not applicable (the domain does not
    receive mail through an MX we could test).
    """
    if obs.error is not None:
        return CheckResult.error(check_id, obs.error)
    if obs.mx_error is not None:
        return CheckResult.error(check_id, f"MX lookup failed: {obs.mx_error}", domain=obs.domain)
    if obs.null_mx:
        return CheckResult(
            check_id,
            Status.NOT_APPLICABLE,
            "The domain publishes a null MX (RFC 7505): it does not receive mail.",
            {"mx": ["0 ."]},
        )
    if not obs.real_mx:
        return CheckResult(
            check_id, Status.NOT_APPLICABLE, "The domain has no MX records: no mail server to test.", {"mx": []}
        )
    return None


def addresses(host: MxHost) -> tuple[str, ...]:
    return (*host.ipv4, *host.ipv6)


def endpoint(probe: SmtpProbe) -> str:
    return f"[{probe.ip}]:{probe.port}" if ":" in probe.ip else f"{probe.ip}:{probe.port}"


def rate_limited_error(check_id: str, probes: list[SmtpProbe], **evidence: object) -> CheckResult:
    """``error: rate-limited`` naming the servers (never ``fail``: CHECKS.md, mail.tls.*)."""
    names = ", ".join(f"{p.host} ({endpoint(p)})" for p in probes)
    return CheckResult.error(
        check_id,
        f"rate-limited: {names} refused or throttled our connection; not measured",
        rate_limited=[endpoint(p) for p in probes],
        **evidence,
    )
