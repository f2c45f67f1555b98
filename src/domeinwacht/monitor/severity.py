"""The severity of a finding: the policy profile's, raised to critical by the rules below.

The policy engine (``policy/scoring.py``) gives high for a failing legally required standard, medium for a
recommended one, low for an optional one, and its own severity for hygiene checks. Monitoring adds
``critical`` for what an attacker can use today, which opens a finding at once (no flapping suppression):

- an expired certificate (``*.cert.expiry`` failing with a certificate past its ``not_after``: ``days_left < 0``);
  a certificate that is not valid *yet* stays at the profile's severity;
- a takeover-prone dangling record (``hygiene.dangling_cname`` failing: the alias points at a name that does not
  exist or at a service that answers "no such site").
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Final

from domeinwacht.checks.catalogue import HYGIENE_DANGLING_CNAME, expand
from domeinwacht.checks.result import Status
from domeinwacht.policy.scoring import Severity as PolicySeverity

__all__ = ["IMMEDIATE", "Severity", "classify"]

# The certificate expiry check of every family (web.cert.expiry, mail.cert.expiry), from the catalogue.
EXPIRY: Final = frozenset(c for family in ("web", "mail") for c in expand(f"{family}.cert.*") if c.endswith(".expiry"))


class Severity(StrEnum):
    """Severity of a monitored finding, worst first."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for critical up to 3 for low."""
        return list(Severity).index(self)


# Severities that get an immediate mail; the others wait for the change report.
IMMEDIATE = frozenset({Severity.CRITICAL, Severity.HIGH})


def _expired(evidence: Mapping[str, Any]) -> bool:
    certificates = evidence.get("certificates")
    if not isinstance(certificates, list):
        return False
    return any(
        isinstance(c, Mapping) and isinstance(c.get("days_left"), int) and c["days_left"] < 0 for c in certificates
    )


def classify(check_id: str, status: Status, evidence: Mapping[str, Any], policy: PolicySeverity | str) -> Severity:
    """The severity of a failing ``check_id`` whose profile severity is ``policy``."""
    if status is Status.FAIL:
        if check_id == HYGIENE_DANGLING_CNAME:
            return Severity.CRITICAL
        if check_id in EXPIRY and _expired(evidence):
            return Severity.CRITICAL
    return Severity(str(policy))
