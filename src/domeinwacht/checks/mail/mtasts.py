"""mail.mta_sts: ``_mta-sts`` TXT plus a valid policy consistent with the MX set (RFC 8461)."""

from __future__ import annotations

from domeinwacht.checks.catalogue import MAIL_MTA_STS
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.mail.mtasts import mx_matches
from domeinwacht.observations.mail import MailObservation

_REMEDY = (
    "Publish '_mta-sts' TXT 'v=STSv1; id=…' and serve https://mta-sts.<domain>/.well-known/mta-sts.txt with "
    "'version: STSv1', 'mode: enforce', an 'mx:' line per MX and max_age (RFC 8461 3)."
)


@check(MAIL_MTA_STS, area="mail")
def mta_sts(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = MAIL_MTA_STS
    if obs.error is not None:
        return CheckResult.error(cid, obs.error)
    if obs.mx_error is not None:  # the MX set is unknown: "no MX" would be a guess
        return CheckResult.error(cid, f"MX lookup failed: {obs.mx_error}", domain=obs.domain)
    if obs.null_mx or not obs.real_mx:
        return CheckResult(cid, Status.NOT_APPLICABLE, "The domain has no MX to protect.", {})
    sts = obs.mta_sts
    if sts is None:
        return CheckResult.error(cid, "MTA-STS was not observed")
    if sts.lookup.error is not None:
        return CheckResult.error(cid, f"TXT lookup of {sts.lookup.name} failed: {sts.lookup.error}")
    evidence: dict[str, object] = {"records": list(sts.records), "url": sts.url, "status": sts.status}
    if not sts.records:
        return CheckResult(cid, Status.INFO, "No MTA-STS record is published.", evidence, _REMEDY)
    problems: list[str] = []
    if len(sts.records) > 1:  # RFC 8461 3.1: more than one record: no MTA-STS
        problems.append(f"{len(sts.records)} v=STSv1 records")
    if sts.record is not None:
        problems.extend(sts.record.errors)
    if sts.fetch_error is not None:
        problems.append(f"policy fetch: {sts.fetch_error}")
    policy = sts.policy
    if policy is None and sts.fetch_error is None and len(sts.records) == 1:
        problems.append("no policy could be read")
    if policy is not None:
        evidence["policy"] = {"mode": policy.mode, "mx": list(policy.mx), "max_age": policy.max_age}
        problems.extend(policy.errors)
        if policy.mode in ("enforce", "testing"):
            # RFC 8461 4.1: every MX host must match an mx pattern, or senders refuse to deliver to it.
            unmatched = [h.name for h in obs.real_mx if not any(mx_matches(p, h.name) for p in policy.mx)]
            if unmatched:
                problems.append(f"MX host(s) not covered by the policy: {', '.join(unmatched)}")
    if problems:
        evidence["problems"] = problems
        return CheckResult(cid, Status.WARNING, f"MTA-STS is broken: {'; '.join(problems)}.", evidence, _REMEDY)
    assert policy is not None
    if policy.mode == "enforce":
        return CheckResult(cid, Status.PASS, "MTA-STS policy in enforce mode, covering every MX.", evidence)
    return CheckResult(
        cid,
        Status.INFO,
        f"MTA-STS policy in {policy.mode} mode (not enforced).",
        evidence,
        "Switch the policy to 'mode: enforce' once TLS-RPT reports show no failures (RFC 8461 5).",
    )
