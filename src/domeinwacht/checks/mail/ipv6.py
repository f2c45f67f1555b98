"""mail.ipv6.aaaa / mail.ipv6.reach: every MX has AAAA and accepts TCP port 25 over IPv6."""

from __future__ import annotations

from domeinwacht.checks.catalogue import MAIL_IPV6_AAAA, MAIL_IPV6_REACH
from domeinwacht.checks.mail._common import endpoint, rate_limited_error, receive_side_precondition
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.observations.mail import MailObservation
from domeinwacht.observations.refusal import refused_by_guard


@check(MAIL_IPV6_AAAA, area="mail")
def mail_ipv6_aaaa(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = MAIL_IPV6_AAAA
    if (early := receive_side_precondition(cid, obs)) is not None:
        return early
    hosts = obs.real_mx
    evidence = {h.name: list(h.ipv6) for h in hosts}
    failed = [h for h in hosts if not h.ipv6 and h.error is not None]
    if failed:
        return CheckResult.error(cid, f"address lookup failed for {failed[0].name}: {failed[0].error}", aaaa=evidence)
    missing = [h.name for h in hosts if not h.ipv6]
    if missing:  # CHECKS.md mail.ipv6.aaaa: every MX has AAAA
        return CheckResult(
            cid,
            Status.FAIL,
            f"MX host(s) without AAAA: {', '.join(missing)}.",
            {"aaaa": evidence, "missing": missing},
            "Give every MX host an IPv6 address (AAAA) that accepts mail (Internet.nl / Forum Standaardisatie IPv6).",
        )
    return CheckResult(cid, Status.PASS, "Every MX host has an AAAA record.", {"aaaa": evidence})


@check(MAIL_IPV6_REACH, area="mail")
def mail_ipv6_reach(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = MAIL_IPV6_REACH
    if (early := receive_side_precondition(cid, obs)) is not None:
        return early
    probes = [p for h in obs.real_mx for p in h.smtp if ":" in p.ip]
    unseen = [h for h in obs.real_mx if not h.ipv6 and h.error is not None]
    if unseen:  # an AAAA we could not look up may hide an address that does not answer
        host = unseen[0]
        return CheckResult.error(cid, f"address lookup failed for {host.name}: {host.error}", host=host.name)
    if not probes:
        return CheckResult(cid, Status.NOT_APPLICABLE, "No MX host has an IPv6 address (see mail.ipv6.aaaa).", {})
    declined = [p for p in probes if not p.connected and refused_by_guard(p.error)]
    if declined:  # the guard declined: no connection was attempted, so "not reachable" would be a guess
        return CheckResult.error(
            cid,
            "; ".join(f"{p.host} ({endpoint(p)}): {p.error}" for p in declined),
            declined=[endpoint(p) for p in declined],
        )
    reached = [endpoint(p) for p in probes if p.connected]
    unreachable = [p for p in probes if not p.connected and not p.rate_limited]
    evidence = {"reached": reached, "unreachable": {endpoint(p): p.error for p in unreachable}}
    if unreachable:
        return CheckResult(
            cid,
            Status.FAIL,
            f"Port 25 not reachable over IPv6 on {', '.join(endpoint(p) for p in unreachable)}.",
            evidence,
            "Make the mail server accept SMTP on port 25 on every IPv6 address published for it.",
        )
    limited = [p for p in probes if p.rate_limited and not p.connected]
    if limited:
        return rate_limited_error(cid, limited, **evidence)
    return CheckResult(cid, Status.PASS, "Every MX IPv6 address accepts TCP port 25.", evidence)
