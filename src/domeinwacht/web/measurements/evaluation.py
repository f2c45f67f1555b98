"""From a policy profile to an evaluator: stored or fresh observations -> verdicts and score.

The checks run under a ``CheckContext`` whose time is the measurement's ``observed_at`` (so re-evaluating an old
measurement gives the verdicts of then) and whose TLS profile is the one the policy profile names. Scores come from
the policy engine (``domeinwacht.policy.scoring.score_domain``) when it knows the profile.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import CheckResult
from domeinwacht.scan.env import ScanOptions
from domeinwacht.scan.executor import Evaluation, Evaluator
from domeinwacht.scan.single import DomainObservations, evaluate_domain
from domeinwacht.serde import to_jsonable

# The profiles of shared/standards/POLICIES.md, with the NCSC TLS guideline version each one applies.
TLS_PROFILE = {
    "nl-wdo": "ncsc-2.1.1",
    "nl-ptolu-2025": "ncsc-2025-05",
    "internetnl": "ncsc-2025-05",
    "us-bod-18-01": "ncsc-2025-05",
}


def known_profiles() -> tuple[str, ...]:
    """Profile names the policy engine ships (falls back to POLICIES.md's list while it has none)."""
    try:
        from domeinwacht.policy import profiles as policy_profiles
    except ImportError:
        return tuple(TLS_PROFILE)
    names = getattr(policy_profiles, "PROFILE_NAMES", None) or getattr(policy_profiles, "available", None)
    if callable(names):
        names = names()
    return tuple(names) if names else tuple(TLS_PROFILE)


def tls_profile(profile: str) -> str:
    try:
        from domeinwacht.policy import profiles as policy_profiles

        loaded = policy_profiles.load(profile)  # type: ignore[attr-defined]
        value = getattr(loaded, "tls_profile", None)
        if isinstance(value, str):
            return value
    except (ImportError, AttributeError, KeyError, ValueError):
        pass
    return TLS_PROFILE.get(profile, "ncsc-2025-05")


def check_options(options: ScanOptions) -> dict[str, Any]:
    """What checks may need from the scan options (as `domeinwacht check` passes them)."""
    extra: dict[str, Any] = {}
    if options.ca_file is not None and Path(options.ca_file).is_file():
        extra["ca_file"] = str(options.ca_file)
        extra["ca_pem"] = Path(options.ca_file).read_bytes()
    if options.dkim_selectors:
        extra["dkim_selectors"] = tuple(options.dkim_selectors)
    return extra


def context(profile: str, observed_at: datetime, options: ScanOptions) -> CheckContext:
    return CheckContext(profile=tls_profile(profile), now=observed_at, options=check_options(options))


def score(profile: str, domain: str, results: Mapping[str, CheckResult]) -> dict[str, Any]:
    """The policy engine's score for one domain as JSON, plus the verdict counts."""
    counts = Counter(r.status.value for r in results.values())
    out: dict[str, Any] = {"counts": dict(sorted(counts.items()))}
    try:
        from domeinwacht.policy.scoring import score_domain
    except ImportError:
        return out
    value = score_domain(results, profile)  # type: ignore[call-arg,arg-type]
    jsonable = value.to_json() if hasattr(value, "to_json") else to_jsonable(value)
    if isinstance(jsonable, dict):
        out.update(jsonable)
    else:
        out["score"] = jsonable
    return out


def make_evaluator(profile: str, observed_at: datetime, options: ScanOptions) -> Evaluator:
    ctx = context(profile, observed_at, options)

    def evaluate(observed: DomainObservations) -> Evaluation:
        results = evaluate_domain(observed, ctx)
        return Evaluation(results, score(profile, observed.domain, results))

    return evaluate
