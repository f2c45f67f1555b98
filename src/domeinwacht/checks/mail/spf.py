"""mail.spf.exists / mail.spf.policy: one SPF record whose term tree ends in -all or ~all (RFC 7208)."""

from __future__ import annotations

from domeinwacht.checks.catalogue import MAIL_SPF_EXISTS, MAIL_SPF_POLICY
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.mail.spf_policy import SpfAnalysis
from domeinwacht.observations.mail import MailObservation

_REMEDY_RECORD = (
    "Publish exactly one TXT record starting with 'v=spf1' that lists the servers sending for the domain and ends "
    "in '-all' (or 'v=spf1 -all' when the domain sends no mail) (RFC 7208 4.5; Forum Standaardisatie SPF)."
)


def _spf(obs: MailObservation, cid: str) -> SpfAnalysis | CheckResult:
    if obs.error is not None:
        return CheckResult.error(cid, obs.error)
    if obs.spf is None:
        return CheckResult.error(cid, "SPF was not observed")
    if obs.spf.status == "temperror":  # a DNS failure is not the domain's verdict
        return CheckResult.error(cid, obs.spf.reason, domain=obs.domain)
    return obs.spf


def _evidence(spf: SpfAnalysis) -> dict[str, object]:
    return {
        "domain": spf.domain,
        "records": list(spf.records),
        "dns_terms": spf.dns_terms,
        "void_lookups": spf.void_lookups,
        "void_names": list(spf.void_names),
        "domains_read": list(spf.domains),
        "macro_terms": list(spf.macro_terms),
        "ptr_terms": list(spf.ptr_terms),
        "all": spf.all_qualifier and f"{spf.all_qualifier}all ({spf.all_domain})",
    }


@check(MAIL_SPF_EXISTS, area="mail")
def spf_exists(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = MAIL_SPF_EXISTS
    spf = _spf(obs, cid)
    if isinstance(spf, CheckResult):
        return spf
    evidence = {"domain": spf.domain, "records": list(spf.records), "txt": list(spf.lookup.records)}
    if len(spf.records) == 1:  # RFC 7208 4.5: exactly one record
        return CheckResult(cid, Status.PASS, "One SPF record is published.", evidence)
    if not spf.records:
        return CheckResult(cid, Status.FAIL, "No SPF record (TXT 'v=spf1 …') is published.", evidence, _REMEDY_RECORD)
    return CheckResult(
        cid,
        Status.FAIL,
        f"{len(spf.records)} SPF records are published; receivers treat that as a permanent error.",
        evidence,
        _REMEDY_RECORD,
    )


@check(MAIL_SPF_POLICY, area="mail")
def spf_policy(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = MAIL_SPF_POLICY
    spf = _spf(obs, cid)
    if isinstance(spf, CheckResult):
        return spf
    evidence = _evidence(spf)
    if spf.status in ("none", "multiple"):
        return CheckResult(cid, Status.FAIL, "There is no single SPF record to evaluate.", evidence, _REMEDY_RECORD)
    if spf.status == "permerror":  # RFC 7208 4.6, 4.6.4, 5.2, 6.1: receivers treat the policy as broken
        return CheckResult(
            cid,
            Status.FAIL,
            f"SPF permerror: {spf.reason}.",
            {**evidence, "reason": spf.reason},
            "Fix the SPF record so that it evaluates without permerror: correct syntax, existing include/redirect "
            "targets, at most 10 DNS-querying terms and at most 2 void lookups (RFC 7208 4.6.4).",
        )
    if spf.all_qualifier in ("-", "~"):
        return CheckResult(
            cid, Status.PASS, f"The SPF policy ends in {spf.all_qualifier}all ({spf.all_domain}).", evidence
        )
    if spf.all_qualifier is None:
        summary = "The SPF policy does not end in an 'all' mechanism (the default result is neutral)."
        if spf.macro_terms:
            summary += " Macro-dependent terms were not followed."
    else:
        summary = f"The SPF policy ends in {spf.all_qualifier}all, which does not reject other senders."
    return CheckResult(
        cid,
        Status.FAIL,
        summary,
        evidence,
        "End the SPF record in '-all' (or '~all') so that servers not listed are not authorised (RFC 7208 5.1).",
    )
