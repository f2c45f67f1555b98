"""mail.dnssec.secure: the domain and every MX domain validate from the trust anchor (CHECKS.md, DNS).

Each name is judged by ``checks.dns.dnssec_status_result`` (the wording of ``dns.dnssec.secure``); the check
takes the worst of them and lists every name.
"""

from __future__ import annotations

from domeinwacht.checks.catalogue import MAIL_DNSSEC_SECURE
from domeinwacht.checks.dns import dnssec_status_result
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.observations.mail import MailObservation


@check(MAIL_DNSSEC_SECURE, area="mail")
def mail_dnssec(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = MAIL_DNSSEC_SECURE
    if obs.error is not None:
        return CheckResult.error(cid, obs.error)
    if obs.mx_error is not None:
        return CheckResult.error(cid, f"MX lookup failed: {obs.mx_error}")
    names = [(obs.domain, obs.dnssec), *((h.name, h.dnssec) for h in obs.real_mx)]
    per_name = {
        name: dnssec_status_result(cid, info, error=f"DNSSEC of {name} was not validated") for name, info in names
    }
    evidence = {name: {"status": r.status.value, "summary": r.summary} for name, r in per_name.items()}
    worst = Status.worst(r.status for r in per_name.values())
    if worst is Status.PASS:
        return CheckResult(cid, Status.PASS, "The domain and every MX domain are DNSSEC-secure.", evidence)
    # CHECKS.md dns.dnssec.secure: insecure and bogus fail with the precise reason; indeterminate is an error.
    bad = [r for r in per_name.values() if r.status is worst]
    summary = " ".join(r.summary for r in bad)
    remedy = next((r.remedy for r in bad if r.remedy), None)
    if worst is Status.ERROR:
        return CheckResult(cid, Status.ERROR, summary, {"reason": summary, **evidence})
    return CheckResult(cid, worst, summary, evidence, remedy)
