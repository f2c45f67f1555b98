"""mail.mx: the MX set, null MX (RFC 7505) and the implicit MX (RFC 5321 5.1)."""

from __future__ import annotations

from domeinwacht.checks.catalogue import MAIL_MX
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.observations.mail import MailObservation


@check(MAIL_MX, area="mail")
def mail_mx(obs: MailObservation, ctx: CheckContext) -> CheckResult:
    cid = MAIL_MX
    if obs.error is not None:
        return CheckResult.error(cid, obs.error)
    if obs.mx_error is not None:
        return CheckResult.error(cid, f"MX lookup failed: {obs.mx_error}", domain=obs.domain)
    listed = [f"{h.preference} {h.name or '.'}" for h in obs.mx]
    evidence: dict[str, object] = {"domain": obs.domain, "mx": listed}
    capped = ""
    if obs.mx_not_probed:  # the observer probes the first MAX_MX_HOSTS by preference; the rest are named
        evidence["mx"] = listed + list(obs.mx_not_probed)
        evidence["not_probed"] = list(obs.mx_not_probed)
        capped = (
            f" Only the first {len(obs.mx)} MX records by preference were probed; "
            f"{len(obs.mx_not_probed)} more were not: {', '.join(obs.mx_not_probed)}."
        )
    if obs.null_mx:  # RFC 7505 3: "0 ." alone declares that the domain accepts no mail
        return CheckResult(cid, Status.PASS, "Null MX: the domain declares that it receives no mail.", evidence)
    if obs.has_null_mx:  # RFC 7505 3: a null MX MUST NOT be mixed with other MX records
        return CheckResult(
            cid,
            Status.WARNING,
            "A null MX (0 .) is published next to other MX records.",
            evidence,
            "Remove the null MX, or remove the other MX records if the domain receives no mail (RFC 7505 3).",
        )
    if not obs.mx:
        if obs.has_address:  # RFC 5321 5.1: the A/AAAA records act as an implicit MX
            return CheckResult(
                cid,
                Status.INFO,
                "No MX records; mail would go to the domain's own A/AAAA address (implicit MX).",
                evidence,
                "Publish MX records, or a null MX (0 .) if the domain receives no mail (RFC 7505).",
            )
        return CheckResult(
            cid,
            Status.INFO,
            "No MX records and no address: the domain cannot receive mail.",
            evidence,
            "Publish a null MX (0 .) to say so explicitly (RFC 7505).",
        )
    unresolved = [h.name for h in obs.mx if h.name and not (h.ipv4 or h.ipv6)]
    if unresolved:
        evidence["unresolved"] = unresolved
        return CheckResult(
            cid,
            Status.WARNING,
            f"MX host(s) without address: {', '.join(unresolved)}.{capped}",
            evidence,
            "Give every MX host an A and/or AAAA record, or remove it from the MX set.",
        )
    return CheckResult(cid, Status.PASS, f"{len(obs.mx)} MX host(s) listed and resolving.{capped}", evidence)
