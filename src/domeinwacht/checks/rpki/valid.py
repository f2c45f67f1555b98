"""``web.rpki.valid`` / ``mail.rpki.valid``: every announced route to a tested address is RPKI-valid.

CHECKS.md "RPKI": every announced route origin (from BGP data) is RPKI-valid: pass; invalid: fail; not-found:
fail; no route seen: not_applicable. Validator or data missing: error.

"Every announced route" is every route in the prefix-to-origin table whose prefix contains the address, not
only the longest match: when a network drops an invalid more-specific (RFC 6811 section 5), traffic falls back
to the covering routes, so each of them has to be valid. Each route with several origins (MOAS) is judged per
origin; a route ending in an AS_SET has origin NONE and cannot be valid (RFC 6811 section 2).
"""

from __future__ import annotations

from typing import Any

from domeinwacht.checks.catalogue import MAIL_RPKI_VALID, WEB_RPKI_VALID
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import AddressVerdict, CheckResult, Status
from domeinwacht.checks.rpki._evidence import address_label, route_evidence, sources
from domeinwacht.observations.rpki import RouteValidation, RovState, RpkiObservation

REMEDY_NOT_FOUND = (
    "No ROA covers {routes}. Ask the holder of the address space (your hosting or network provider) to "
    "publish ROAs for these prefixes and origin ASes in the RPKI portal of their RIR (RFC 6482); RPKI is on "
    "the Forum Standaardisatie comply-or-explain list (OBDO target: end 2024)."
)
REMEDY_INVALID_ASN = (
    "{routes} is announced by an AS that no covering ROA authorises: networks that validate routes (RFC 6811) "
    "drop it. If the announcement is legitimate, the prefix holder must publish a ROA for that AS; if not, it "
    "may be a hijack and the prefix holder should contact the announcing network."
)
REMEDY_INVALID_LENGTH = (
    "{routes} is more specific than the maxLength of the ROA for its origin AS, so validating networks drop "
    "it. Announce the prefix of the ROA, or publish a ROA for exactly this prefix (RFC 9319 advises specific "
    "ROAs over a wide maxLength)."
)


def _route_label(route: RouteValidation) -> str:
    return f"{route.prefix} from {route.origin_text}"


def _status(route: RouteValidation) -> Status:
    # RFC 6811 section 2: Valid passes; Invalid and NotFound fail (CHECKS.md).
    return Status.PASS if route.state is RovState.VALID else Status.FAIL


def routes_valid(obs: RpkiObservation, check_id: str) -> CheckResult:
    """The shared rule; ``check_id`` says whether it runs for the web or the mail addresses."""
    missing = [reason for reason in (obs.vrp_error, obs.routes_error) if reason is not None]
    if missing:
        return CheckResult.error(check_id, "; ".join(missing), **sources(obs))
    broken = [a for a in obs.addresses if a.error is not None]
    if broken:
        reasons = "; ".join(f"{address_label(a)}: {a.error}" for a in broken)
        return CheckResult.error(check_id, f"Could not look up {reasons}", **sources(obs))
    addresses: list[dict[str, Any]] = []
    per_address: list[AddressVerdict] = []
    by_state: dict[RovState, dict[str, RouteValidation]] = {state: {} for state in RovState}
    unrouted: list[str] = []
    for address in obs.addresses:
        status = Status.worst(_status(r) for r in address.routes)  # not_applicable without routes
        per_address.append(AddressVerdict(address.ip, status))
        addresses.append(
            {
                "ip": address.ip,
                "host": address.host,
                "longest_match": address.best_route.prefix if address.best_route else None,
                "routes": [route_evidence(r) for r in address.routes],
                "status": status.value,
            }
        )
        if not address.routes:
            unrouted.append(address_label(address))
        for route in address.routes:
            by_state[route.state][_route_label(route)] = route
    evidence: dict[str, Any] = {"addresses": addresses, **sources(obs)}
    if unrouted:
        evidence["unrouted"] = unrouted
    routed = len(obs.addresses) - len(unrouted)
    if routed == 0:
        return CheckResult(
            check_id,
            Status.NOT_APPLICABLE,
            "No announced route covers any tested address" + (f" ({', '.join(unrouted)})." if unrouted else "."),
            evidence,
            per_address=tuple(per_address),
        )
    remedies = []
    problems = []
    for state, template, words in (
        (RovState.INVALID_ASN, REMEDY_INVALID_ASN, "RPKI-invalid (origin AS not authorised)"),
        (RovState.INVALID_LENGTH, REMEDY_INVALID_LENGTH, "RPKI-invalid (longer than maxLength)"),
        (RovState.NOT_FOUND, REMEDY_NOT_FOUND, "not covered by any ROA (not-found)"),
    ):
        if by_state[state]:
            routes = ", ".join(sorted(by_state[state]))
            problems.append(f"{routes}: {words}")
            remedies.append(template.format(routes=routes))
    if not problems:
        return CheckResult(
            check_id,
            Status.PASS,
            f"Every announced route to the {routed} routed address(es) is RPKI-valid.",
            evidence,
            per_address=tuple(per_address),
        )
    return CheckResult(
        check_id,
        Status.FAIL,
        "Not every announced route is RPKI-valid: " + "; ".join(problems) + ".",
        evidence,
        " ".join(remedies),
        per_address=tuple(per_address),
    )


@check(WEB_RPKI_VALID, area="web_rpki")
def web_valid(obs: RpkiObservation, ctx: CheckContext) -> CheckResult:
    return routes_valid(obs, WEB_RPKI_VALID)


@check(MAIL_RPKI_VALID, area="mail_rpki")
def mail_valid(obs: RpkiObservation, ctx: CheckContext) -> CheckResult:
    return routes_valid(obs, MAIL_RPKI_VALID)
