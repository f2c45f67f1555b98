"""mail.tls_rpt: a valid ``_smtp._tls`` TLS-RPT record (RFC 8460 3)."""

from __future__ import annotations

from domeinwacht.checks.catalogue import MAIL_TLS_RPT
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.observations.mail import MailObservation

_REMEDY = "Publish TXT 'v=TLSRPTv1; rua=mailto:tlsrpt@<domain>' at _smtp._tls.<domain> (RFC 8460 3)."


@check(MAIL_TLS_RPT, area="mail")
def tls_rpt(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = MAIL_TLS_RPT
    if obs.error is not None:
        return CheckResult.error(cid, obs.error)
    if obs.mx_error is not None:  # the MX set is unknown: "no MX" would be a guess
        return CheckResult.error(cid, f"MX lookup failed: {obs.mx_error}", domain=obs.domain)
    if obs.null_mx or not obs.real_mx:  # RFC 8460 reports on mail delivery to the domain's MX
        return CheckResult(cid, Status.NOT_APPLICABLE, "The domain has no MX to report on.", {})
    rpt = obs.tls_rpt
    if rpt is None:
        return CheckResult.error(cid, "TLS-RPT was not observed")
    if rpt.lookup.error is not None:
        return CheckResult.error(cid, f"TXT lookup of {rpt.lookup.name} failed: {rpt.lookup.error}")
    evidence: dict[str, object] = {"name": rpt.lookup.name, "records": list(rpt.records)}
    if not rpt.records:
        return CheckResult(cid, Status.INFO, "No TLS-RPT record is published.", evidence, _REMEDY)
    if len(rpt.records) > 1:  # RFC 8460 3: several records: none is used
        return CheckResult(cid, Status.WARNING, f"{len(rpt.records)} TLS-RPT records.", evidence, _REMEDY)
    assert rpt.record is not None
    if rpt.record.errors:
        evidence["errors"] = list(rpt.record.errors)
        return CheckResult(
            cid, Status.WARNING, f"The TLS-RPT record is invalid: {'; '.join(rpt.record.errors)}.", evidence, _REMEDY
        )
    evidence["rua"] = list(rpt.record.rua)
    return CheckResult(cid, Status.PASS, "A valid TLS-RPT record is published.", evidence)
