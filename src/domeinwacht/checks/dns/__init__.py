"""DNS checks (CHECKS.md "DNS"): DNSSEC, CAA and the name servers over IPv4 and IPv6.

``dnssec_status_result`` turns a ``observations.dnssec.DnssecResult`` into a check result with one wording, so that
``dns.dnssec.secure`` and ``mail.dnssec.secure`` explain a broken chain the same way:

    from domeinwacht.checks.dns import dnssec_status_result
    result = dnssec_status_result("mail.dnssec.secure", observation.dnssec)
"""

from __future__ import annotations

from typing import Any, Protocol

from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.names import InvalidName, is_public_suffix
from domeinwacht.observations.dnssec import DnssecResult, DnssecStatus

__all__ = ["DnssecVerdict", "above_registrable_domain", "dnssec_evidence", "dnssec_remedy", "dnssec_status_result"]

_GUIDE = "RFC 4033-4035; DNSSEC is on the Forum Standaardisatie 'pas toe of leg uit' list"


def dnssec_evidence(result: DnssecResult) -> dict[str, Any]:
    """The facts behind a DNSSEC verdict: the name, status, reason and every zone walked."""
    return {
        "name": result.qname,
        "rdtype": result.rdtype,
        "status": str(result.status),
        "reason": result.reason,
        "zone": result.zone,
        "broken_at": None if DnssecStatus(result.status) is DnssecStatus.SECURE else result.broken_zone,
        "validated_at": result.now.strftime("%Y-%m-%dT%H:%M:%SZ") if result.now else None,
        "chain": [
            {
                "zone": link.zone,
                "status": str(link.status),
                "ds": [str(d) for d in link.ds],
                "dnskeys": [str(k) for k in link.dnskeys],
            }
            for link in result.chain
        ],
    }


def dnssec_remedy(result: DnssecResult) -> str | None:
    """What to change, chosen by what broke."""
    status = DnssecStatus(result.status)
    reason = result.reason
    zone = result.zone or result.qname
    if status is DnssecStatus.SECURE:
        return None
    if status is DnssecStatus.INSECURE:
        link = result.zone_link
        if link is not None and link.dnskeys:
            return (
                f"{zone} is signed but its parent has no DS record for it: publish the DS of the key-signing key "
                f"at the registrar ({_GUIDE})."
            )
        return f"Sign the zone {zone} with DNSSEC and publish its DS record at the parent via the registrar ({_GUIDE})."
    if status is DnssecStatus.BOGUS:
        if " expired " in reason or "not yet valid" in reason:
            return (
                "Re-sign the zone and make sure signing runs automatically well before signatures expire "
                f"(check the signer's clock and re-signing schedule; RFC 4035 §5.3.1, {_GUIDE})."
            )
        if "matches no DNSKEY" in reason or "publishes no DNSKEY" in reason:
            return (
                "The DS at the parent does not match the zone's keys: update the DS at the registrar to the current "
                f"key-signing key, or restore the key it names (RFC 4035 §5.2, RFC 7583 key rollover; {_GUIDE})."
            )
        if "NSEC" in reason:
            return (
                "The zone's proof of non-existence (NSEC/NSEC3) is missing or broken: re-sign the zone so that "
                "denials are signed, and check the name servers serve the same zone version "
                f"(RFC 4035 §5.4, RFC 5155; {_GUIDE})."
            )
        return (
            "Fix the signatures of the zone so that every RRset is validly signed by a key chained to the DS at the "
            f"parent; validating resolvers currently reject these answers (RFC 4035 §5; {_GUIDE})."
        )
    return None


class DnssecVerdict(Protocol):
    """Any stored verdict with a status string and a reason (e.g. the mail observation's DnssecStatusInfo)."""

    @property
    def status(self) -> str | None: ...

    @property
    def reason(self) -> str: ...


