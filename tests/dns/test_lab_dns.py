"""The DNS checks against the lab's ground truth: every target's declared dns.* and hygiene.dangling_cname.

Each target is observed once (DNS observer only, through the lab's validating resolver with CD set and the lab
trust anchor); every declared expectation becomes its own test case, named ``<target>-<check id>``.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

from domeinwacht.checks.registry import CheckContext, evaluate
from domeinwacht.checks.result import CheckResult
from domeinwacht.lab.scenario import load
from domeinwacht.scan.env import ScanEnv
from domeinwacht.scan.observe.dns import observe_dns

pytestmark = pytest.mark.lab

DNS_CHECKS = (
    "dns.dnssec.secure",
    "dns.dnssec.algorithms",
    "dns.caa",
    "dns.ns.ipv6",
    "dns.ns.ipv6_reach",
    "dns.ns.ipv4_reach",
    "hygiene.dangling_cname",
)

_SCENARIO = load(os.environ.get("DOMEINWACHT_LAB_SCENARIO") or None)
CASES = [
    (name, check_id)
    for name, target in sorted(_SCENARIO.targets.items())
    for check_id in DNS_CHECKS
    if target.expected(check_id) is not None
]
_RESULTS: dict[str, dict[str, CheckResult]] = {}


def dns_results(lab: Any, name: str) -> dict[str, CheckResult]:
    """Observe ``name`` once per session and evaluate the DNS-area checks."""
    if name not in _RESULTS:

        async def observe() -> dict[str, Any]:
            env = ScanEnv(lab.scan_options())
            return dict(await observe_dns(name, env))

        observations = asyncio.run(observe())
        _RESULTS[name] = evaluate(observations, CheckContext(), only_areas={"dns"})
    return _RESULTS[name]


@pytest.mark.parametrize(("target", "check_id"), CASES, ids=[f"{t}-{c}" for t, c in CASES])
def test_dns_check_matches_the_declared_ground_truth(lab: Any, target: str, check_id: str) -> None:
    expected = lab.target(target).expected(check_id)
    result = dns_results(lab, target)[check_id]
    assert result.status.value in expected, (
        f"{target} {check_id}: got {result.status.value} ({result.summary}), expected {expected}"
    )


def test_a_bogus_target_is_explained_with_the_ds_it_carries(lab: Any) -> None:
    result = dns_results(lab, "bogus-ds.test")["dns.dnssec.secure"]
    assert "matches no DNSKEY of bogus-ds.test." in result.summary


def test_an_expired_target_names_the_expiry_and_now(lab: Any) -> None:
    result = dns_results(lab, "bogus-expired.test")["dns.dnssec.secure"]
    assert " expired " in result.summary
    assert "now " in result.summary
