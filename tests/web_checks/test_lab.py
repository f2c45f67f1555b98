"""The web observer and the web checks against the lab's declared ground truth (web.* ids of this engineer:
not web.tls.*, web.cert.* or web.rpki.*, which have their own tests). Needs the lab (root; the ``lab`` fixture).

Every web target of the scenario is observed once (concurrently, one run), then each target's verdicts are
compared with its ``expect``. Ids the target lists as ``undeclared`` (left open on purpose) are not compared.
"""

from __future__ import annotations

import asyncio
import fnmatch
import os
from typing import Any

import pytest

from domeinwacht.checks.registry import CheckContext, evaluate
from domeinwacht.lab.scenario import load
from domeinwacht.scan.env import ScanEnv
from domeinwacht.scan.observe.web import observe_web

pytestmark = pytest.mark.lab

SCENARIO = load(os.environ.get("DOMEINWACHT_LAB_SCENARIO") or None)
WEB_TARGETS = sorted(name for name, target in SCENARIO.targets.items() if target.kind in ("web", "both"))
OTHER_ENGINEERS = ("web.tls.", "web.cert.", "web.rpki.")
PROFILES = ("ncsc-2025-05", "ncsc-2.1.1")


def ours(check_id: str) -> bool:
    return check_id.startswith("web.") and not check_id.startswith(OTHER_ENGINEERS)


@pytest.fixture(scope="module")
def verdicts(lab: Any) -> dict[str, dict[str, Any]]:
    """target -> profile -> {check id: CheckResult}, from one observation run over every web target."""

    async def run() -> dict[str, Any]:
        env = ScanEnv(lab.scan_options())
        gate = asyncio.Semaphore(8)

        async def one(name: str) -> tuple[str, Any]:
            async with gate:
                return name, await observe_web(name, env)

        return dict(await asyncio.gather(*(one(name) for name in WEB_TARGETS)))

    observed = asyncio.run(run())
    return {
        name: {
            profile: evaluate(bag, CheckContext(profile=profile), only_areas={"web", "web_tls"}) for profile in PROFILES
        }
        for name, bag in observed.items()
    }


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", WEB_TARGETS)
def test_web_verdicts_match_the_declared_ground_truth(verdicts, lab, name, profile):
    target = lab.target(name)
    open_ids = list(target.spec.undeclared)
    wrong = {}
    compared = 0
    for check_id, expected in target.expectations(profile).items():
        if not ours(check_id) or any(fnmatch.fnmatch(check_id, pattern) for pattern in open_ids):
            continue
        compared += 1
        result = verdicts[name][profile].get(check_id)
        got = result.status.value if result is not None else "missing"
        if got not in expected:
            wrong[check_id] = (got, expected, result.summary if result is not None else "")
    assert compared, f"{name} declares none of the web checks"
    assert not wrong, wrong


def test_every_web_check_has_a_passing_and_a_non_passing_lab_target(verdicts):
    ids = {cid for per in verdicts.values() for cid in per["ncsc-2025-05"] if ours(cid)}
    for check_id in sorted(ids):
        statuses = {
            per["ncsc-2025-05"][check_id].status.value for per in verdicts.values() if check_id in per["ncsc-2025-05"]
        }
        assert "pass" in statuses, check_id
        assert statuses - {"pass"}, check_id
