"""The executor: bounded in-flight targets and batches, shared probes once, deadlines, batched sink writes."""

from __future__ import annotations

import asyncio

import pytest

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.scan.env import ScanEnv
from domeinwacht.scan.executor import Evaluation, ExecutorSettings, run_targets
from domeinwacht.scan.planner import Target
from domeinwacht.scan.single import evaluate_domain


class ListSink:
    def __init__(self):
        self.batches = []

    def write(self, outcomes):
        self.batches.append(list(outcomes))

    @property
    def outcomes(self):
        return [o for batch in self.batches for o in batch]


def evaluator(observed):
    return Evaluation(evaluate_domain(observed, CheckContext()), None)


def targets(n, prefix="d"):
    return [Target(i, f"{prefix}{i}.example.nl") for i in range(n)]


def test_every_target_reaches_the_sink_once(fakescan, options, settings_fake):
    sink = ListSink()
    stats = run_targets(targets(95), options, evaluator, sink, settings=settings_fake)
    assert sorted(o.target.key for o in sink.outcomes) == list(range(95))
    assert stats.done == 95


def test_sink_writes_come_in_batches(fakescan, options, settings_fake):
    sink = ListSink()
    run_targets(targets(95), options, evaluator, sink, settings=settings_fake)
    assert len(sink.batches) >= 95 // (settings_fake.batch_size + settings_fake.max_in_flight)
    assert all(len(b) < settings_fake.batch_size + settings_fake.max_in_flight for b in sink.batches)


def test_targets_are_pulled_only_as_room_frees_up(fakescan, options, settings_fake):
    pulled = 0
    lag = []

    def stream():
        nonlocal pulled
        for target in targets(200):
            pulled += 1
            yield target

    class LagSink(ListSink):
        def write(self, outcomes):
            super().write(outcomes)
            lag.append(pulled - len(self.outcomes))

    run_targets(stream(), options, evaluator, LagSink(), settings=settings_fake)
    assert max(lag) <= settings_fake.max_in_flight


def test_a_shared_probe_runs_once_for_all_targets(fakescan, options, settings_fake):
    stats = run_targets(targets(60), options, evaluator, ListSink(), settings=settings_fake)
    assert stats.counters["fake.mx_probes"] == 3
    assert stats.counters["shared.reused"] == 57


def test_checks_run_on_the_observations(fakescan, options, settings_fake):
    sink = ListSink()
    run_targets([Target(1, "ab.nl")], options, evaluator, sink, settings=settings_fake)
    assert sink.outcomes[0].evaluation.results["test.fake.even"].status is Status.FAIL


def test_a_hanging_target_ends_at_its_deadline_with_errors(fakescan, settings_fake):
    from domeinwacht.scan.env import ScanOptions

    options = ScanOptions(resolver=("127.0.0.1:9",), target_timeout=0.2)
    sink = ListSink()
    run_targets([Target(1, "hang-1.nl"), Target(2, "ok.nl")], options, evaluator, sink, settings=settings_fake)
    hung = next(o for o in sink.outcomes if o.target.key == 1)
    assert hung.evaluation.results["test.fake.even"].status is Status.ERROR
    assert "0.2s" in hung.observed.failures["fake"]


def test_a_crashing_observer_does_not_stop_the_run(fakescan, options, settings_fake):
    sink = ListSink()
    stats = run_targets([Target(1, "crash-1.nl"), Target(2, "ok.nl")], options, evaluator, sink, settings=settings_fake)
    assert stats.done == 2 and stats.with_failures == 1


def test_the_shared_cache_keeps_at_most_max_shared_finished_probes():
    async def main():
        env = ScanEnv(max_shared=5)

        async def value(i):
            return i

        for i in range(20):
            await env.shared(("k", i), lambda i=i: value(i))
        return env

    env = asyncio.run(main())
    assert len(env._per_name) == 5


def test_per_address_probes_are_not_pushed_out_by_per_name_ones():
    """A hosting address's TLS probe outlives thousands of domains' HTTP responses in the shared cache."""
    runs = []

    async def main():
        env = ScanEnv(max_shared=5)

        async def probe(key):
            runs.append(key)
            return key

        await env.shared(("tls-endpoint", "192.0.2.130", 443, "web"), lambda: probe("endpoint"))
        for i in range(50):
            await env.shared(("http", "192.0.2.130", f"n{i}.test", 443, "/"), lambda i=i: probe(i))
        await env.shared(("tls-endpoint", "192.0.2.130", 443, "web"), lambda: probe("endpoint"))
        return env

    env = asyncio.run(main())
    assert runs.count("endpoint") == 1
    assert len(env._per_name) == 5


def test_invalid_settings_are_refused(options):
    with pytest.raises(ValueError, match="at least 1"):
        run_targets([], options, evaluator, ListSink(), settings=ExecutorSettings(batch_size=0))


def test_a_kept_probe_loop_shares_probes_across_runs(fakescan, options, settings_fake):
    from domeinwacht.scan.executor import ProbeLoop

    probes = ProbeLoop(options)
    try:
        first = run_targets(targets(30), options, evaluator, ListSink(), settings=settings_fake, probe_loop=probes)
        second = run_targets(
            targets(30, "e"), options, evaluator, ListSink(), settings=settings_fake, probe_loop=probes
        )
    finally:
        probes.close()
    assert first.counters["fake.mx_probes"] == 3
    assert "fake.mx_probes" not in second.counters


def test_a_shared_probe_cancelled_with_its_run_is_asked_again():
    calls = []

    async def main():
        env = ScanEnv()

        started = asyncio.Event()

        async def first_stuck_then_fresh():
            calls.append(1)
            started.set()
            if len(calls) == 1:
                await asyncio.Event().wait()
            return "fresh"

        waiter = asyncio.ensure_future(env.shared(("k",), first_stuck_then_fresh))
        await started.wait()
        env._per_name._tasks[("k",)].cancel()
        return await asyncio.wait_for(waiter, 5), await env.shared(("k",), first_stuck_then_fresh)

    assert asyncio.run(main()) == ("fresh", "fresh")
    assert len(calls) == 2
