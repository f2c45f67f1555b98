"""Shared machinery of the TLS and certificate checks: one rule, registered for web and mail, per endpoint.

A rule is a function ``(obs: TlsObservation, ctx) -> Verdict`` for one endpoint (IP address and port).
``register`` turns it into the check ids ``web.<family>.<name>`` (area ``web_tls``) and
``mail.<family>.<name>`` (area ``mail_tls``); both areas hold a tuple of ``TlsObservation``, one per address.
Every endpoint is evaluated; the worst decides (``not_applicable`` only when every endpoint is), and the
evidence lists each endpoint (``ip:port``) with its own status and facts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from domeinwacht.checks.catalogue import CHECK_IDS
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.checks.tls.ncsc_tls import Profile, UnknownProfileError, load_profile
from domeinwacht.observations.tls import TlsObservation

LEGACY_VERSIONS = ("TLSv1.2", "TLSv1.1", "TLSv1.0", "SSLv3")


@dataclass(frozen=True, slots=True)
class Verdict:
    """One endpoint's result for one rule."""

    status: Status
    summary: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    remedy: str | None = None


Rule = Callable[[TlsObservation, CheckContext], Verdict]


def profile_of(ctx: CheckContext) -> Profile:
    return load_profile(ctx.profile)


def has_legacy(obs: TlsObservation) -> bool:
    """TLS 1.2 or older accepted (where renegotiation, compression and EMS exist)."""
    return any(v in obs.versions for v in LEGACY_VERSIONS)


def not_measured(obs: TlsObservation, what: str) -> str:
    """The reason the prober recorded for not measuring ``what`` (its notes), or a generic one."""
    for note in obs.notes:
        if what.lower() in note.lower():
            return note
    return f"{what} was not measured on {obs.endpoint}"


def evaluate(
    check_id: str,
    observations: Sequence[TlsObservation],
    ctx: CheckContext,
    rule: Rule,
    *,
    info_only: bool = False,
) -> CheckResult:
    """Apply ``rule`` to every endpoint; the worst endpoint decides."""
    try:
        profile_of(ctx)
    except UnknownProfileError as exc:
        return CheckResult.error(check_id, str(exc))
    if not observations:
        # Nothing to probe (a null MX, a host without addresses): the observer records a failed probe as
        # an observation with ``error``, so an empty area never hides a failure.
        return CheckResult(
            check_id,
            Status.NOT_APPLICABLE,
            "There is no TLS endpoint to judge (no address to probe).",
            {"profile": ctx.profile, "endpoints": {}},
        )
    verdicts: dict[str, Verdict] = {}
    for obs in observations:
        if obs.error is not None:
            verdict = Verdict(Status.ERROR, f"{obs.endpoint} could not be measured: {obs.error}")
        else:
            verdict = rule(obs, ctx)
            if info_only and verdict.status in (Status.FAIL, Status.WARNING):
                # Mail: certificate trust and name are informational (RFC 7672 2.2: without DANE, SMTP
                # clients do not authenticate the server).
                verdict = replace(verdict, status=Status.INFO)
        verdicts[obs.endpoint] = verdict
    judged = [v.status for v in verdicts.values() if v.status is not Status.NOT_APPLICABLE]
    status = Status.worst(judged) if judged else Status.NOT_APPLICABLE
    deciding = [(where, v) for where, v in verdicts.items() if v.status is status]
    if len(verdicts) == 1 or all(v.summary == deciding[0][1].summary for _, v in deciding):
        summary = deciding[0][1].summary
    else:
        summary = f"{len(deciding)} of {len(verdicts)} endpoints: " + "; ".join(v.summary for _, v in deciding[:3])
    if len(verdicts) > 1 and len(deciding) < len(verdicts):
        summary += f" ({', '.join(w for w, _ in deciding)})"
    remedy = next((v.remedy for _, v in deciding if v.remedy), None)
    if status in (Status.PASS, Status.NOT_APPLICABLE):
        remedy = None
    evidence = {
        "profile": ctx.profile,
        "endpoints": {
            where: {"status": v.status.value, "summary": v.summary, **dict(v.evidence)} for where, v in verdicts.items()
        },
    }
    return CheckResult(check_id, status, summary, evidence, remedy)


def register(
    name: str,
    *,
    family: str = "tls",
    web: bool = True,
    mail: bool = True,
    mail_info_only: bool = False,
) -> Callable[[Rule], Rule]:
    """Register ``rule`` as ``web.<family>.<name>`` and/or ``mail.<family>.<name>``."""

    def decorate(rule: Rule) -> Rule:
        for prefix, wanted in (("web", web), ("mail", mail)):
            if wanted and f"{prefix}.{family}.{name}" not in CHECK_IDS:
                raise ValueError(f"{prefix}.{family}.{name} is not a check id of the catalogue (checks/catalogue.py)")
        if web:
            web_id = f"web.{family}.{name}"

            def web_check(obs: Sequence[TlsObservation], ctx: CheckContext) -> CheckResult:
                return evaluate(web_id, obs, ctx, rule)

            check(web_id, area="web_tls")(web_check)
        if mail:
            mail_id = f"mail.{family}.{name}"

            def mail_check(obs: Sequence[TlsObservation], ctx: CheckContext) -> CheckResult:
                return evaluate(mail_id, obs, ctx, rule, info_only=mail_info_only)

            check(mail_id, area="mail_tls")(mail_check)
        return rule

    return decorate
