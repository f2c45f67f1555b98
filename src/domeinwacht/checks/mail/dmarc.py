"""mail.dmarc.*: one DMARC record (RFC 7489 6.6.3, organisational fallback), its policy, report authorisation."""

from __future__ import annotations

from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.observations.mail import DmarcObservation, MailObservation

_REMEDY = (
    "Publish one TXT record 'v=DMARC1; p=reject; rua=mailto:…' at _dmarc.<domain> "
    "(RFC 7489 6.1; Forum Standaardisatie DMARC: policy quarantine or reject)."
)


def _dmarc(obs: MailObservation, cid: str) -> DmarcObservation | CheckResult:
    if obs.error is not None:
        return CheckResult.error(cid, obs.error)
    dmarc = obs.dmarc
    if dmarc is None:
        return CheckResult.error(cid, "DMARC was not observed")
    for lookup in (dmarc.lookup, dmarc.org_lookup):
        if lookup is not None and lookup.error is not None:
            return CheckResult.error(cid, f"TXT lookup of {lookup.name} failed: {lookup.error}")
    return dmarc


def _where(dmarc: DmarcObservation) -> str:
    return f"_dmarc.{dmarc.domain if dmarc.source == 'domain' else dmarc.org_domain}"


@check("mail.dmarc.exists", area="mail")
def dmarc_exists(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = "mail.dmarc.exists"
    dmarc = _dmarc(obs, cid)
    if isinstance(dmarc, CheckResult):
        return dmarc
    evidence = {
        "asked": [dmarc.lookup.name] + ([dmarc.org_lookup.name] if dmarc.org_lookup else []),
        "records": list(dmarc.records),
        "source": dmarc.source,
        "organisational_domain": dmarc.org_domain,
    }
    if len(dmarc.records) == 1:  # RFC 7489 6.6.3: exactly one record is used
        where = "the organisational domain" if dmarc.source == "organisational" else "the domain"
        return CheckResult(cid, Status.PASS, f"One DMARC record found at {_where(dmarc)} ({where}).", evidence)
    if not dmarc.records:
        return CheckResult(cid, Status.FAIL, "No DMARC record found.", evidence, _REMEDY)
    return CheckResult(
        cid,
        Status.FAIL,
        f"{len(dmarc.records)} DMARC records at {_where(dmarc)}; receivers ignore DMARC then (RFC 7489 6.6.3).",
        evidence,
        "Keep exactly one v=DMARC1 record.",
    )


@check("mail.dmarc.policy", area="mail")
def dmarc_policy(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = "mail.dmarc.policy"
    dmarc = _dmarc(obs, cid)
    if isinstance(dmarc, CheckResult):
        return dmarc
    record = dmarc.record
    if record is None:
        return CheckResult(cid, Status.FAIL, "There is no single DMARC record to judge.", {}, _REMEDY)
    inherited = dmarc.source == "organisational"
    # RFC 7489 6.6.3: a subdomain without own record gets sp (else p) of the organisational domain.
    policy = (record.subdomain_policy or record.policy) if inherited else record.policy
    tag = "sp" if inherited and record.subdomain_policy else "p"
    evidence = {
        "record": record.text,
        "where": _where(dmarc),
        "applied": f"{tag}={policy}",
        "pct": record.pct,
        "t": "y" if record.testing else "n",
        "errors": list(record.errors),
        "warnings": list(record.warnings),
    }
    if policy is None:
        return CheckResult(cid, Status.FAIL, f"The DMARC record has no valid {tag}= policy.", evidence, _REMEDY)
    if policy == "none":
        return CheckResult(
            cid,
            Status.FAIL,
            f"DMARC policy {tag}=none only monitors; spoofed mail is still delivered.",
            evidence,
            "Move to p=quarantine and then p=reject once the reports show all legitimate mail aligns.",
        )
    if record.testing or record.pct < 100:  # DMARCbis t=y, RFC 7489 6.3 pct: only part of the mail
        weakening = "t=y" if record.testing else f"pct={record.pct}"
        return CheckResult(
            cid,
            Status.FAIL,
            f"DMARC policy {tag}={policy} is weakened by {weakening}.",
            evidence,
            "Remove t=y and pct (or set pct=100) so that the policy applies to all mail.",
        )
    if record.errors:
        return CheckResult(
            cid,
            Status.WARNING,
            f"DMARC policy {tag}={policy}, but the record has errors: {'; '.join(record.errors)}.",
            evidence,
            "Correct the listed tags (RFC 7489 6.3).",
        )
    return CheckResult(cid, Status.PASS, f"DMARC policy {tag}={policy} applies to all mail.", evidence)


@check("mail.dmarc.external_reporting", area="mail")
def dmarc_external_reporting(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = "mail.dmarc.external_reporting"
    dmarc = _dmarc(obs, cid)
    if isinstance(dmarc, CheckResult):
        return dmarc
    if not dmarc.records:
        return CheckResult(cid, Status.NOT_APPLICABLE, "No DMARC record, so no report destinations.", {})
    if not dmarc.external:
        return CheckResult(cid, Status.PASS, "No report destination outside the domain (nothing to authorise).", {})
    evidence = {a.query: a.authorised if a.error is None else f"error: {a.error}" for a in dmarc.external}
    failed = [a for a in dmarc.external if a.error is not None]
    missing = [a.destination for a in dmarc.external if a.authorised is False]
    if missing:  # RFC 7489 7.1: the destination must publish <domain>._report._dmarc.<destination>
        return CheckResult(
            cid,
            Status.WARNING,
            f"Report destination(s) {', '.join(missing)} do not authorise reports for this domain.",
            {"authorisations": evidence},
            "Ask each external destination to publish 'v=DMARC1' at <domain>._report._dmarc.<destination> "
            "(RFC 7489 7.1), or report to an address inside the domain.",
        )
    if failed:
        return CheckResult.error(cid, f"authorisation lookup {failed[0].query} failed: {failed[0].error}")
    return CheckResult(
        cid, Status.PASS, "Every external report destination authorises the reports.", {"authorisations": evidence}
    )
