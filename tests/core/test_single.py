"""observe_domain / evaluate_domain: deadlines and observer failures become errors with reasons."""

from __future__ import annotations

import asyncio

import pytest

from domeinwacht.checks import registry
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.scan import observe
from domeinwacht.scan.env import ScanEnv, ScanOptions
from domeinwacht.scan.single import evaluate_domain, observe_domain


@pytest.fixture
def fake_area():
    """A test-only group 'testgroup' with a fast, a slow and a crashing observer, and one check per area."""

    @observe.observer("t_fast", groups=("testgroup",), produces={"t_fast": int})
    async def fast(domain, env):
        return {"t_fast": len(domain)}

    @observe.observer("t_slow", groups=("testgroup",), produces={"t_slow": int})
    async def slow(domain, env):
        await asyncio.sleep(30)
        return {"t_slow": 1}

    @observe.observer("t_crash", groups=("testgroup",), produces={"t_crash": int})
    async def crash(domain, env):
        raise RuntimeError("kaboom")

    for area in ("t_fast", "t_slow", "t_crash"):

        def fn(obs, ctx, area=area):
            return CheckResult(f"test.{area}", Status.PASS, f"saw {obs}")

        check(f"test.{area}", area=area)(fn)
    yield
    for name in ("t_fast", "t_slow", "t_crash"):
        observe._OBSERVERS.pop(name)
        registry._REGISTRY.pop(f"test.{name}")


def _env(timeout: float) -> ScanEnv:
    return ScanEnv(ScanOptions(resolver=("127.0.0.1:9",), target_timeout=timeout))


def test_observers_that_finish_contribute_their_areas(fake_area):
    observed = asyncio.run(observe_domain("example.nl", _env(0.5), ["testgroup"]))
    assert observed.areas == {"t_fast": 10}


def test_an_observer_past_the_deadline_is_reported_not_awaited(fake_area):
    observed = asyncio.run(observe_domain("example.nl", _env(0.2), ["testgroup"]))
    assert "per-target budget of 0.2s" in observed.failures["t_slow"]


def test_a_crashing_observer_is_named_with_its_exception(fake_area):
    observed = asyncio.run(observe_domain("example.nl", _env(0.2), ["testgroup"]))
    assert observed.failures["t_crash"] == "observer t_crash failed: RuntimeError: kaboom"


def test_checks_of_failed_areas_say_error_with_the_reason(fake_area):
    observed = asyncio.run(observe_domain("example.nl", _env(0.2), ["testgroup"]))
    results = evaluate_domain(observed, CheckContext())
    assert results["test.t_fast"].status is Status.PASS
    assert results["test.t_slow"].status is Status.ERROR
    assert results["test.t_crash"].status is Status.ERROR
    assert "kaboom" in results["test.t_crash"].evidence["reason"]


def test_observers_outside_the_requested_groups_do_not_run(fake_area):
    observed = asyncio.run(observe_domain("example.nl", _env(0.2), ["nothing-here"]))
    assert observed.areas == {}
    assert observed.failures == {}


def test_shared_probe_runs_once_for_concurrent_callers():
    calls = 0

    async def probe():
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return "result"

    async def main():
        env = _env(1)
        return await asyncio.gather(*(env.shared(("mx", "192.0.2.25"), probe) for _ in range(50)))

    assert asyncio.run(main()) == ["result"] * 50
    assert calls == 1