def above_registrable_domain(zone: str) -> bool:
    """Whether ``zone`` is the root or a public suffix (a TLD, ``co.uk``): no domain owner's zone.

    A name the Public Suffix List does not know counts as a suffix when it is a single label (an unknown TLD),
    as the list itself treats it.
    """
    name = zone.rstrip(".")
    if not name:
        return True
    try:
        return is_public_suffix(name)
    except InvalidName:
        return False


def _blame_above(check_id: str, result: DnssecResult, evidence: dict[str, Any]) -> CheckResult | None:
    """An ``error`` naming the zone when an insecure or bogus chain breaks above the registrable domain.

    The root, a TLD or a public-suffix zone is not the domain's to fix, and a lying or filtering resolver
    (NXDOMAIN for everything, signatures stripped) looks exactly like a broken root: never a ``fail``, never a
    registrar remedy (docs/DNSSEC.md, "Whose fault").
    """
    zone = result.broken_zone
    if not zone or not above_registrable_domain(zone):
        return None
    shown = "the root" if zone.rstrip(".") == "" else zone.rstrip(".")
    name = result.qname.rstrip(".") or "."
    summary = (
        f"DNSSEC status of {name} unknown: the chain of trust breaks above the domain, at {shown} "
        f"({DnssecStatus(result.status).value}: {result.reason.rstrip('.')}); not the domain's doing — check the "
        "resolver path (`domeinwacht resolver status`) or the parent zone's operator."
    )
    return CheckResult(check_id, Status.ERROR, summary, {**evidence, "reason": summary, "blame": "above_domain"})


def dnssec_status_result(check_id: str, result: DnssecResult | DnssecVerdict | None, *, error: str = "") -> CheckResult:
    """CHECKS.md dns.dnssec.secure: secure pass; insecure fail; bogus fail with the precise reason; else error.

    A chain that breaks above the registrable domain (root, TLD, public suffix) is an ``error`` naming that
    zone, with no remedy: a ``fail`` only when the break is at the domain's own zone or its DS at the parent.

    ``result`` is a ``observations.dnssec.DnssecResult``, or any object with ``status`` (``secure``/``insecure``/
    ``bogus``/``indeterminate``), ``reason`` and ``qname`` or ``name``.
    """
    if result is None:
        return CheckResult.error(check_id, error or "DNSSEC was not validated")
    if not isinstance(result, DnssecResult):
        name = str(getattr(result, "qname", None) or getattr(result, "name", ""))
        try:
            status = DnssecStatus(result.status or "")
        except ValueError:
            return CheckResult.error(check_id, error or result.reason or "DNSSEC was not validated", name=name)
        result = DnssecResult(name, "", status, result.reason, zone=str(getattr(result, "zone", "") or ""))
    status = DnssecStatus(result.status)
    evidence = dnssec_evidence(result)
    name = result.qname.rstrip(".") or "."
    if status in (DnssecStatus.INSECURE, DnssecStatus.BOGUS):
        blamed = _blame_above(check_id, result, evidence)
        if blamed is not None:
            return blamed
    if status is DnssecStatus.SECURE:
        return CheckResult(
            check_id,
            Status.PASS,
            f"{name} is DNSSEC-secure: the chain of trust from the trust anchor validates.",
            evidence,
        )
    if status is DnssecStatus.INSECURE:  # RFC 4035 §4.3 insecure: no DS at a signed parent
        return CheckResult(
            check_id,
            Status.FAIL,
            f"{name} is not DNSSEC-signed (insecure): {result.reason.rstrip('.')}.",
            evidence,
            dnssec_remedy(result),
        )
    if status is DnssecStatus.BOGUS:  # RFC 4035 §4.3 bogus: the chain should validate but does not
        return CheckResult(
            check_id,
            Status.FAIL,
            f"{name} has broken DNSSEC (bogus): {result.reason.rstrip('.')}.",
            evidence,
            dnssec_remedy(result),
        )
    # indeterminate: SERVFAIL, timeout, no anchor — never a guess
    return CheckResult(check_id, Status.ERROR, f"DNSSEC status of {name} unknown: {result.reason}", evidence)
