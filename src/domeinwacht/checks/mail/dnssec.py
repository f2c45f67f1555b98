"""mail.dnssec.secure: the domain and every MX domain validate from the trust anchor (CHECKS.md, DNS)."""

from __future__ import annotations

from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.observations.mail import DnssecStatusInfo, MailObservation


@check("mail.dnssec.secure", area="mail")
def mail_dnssec(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = "mail.dnssec.secure"
    if obs.error is not None:
        return CheckResult.error(cid, obs.error)
    if obs.mx_error is not None:
        return CheckResult.error(cid, f"MX lookup failed: {obs.mx_error}")
    infos: list[DnssecStatusInfo | None] = [obs.dnssec, *(h.dnssec for h in obs.real_mx)]
    if any(i is None for i in infos):
        return CheckResult.error(cid, "DNSSEC was not validated for every name")
    evidence = {i.name: {"status": i.status, "reason": i.reason} for i in infos if i is not None}
    bad = [i for i in infos if i is not None and i.status in ("insecure", "bogus")]
    if bad:  # CHECKS.md dns.dnssec.secure: insecure and bogus both fail, with the precise reason
        return CheckResult(
            cid,
            Status.FAIL,
            "Not DNSSEC-secure: " + "; ".join(f"{i.name} is {i.status} ({i.reason})" for i in bad) + ".",
            evidence,
            "Sign the zones of the domain and of every MX host with DNSSEC and publish DS records at the parent.",
        )
    unknown = [i for i in infos if i is not None and i.status != "secure"]
    if unknown:
        first = unknown[0]
        return CheckResult.error(cid, f"DNSSEC status of {first.name} unknown: {first.reason}", **evidence)
    return CheckResult(cid, Status.PASS, "The domain and every MX domain are DNSSEC-secure.", evidence)
