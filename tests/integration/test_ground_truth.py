"""End to end: every target of the default lab scenario, every check, both TLS profiles, against ground truth.

The lab is scanned ONCE (every observer, every target) and the stored observations are evaluated under both NCSC
profiles — which also shows that re-evaluation needs no rescan. One test per target and profile lists every
check whose verdict differs from what the scenario declares.
"""

from __future__ import annotations

import asyncio
from fnmatch import fnmatchcase

import pytest

from domeinwacht.checks.registry import TLS_PROFILES, registered
from domeinwacht.lab.scenario import load
from domeinwacht.scan.env import ScanEnv
from domeinwacht.scan.observe import dump_observations, load_observations
from domeinwacht.scan.single import DomainObservations, check_context, evaluate_domain, observe_domain

pytestmark = pytest.mark.lab

SCENARIO = load(None)
GROUPS = {"web": {"web"}, "mail": {"mail"}}


@pytest.fixture(scope="module")
def observed(lab) -> dict[str, DomainObservations]:
    async def scan() -> dict[str, DomainObservations]:
        env = ScanEnv(lab.scan_options())
        targets = list(SCENARIO.targets.values())
        results = await asyncio.gather(
            *(observe_domain(t.name, env, GROUPS.get(t.kind, {"web", "mail"})) for t in targets)
        )
        return {t.name: r for t, r in zip(targets, results, strict=True)}

    return asyncio.run(scan())


@pytest.mark.parametrize("profile", TLS_PROFILES)
@pytest.mark.parametrize("target", sorted(SCENARIO.targets))
def test_every_declared_verdict_matches_the_scan(lab, observed, target, profile):
    spec = SCENARIO.targets[target]
    results = evaluate_domain(observed[target], check_context(lab.scan_options(), profile))
    wrong = []
    for check_id, acceptable in sorted(spec.expectations(profile).items()):
        if any(fnmatchcase(check_id, pattern) for pattern in spec.undeclared):
            continue  # the scenario leaves it open on purpose, and says why
        result = results.get(check_id)
        got = result.status.value if result else "missing"
        if got not in acceptable:
            summary = result.summary if result else "no result"
            wrong.append(f"{check_id}: expected {'|'.join(acceptable)}, got {got} — {summary}")
    assert not wrong, f"{target} ({spec.purpose}) under {profile}:\n  " + "\n  ".join(wrong)


def test_stored_observations_evaluate_like_fresh_ones(lab, observed):
    green = observed["green.test"]
    stored = load_observations(dump_observations(green.areas))
    reloaded = DomainObservations(green.domain, green.groups, stored, green.failures)
    ctx = check_context(lab.scan_options(), "ncsc-2025-05")
    assert evaluate_domain(reloaded, ctx) == evaluate_domain(green, ctx)


@pytest.mark.parametrize("profile", TLS_PROFILES)
def test_every_check_has_a_passing_and_a_failing_lab_target(profile):
    # No exception list: where no Debian server can show a behaviour (TLS compression), a scripted server does.
    seen: dict[str, set[str]] = {}
    for spec in SCENARIO.targets.values():
        for check_id, acceptable in spec.expectations(profile).items():
            if len(acceptable) == 1 and not any(fnmatchcase(check_id, p) for p in spec.undeclared):
                seen.setdefault(check_id, set()).add(acceptable[0])
    missing = []
    for check_id in sorted(registered()):
        statuses = seen.get(check_id, set())
        if "pass" not in statuses:
            missing.append(f"{check_id}: no target where it passes")
        if not statuses - {"pass", "not_applicable"}:
            missing.append(f"{check_id}: no target where it does not pass")
    assert not missing, "\n".join(missing)
