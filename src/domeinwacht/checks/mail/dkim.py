"""mail.dkim.exists: ``_domainkey`` exists (RFC 8020), wildcards detected, probed keys checked (RFC 6376, 8301)."""

from __future__ import annotations

from domeinwacht.checks.catalogue import MAIL_DKIM_EXISTS
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.observations.mail import MailObservation

MIN_RSA = 1024  # RFC 8301 3.2: verifiers MUST NOT consider signatures with keys below 1024 bits valid
GOOD_RSA = 2048  # RFC 8301 3.2: signers SHOULD use at least 2048 bits; CHECKS.md: warning below


def non_sending(obs: MailObservation) -> bool:
    """A domain that sends no mail: SPF exactly ``v=spf1 -all`` and DMARC p=reject (CHECKS.md mail.dkim.exists)."""
    spf_records = obs.spf.records if obs.spf is not None else ()
    record = obs.dmarc.record if obs.dmarc is not None else None
    spf_none = len(spf_records) == 1 and " ".join(spf_records[0].lower().split()) == "v=spf1 -all"
    return spf_none and record is not None and record.policy == "reject"


@check(MAIL_DKIM_EXISTS, area="mail")
def dkim_exists(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = MAIL_DKIM_EXISTS
    if obs.error is not None:
        return CheckResult.error(cid, obs.error)
    if non_sending(obs):
        return CheckResult(
            cid,
            Status.NOT_APPLICABLE,
            "The domain sends no mail (SPF 'v=spf1 -all' and DMARC p=reject): DKIM is not needed.",
            {},
        )
    dkim = obs.dkim
    if dkim is None:
        return CheckResult.error(cid, "DKIM was not observed")
    if dkim.error is not None:
        return CheckResult.error(cid, dkim.error, domain=obs.domain)
    keys = {
        s.selector: (
            {"type": s.key.key_type, "bits": s.key.key_bits, "revoked": s.key.revoked, "errors": list(s.key.errors)}
            if s.key is not None
            else {"error": s.error}
        )
        for s in dkim.selectors
    }
    evidence: dict[str, object] = {
        "name": f"_domainkey.{dkim.domain}",
        "rcode": dkim.rcode,
        "wildcard": dkim.wildcard,
        "selectors_found": keys,
        "selectors_probed": len(dkim.probed),
    }
    if dkim.rcode == "NXDOMAIN":  # RFC 8020 2: NXDOMAIN means nothing exists below _domainkey
        return CheckResult(
            cid,
            Status.FAIL,
            f"_domainkey.{dkim.domain} does not exist (NXDOMAIN): no DKIM keys are published.",
            evidence,
            "Sign outgoing mail with DKIM and publish the public key at <selector>._domainkey.<domain> (RFC 6376; "
            "Forum Standaardisatie DKIM).",
        )
    if dkim.rcode != "NOERROR":
        return CheckResult.error(cid, f"_domainkey.{dkim.domain} answered {dkim.rcode}", **evidence)
    below_min = [
        s.selector
        for s in dkim.selectors
        if s.key and s.key.key_type == "rsa" and s.key.key_bits and s.key.key_bits < MIN_RSA and not s.key.revoked
    ]
    below_good = [
        s.selector
        for s in dkim.selectors
        if s.key and s.key.key_type == "rsa" and s.key.key_bits and MIN_RSA <= s.key.key_bits < GOOD_RSA
    ]
    # Under a wildcard every selector name answers with the wildcard's TXT: text that is no key record is the
    # wildcard speaking, not a broken key.
    broken = [s.selector for s in dkim.selectors if (s.key is None and not dkim.wildcard) or (s.key and s.key.errors)]
    if below_min:
        return CheckResult(
            cid,
            Status.FAIL,
            f"DKIM key(s) below {MIN_RSA} bits: {', '.join(below_min)}; receivers ignore such signatures.",
            evidence,
            f"Replace the key by an RSA key of at least {GOOD_RSA} bits or an Ed25519 key (RFC 8301 3.2, RFC 8463).",
        )
    if below_good or broken:
        parts = []
        if below_good:
            parts.append(f"RSA key(s) below {GOOD_RSA} bits: {', '.join(below_good)}")
        if broken:
            parts.append(f"unusable key record(s): {', '.join(broken)}")
        return CheckResult(
            cid,
            Status.WARNING,
            "DKIM is published, but " + "; ".join(parts) + ".",
            evidence,
            f"Use RSA keys of at least {GOOD_RSA} bits (RFC 8301 3.2) and fix or remove broken key records.",
        )
    if dkim.wildcard:
        summary = (
            f"_domainkey.{dkim.domain} exists, but the zone answers any name (wildcard), so existence proves little."
        )
    else:
        summary = f"_domainkey.{dkim.domain} exists (RFC 8020)."
    if dkim.selectors:
        summary += f" Keys found for selector(s): {', '.join(s.selector for s in dkim.selectors)}."
    return CheckResult(cid, Status.PASS, summary, evidence)
