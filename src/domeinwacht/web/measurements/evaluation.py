"""From a policy profile to an evaluator: stored or fresh observations -> verdicts and score.

The checks run under a ``CheckContext`` whose time is the measurement's ``observed_at`` (so re-evaluating an old
measurement gives the verdicts of then) and whose NCSC TLS profile is the one the policy profile names
(``nl-wdo`` -> ``ncsc-2.1.1``), as is its DMARC specification (``dmarc: rfc7489 | dmarcbis``). The score is
the policy engine's ``score_domain(...).to_json()`` with deadlines judged at ``observed_at``, plus the verdict
counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import CheckResult
from domeinwacht.policy import available, load_profile, score_domain
from domeinwacht.scan.env import ScanOptions
from domeinwacht.scan.executor import Evaluation, Evaluator
from domeinwacht.scan.single import DomainObservations, check_context, evaluate_domain


def known_profiles() -> tuple[str, ...]:
    """The policy profiles shipped with the policy engine."""
    return available()


def tls_profile(profile: str) -> str:
    return load_profile(profile).tls_profile


def context(profile: str, observed_at: datetime, options: ScanOptions, trust_pem: str | None = None) -> CheckContext:
    """The same context `domeinwacht check` uses, with the profile's TLS guideline and DMARC specification, the
    observation time and the trust store stored with the measurement (``trust_pem``)."""
    chosen = load_profile(profile)
    ca_pem = trust_pem.encode("ascii") if trust_pem else None
    return check_context(options, chosen.tls_profile, observed_at, chosen.dmarc_spec, ca_pem=ca_pem)


def score(profile: str, results: Mapping[str, CheckResult], observed_at: datetime) -> dict[str, Any]:
    """The policy engine's score for one domain as JSON, plus the verdict counts."""
    out: dict[str, Any] = score_domain(results, profile, as_of=observed_at.date()).to_json()
    out["counts"] = dict(sorted(Counter(r.status.value for r in results.values()).items()))
    return out


def make_evaluator(
    profile: str, observed_at: datetime, options: ScanOptions, trust_pem: str | None = None
) -> Evaluator:
    ctx = context(profile, observed_at, options, trust_pem)
    load_profile(profile)  # an unknown profile fails here, before any probe

    def evaluate(observed: DomainObservations) -> Evaluation:
        results = evaluate_domain(observed, ctx)
        return Evaluation(results, score(profile, results, observed_at))

    return evaluate
