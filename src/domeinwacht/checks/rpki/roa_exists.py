"""``web.rpki.roa_exists`` / ``mail.rpki.roa_exists``: every tested address is covered by a ROA.

CHECKS.md "RPKI": every tested address is covered by a ROA (VRP data): pass; else warning. VRP data missing:
error. A ROA "covers" an address when the address lies inside its prefix (RFC 6811 section 2 defines
coverage for routes; for an address it is containment in the ROA prefix).
"""

from __future__ import annotations

from typing import Any

from domeinwacht.checks.catalogue import MAIL_RPKI_ROA_EXISTS, WEB_RPKI_ROA_EXISTS
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import AddressVerdict, CheckResult, Status
from domeinwacht.checks.rpki._evidence import address_label, sources, vrp_text
from domeinwacht.observations.rpki import RpkiObservation

REMEDY = (
    "Ask the holder of the address space (your hosting or network provider) to publish Route Origin "
    "Authorisations (ROAs) for the prefixes of {addresses} in the RPKI portal of their RIR (RFC 6482, "
    "RFC 6811). RPKI is on the Forum Standaardisatie comply-or-explain list (OBDO target: end 2024)."
)


def roa_exists(obs: RpkiObservation, check_id: str) -> CheckResult:
    """The shared rule; ``check_id`` says whether it runs for the web or the mail addresses."""
    if obs.vrp_error is not None:
        # CHECKS.md: validator or data missing -> error, never a guess.
        return CheckResult.error(check_id, obs.vrp_error, **sources(obs))
    if not obs.addresses:
        return CheckResult(
            check_id,
            Status.NOT_APPLICABLE,
            "No addresses to test for ROA coverage.",
            {"addresses": [], **sources(obs)},
        )
    broken = [a for a in obs.addresses if a.error is not None]
    if broken:
        reasons = "; ".join(f"{address_label(a)}: {a.error}" for a in broken)
        return CheckResult.error(check_id, f"Could not look up {reasons}", **sources(obs))
    addresses: list[dict[str, Any]] = []
    per_address: list[AddressVerdict] = []
    uncovered: list[str] = []
    for address in obs.addresses:
        covered = bool(address.roas)
        status = Status.PASS if covered else Status.WARNING
        per_address.append(AddressVerdict(address.ip, status))
        addresses.append(
            {
                "ip": address.ip,
                "host": address.host,
                "roas": [vrp_text(v) for v in address.roas],
                "status": status.value,
            }
        )
        if not covered:
            uncovered.append(address_label(address))
    evidence = {"addresses": addresses, **sources(obs)}
    if not uncovered:
        return CheckResult(
            check_id,
            Status.PASS,
            f"Every tested address ({len(obs.addresses)}) is covered by a ROA.",
            evidence,
            per_address=tuple(per_address),
        )
    listed = ", ".join(uncovered)
    return CheckResult(
        check_id,
        Status.WARNING,
        f"{len(uncovered)} of {len(obs.addresses)} addresses are not covered by any ROA: {listed}.",
        evidence,
        REMEDY.format(addresses=listed),
        per_address=tuple(per_address),
    )


@check(WEB_RPKI_ROA_EXISTS, area="web_rpki")
def web_roa_exists(obs: RpkiObservation, ctx: CheckContext) -> CheckResult:
    return roa_exists(obs, WEB_RPKI_ROA_EXISTS)


@check(MAIL_RPKI_ROA_EXISTS, area="mail_rpki")
def mail_roa_exists(obs: RpkiObservation, ctx: CheckContext) -> CheckResult:
    return roa_exists(obs, MAIL_RPKI_ROA_EXISTS)
