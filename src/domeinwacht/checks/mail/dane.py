"""mail.dane.*: TLSA for every MX in a DNSSEC-secure zone, matching the served chain (RFC 7672), rollover."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domeinwacht.checks._dane import match_tlsa, rollover_scheme
from domeinwacht.checks.catalogue import MAIL_DANE_EXISTS, MAIL_DANE_ROLLOVER, MAIL_DANE_VALID
from domeinwacht.checks.dns import above_registrable_domain
from domeinwacht.checks.mail._common import endpoint, rate_limited_error, receive_side_precondition
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.observations.mail import MailObservation
from domeinwacht.observations.tls import TlsObservation


@check(MAIL_DANE_EXISTS, area="mail")
def dane_exists(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = MAIL_DANE_EXISTS
    if (early := receive_side_precondition(cid, obs)) is not None:
        return early
    evidence: dict[str, object] = {}
    missing: list[str] = []
    for host in obs.real_mx:
        tlsa = host.tlsa
        if tlsa is None:
            return CheckResult.error(cid, f"TLSA of {host.name} was not observed")
        if tlsa.error is not None:
            return CheckResult.error(cid, f"TLSA lookup of {tlsa.name} failed: {tlsa.error}")
        evidence[tlsa.name] = {"records": list(tlsa.records), "dnssec": tlsa.dnssec, "reason": tlsa.dnssec_reason}
        if not tlsa.records:
            missing.append(f"{host.name} (no TLSA)")
        elif tlsa.dnssec == "indeterminate" or tlsa.dnssec is None:
            return CheckResult.error(cid, f"DNSSEC status of {tlsa.name} unknown: {tlsa.dnssec_reason}", **evidence)
        elif tlsa.dnssec != "secure" and tlsa.dnssec_zone and above_registrable_domain(tlsa.dnssec_zone):
            # docs/DNSSEC.md "Whose fault": a chain broken at the root or a TLD is not the MX owner's DANE failure
            where = tlsa.dnssec_zone.rstrip(".") or "the root"
            return CheckResult.error(
                cid, f"DNSSEC status of {tlsa.name} unknown: the chain of trust breaks above the domain, at {where}"
            )
        elif tlsa.dnssec != "secure":  # RFC 7672 2.2: TLSA is only usable when DNSSEC-validated
            missing.append(f"{host.name} (TLSA not DNSSEC-secure: {tlsa.dnssec})")
    if missing:
        return CheckResult(
            cid,
            Status.FAIL,
            f"No usable DANE TLSA for: {', '.join(missing)}.",
            evidence,
            "Sign the MX zone with DNSSEC and publish TLSA records at _25._tcp.<mx> (e.g. '3 1 1 <sha256 of SPKI>') "
            "for every MX (RFC 7672; Forum Standaardisatie DANE).",
        )
    return CheckResult(cid, Status.PASS, "Every MX has DNSSEC-secure TLSA records.", evidence)


def _chains(tls: tuple[TlsObservation, ...]) -> dict[str, tuple[bytes, ...]]:
    return {t.ip: t.chain for t in tls if t.chain}


@check(MAIL_DANE_VALID, area=("mail", "mail_tls"))
def dane_valid(obs: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
    cid = MAIL_DANE_VALID
    mail: MailObservation = obs["mail"]
    if (early := receive_side_precondition(cid, mail)) is not None:
        return early
    chains = _chains(obs["mail_tls"])
    # RFC 7672 2.2: only TLSA records from a DNSSEC-secure zone are usable; others are as if absent.
    hosts = [h for h in mail.real_mx if h.tlsa is not None and h.tlsa.records and h.tlsa.dnssec == "secure"]
    unknown = [
        h.tlsa
        for h in mail.real_mx
        if h.tlsa is not None and h.tlsa.records and h.tlsa.dnssec in (None, "indeterminate")
    ]
    if not hosts and unknown:  # whether the records are usable is unknown: not "no DANE"
        reasons = "; ".join(f"{t.name}: {t.dnssec_reason or 'not validated'}" for t in unknown)
        return CheckResult.error(cid, f"DNSSEC status of the TLSA records unknown ({reasons})")
    if not hosts:
        return CheckResult(
            cid, Status.NOT_APPLICABLE, "No MX publishes DNSSEC-secure TLSA records (see mail.dane.exists).", {}
        )
    evidence: dict[str, object] = {}
    mismatched: list[str] = []
    limited = []
    unmeasured: list[str] = []
    for host in hosts:
        assert host.tlsa is not None
        for probe in host.smtp:
            where = f"{host.name} {endpoint(probe)}"
            chain = chains.get(probe.ip) or ((probe.leaf_der,) if probe.leaf_der else ())
            if not chain:
                if probe.rate_limited:
                    limited.append(probe)
                else:
                    unmeasured.append(f"{where}: {probe.error or 'no certificate seen'}")
                continue
            result = match_tlsa(host.tlsa.records, chain, hostname=host.name)
            evidence[where] = {
                "matched": [f"{m.record} -> certificate {m.cert_index} ({m.subject})" for m in result.matches],
                "ignored": list(result.ignored),
                "errors": list(result.errors),
                "chain_length": len(chain),
            }
            if not result.matched:  # RFC 7672 2.2 / 3.1: at least one usable record must match
                mismatched.append(where)
    if mismatched:
        return CheckResult(
            cid,
            Status.FAIL,
            f"The certificate served does not match the TLSA records on {', '.join(mismatched)}.",
            evidence,
            "Update the TLSA records to the current certificate/key (publish the next key's record before a "
            "rollover) (RFC 7671 8.1, RFC 7672 3).",
        )
    if limited:
        return rate_limited_error(cid, limited, **evidence)
    if unmeasured:
        return CheckResult.error(cid, f"no certificate to match: {'; '.join(unmeasured)}", **evidence)
    return CheckResult(cid, Status.PASS, "Every MX serves a certificate matching its TLSA records.", evidence)


@check(MAIL_DANE_ROLLOVER, area="mail")
def dane_rollover(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = MAIL_DANE_ROLLOVER
    if (early := receive_side_precondition(cid, obs)) is not None:
        return early
    schemes = {h.name: rollover_scheme(h.tlsa.records) if h.tlsa else None for h in obs.real_mx}
    without = [name for name, scheme in schemes.items() if scheme is None]
    # CHECKS.md mail.dane.rollover is information beyond the anchors: a scheme present passes, none is info.
    if without:
        return CheckResult(
            cid,
            Status.INFO,
            f"No TLSA rollover scheme for: {', '.join(without)}.",
            {"schemes": schemes},
            "Publish a record for the next key as well (two '3 1 1'), or a '3 x x' plus a '2 x x' record "
            "(RFC 7671 8.1), so that a key change does not break DANE.",
        )
    return CheckResult(cid, Status.PASS, "Every MX has a TLSA rollover scheme.", {"schemes": schemes})
