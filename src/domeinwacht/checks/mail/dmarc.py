"""mail.dmarc.*: one DMARC record (RFC 7489 6.6.3, organisational fallback), its policy, report authorisation.

The record is judged under the specification the policy profile chooses (``ctx.dmarc_spec``: RFC 7489 or
DMARCbis, see ``domeinwacht.mail.dmarc``); the evidence of each check names it (``specification``).
"""

from __future__ import annotations

from domeinwacht.checks.catalogue import MAIL_DMARC_EXISTS, MAIL_DMARC_EXTERNAL_REPORTING, MAIL_DMARC_POLICY
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.mail.dmarc import SPEC_NAMES, DmarcSyntaxError, discarded_reason, is_dmarc_record, parse_dmarc
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


def _discarded(dmarc: DmarcObservation) -> list[dict[str, str]]:
    """TXT records at the _dmarc names that look like DMARC but that receivers discard, each with the reason."""
    found = []
    for lookup in (dmarc.lookup, dmarc.org_lookup):
        if lookup is None:
            continue
        for text in lookup.records:
            if (reason := discarded_reason(text)) is not None:
                found.append({"name": lookup.name, "record": text, "reason": reason})
    return found


def _spec(ctx: CheckContext) -> str:
    return SPEC_NAMES.get(ctx.dmarc_spec, ctx.dmarc_spec)


def _where(dmarc: DmarcObservation) -> str:
    return f"_dmarc.{dmarc.domain if dmarc.source == 'domain' else dmarc.org_domain}"


@check(MAIL_DMARC_EXISTS, area="mail")
def dmarc_exists(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = MAIL_DMARC_EXISTS
    dmarc = _dmarc(obs, cid)
    if isinstance(dmarc, CheckResult):
        return dmarc
    evidence: dict[str, object] = {
        "asked": [dmarc.lookup.name] + ([dmarc.org_lookup.name] if dmarc.org_lookup else []),
        "records": list(dmarc.records),
        "source": dmarc.source,
        "organisational_domain": dmarc.org_domain,
        "specification": _spec(ctx),
    }
    discarded = _discarded(dmarc)
    if discarded:
        evidence["discarded"] = discarded
    # Observations stored before leading whitespace was refused may still list such a record: judge by today's rule.
    records = [r for r in dmarc.records if is_dmarc_record(r)]
    if len(records) == 1:  # RFC 7489 6.6.3: exactly one record is used
        where = "the organisational domain" if dmarc.source == "organisational" else "the domain"
        return CheckResult(cid, Status.PASS, f"One DMARC record found at {_where(dmarc)} ({where}).", evidence)
    if not records:
        if discarded:
            first = discarded[0]
            return CheckResult(
                cid,
                Status.FAIL,
                f"No usable DMARC record: {first['name']} has {first['record']!r}, which receivers discard: "
                f"{first['reason']}.",
                evidence,
                "Remove the whitespace before v=DMARC1 in the TXT record.",
            )
        return CheckResult(cid, Status.FAIL, "No DMARC record found.", evidence, _REMEDY)
    return CheckResult(
        cid,
        Status.FAIL,
        f"{len(records)} DMARC records at {_where(dmarc)}; receivers ignore DMARC then (RFC 7489 6.6.3).",
        evidence,
        "Keep exactly one v=DMARC1 record.",
    )


@check(MAIL_DMARC_POLICY, area="mail")
def dmarc_policy(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = MAIL_DMARC_POLICY
    dmarc = _dmarc(obs, cid)
    if isinstance(dmarc, CheckResult):
        return dmarc
    if dmarc.record is None:
        return CheckResult(
            cid, Status.FAIL, "There is no single DMARC record to judge.", {"specification": _spec(ctx)}, _REMEDY
        )
    try:
        record = parse_dmarc(dmarc.record.text, spec=ctx.dmarc_spec)  # read under the profile's specification
    except DmarcSyntaxError as exc:  # an observation stored before today's rules (leading whitespace)
        return CheckResult(
            cid, Status.FAIL, f"There is no DMARC record to judge: {exc}.", {"specification": _spec(ctx)}, _REMEDY
        )
    inherited = dmarc.source == "organisational"
    # RFC 7489 6.6.3: a subdomain without own record gets sp (else p) of the organisational domain.
    policy = (record.subdomain_policy or record.policy) if inherited else record.policy
    tag = "sp" if inherited and record.subdomain_policy else "p"
    evidence = {
        "record": record.text,
        "where": _where(dmarc),
        "applied": f"{tag}={policy}",
        "specification": _spec(ctx),
        "pct": record.pct,
        "t": "y" if record.testing else "n",
        "errors": list(record.errors),
        "warnings": list(record.warnings),
    }
    if policy is None:
        return CheckResult(
            cid, Status.FAIL, f"The DMARC record has no valid {tag}= policy ({_spec(ctx)}).", evidence, _REMEDY
        )
    if policy == "none":
        return CheckResult(
            cid,
            Status.FAIL,
            f"DMARC policy {tag}=none only monitors; spoofed mail is still delivered.",
            evidence,
            "Move to p=quarantine and then p=reject once the reports show all legitimate mail aligns.",
        )
    # DMARCbis 4.7 t=y (a test of the policy), RFC 7489 6.3 pct < 100 (only part of the mail; DMARCbis removes
    # pct, so the parser leaves it at 100 there). t=y counts under RFC 7489 too: it states the policy is on trial.
    if record.testing or record.pct < 100:
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


@check(MAIL_DMARC_EXTERNAL_REPORTING, area="mail")
def dmarc_external_reporting(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = MAIL_DMARC_EXTERNAL_REPORTING
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
