"""The executor: observe and evaluate a stream of targets with bounded memory, and hand results to a sink in batches.

    stats = run_targets(targets, options, evaluator, sink, ExecutorSettings(batch_size=200))

* Targets are pulled from the iterable only when there is room: at most ``max_in_flight`` targets are being
  observed at once, and at most ``batch_size`` finished outcomes wait for the sink. Memory therefore does not grow
  with the number of targets (the shared-probe cache is bounded too, see ``ScanEnv``).
* Connections are limited by the ``ScanEnv`` the observers use: ``global_concurrency`` in total and
  ``per_ip_concurrency`` / ``mail_per_server_concurrency`` per address.
* Each target has a deadline: ``observe_domain`` stops its observers at ``ScanOptions.target_timeout``; an
  observer that ignores cancellation is abandoned ``grace_seconds`` later and its areas say ``error``.
* The sink receives outcomes every ``batch_size`` targets or every ``flush_seconds``, whichever comes first. A
  target counts as done once the sink has stored it; a crash loses at most the batch not yet written, which a
  resumed run measures again (the sink is the only judge of what is done).

The executor knows nothing of Django: persistence goes through the ``Sink`` protocol.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from domeinwacht.checks.result import CheckResult
from domeinwacht.scan.env import ScanEnv, ScanOptions
from domeinwacht.scan.planner import Target
from domeinwacht.scan.single import GROUPS, DomainObservations, observe_domain, selected_observers

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The verdicts for one target under one profile, and its score (whatever the policy engine returns)."""

    results: Mapping[str, CheckResult]
    score: Any = None


@dataclass(frozen=True, slots=True)
class TargetOutcome:
    """One finished target: what was observed, what the checks said, how long it took."""

    target: Target
    observed: DomainObservations
    evaluation: Evaluation
    seconds: float


Evaluator = Callable[[DomainObservations], Evaluation]
Progress = Callable[[int], None]


class Sink(Protocol):
    """Where finished targets go (the measurements app writes them to the database in one transaction)."""

    def write(self, outcomes: Sequence[TargetOutcome]) -> None: ...


@dataclass(frozen=True, slots=True)
class ExecutorSettings:
    """How the executor paces itself.

    Attributes:
        groups: observer groups to run ("web", "mail").
        max_in_flight: targets observed at once.
        batch_size: outcomes per sink write.
        flush_seconds: longest time a finished outcome waits for the sink.
        grace_seconds: how long past ``target_timeout`` an unresponsive target is awaited before it is abandoned.
        max_shared_probes: finished shared probes kept for reuse (least recently used dropped first). What is
            shared across domains (an MX host, a hosting address's TLS parameters) is asked for again and again
            and stays; a finished domain's own probes (HTTP responses of up to 64 KiB) go.
    """

    groups: tuple[str, ...] = GROUPS
    max_in_flight: int = 64
    batch_size: int = 200
    flush_seconds: float = 2.0
    grace_seconds: float = 5.0
    max_shared_probes: int = 2_000


@dataclass
class RunStats:
    """What a run did: targets stored, targets with an observer failure, seconds, the env's counters."""

    done: int = 0
    with_failures: int = 0
    seconds: float = 0.0
    counters: dict[str, int] = field(default_factory=dict)


def _abandoned(domain: str, groups: tuple[str, ...], timeout: float) -> DomainObservations:
    reason = f"target did not finish within its deadline of {timeout:g}s"
    areas = {area for entry in selected_observers(groups) for area in entry.produces}
    return DomainObservations(domain, frozenset(groups), {}, dict.fromkeys(sorted(areas), reason))


async def observe_and_evaluate(
    target: Target, env: ScanEnv, evaluator: Evaluator, settings: ExecutorSettings
) -> TargetOutcome:
    """One target, under its deadline (``target_timeout``, plus ``grace_seconds`` for observers that hang)."""
    t0 = time.monotonic()
    deadline = env.options.target_timeout + settings.grace_seconds
    try:
        observed = await asyncio.wait_for(observe_domain(target.domain, env, settings.groups), deadline)
    except TimeoutError:
        observed = _abandoned(target.domain, settings.groups, env.options.target_timeout)
    return TargetOutcome(target, observed, evaluator(observed), time.monotonic() - t0)


def run_targets(
    targets: Iterable[Target],
    options: ScanOptions,
    evaluator: Evaluator,
    sink: Sink,
    *,
    settings: ExecutorSettings = ExecutorSettings(),
    progress: Progress | None = None,
    probe_loop: ProbeLoop | None = None,
) -> RunStats:
    """Observe, evaluate and store every target of ``targets`` (see the module docstring).

    The probes run on an event loop in a background thread; this (the calling) thread pulls targets from the
    iterable and writes batches to the sink, so a database sink never blocks the probes and never runs inside
    the event loop (Django's ORM is synchronous). ``probe_loop``: run on that (kept) loop and environment instead
    of a fresh one, so shared probes are reused across calls (a worker's batches).
    """
    if settings.max_in_flight < 1 or settings.batch_size < 1:
        raise ValueError("max_in_flight and batch_size must be at least 1")
    started = time.monotonic()
    stats = RunStats()
    owned = probe_loop is None
    probes = probe_loop if probe_loop is not None else ProbeLoop(options, settings.max_shared_probes)
    loop, env = probes.loop, probes.env
    counted_before = probes.counters()
    finished: queue.SimpleQueue[Future[TargetOutcome]] = queue.SimpleQueue()
    in_flight: set[Future[TargetOutcome]] = set()
    buffer: list[TargetOutcome] = []
    last_flush = time.monotonic()

    def flush() -> None:
        nonlocal last_flush
        if buffer:
            sink.write(buffer)
            stats.done += len(buffer)
            stats.with_failures += sum(1 for o in buffer if o.observed.failures)
            if progress is not None:
                progress(len(buffer))
            buffer.clear()
        last_flush = time.monotonic()

    def collect(block: bool) -> None:
        try:
            future = finished.get(timeout=settings.flush_seconds) if block else finished.get_nowait()
        except queue.Empty:
            future = None
        while future is not None:
            in_flight.discard(future)
            buffer.append(future.result())  # an evaluator bug stops the run here, loudly
            try:
                future = finished.get_nowait()
            except queue.Empty:
                future = None
        if len(buffer) >= settings.batch_size or time.monotonic() - last_flush >= settings.flush_seconds:
            flush()

    try:
        for target in targets:
            while len(in_flight) >= settings.max_in_flight:
                collect(block=True)
            future = asyncio.run_coroutine_threadsafe(observe_and_evaluate(target, env, evaluator, settings), loop)
            in_flight.add(future)
            future.add_done_callback(finished.put)
            collect(block=False)
        while in_flight:
            collect(block=True)
        flush()
    finally:
        for future in in_flight:
            future.cancel()
        if owned:
            probes.close(settings.grace_seconds + 5)
    stats.seconds = time.monotonic() - started
    stats.counters = {
        key: value - counted_before.get(key, 0)
        for key, value in probes.counters().items()
        if value != counted_before.get(key, 0)
    }
    return stats


class ProbeLoop:
    """An event loop in a background thread with one ``ScanEnv``: where the probes of a run happen.

    ``run_targets`` makes one per call; a Celery worker keeps one across the batches of a measurement, so a mail
    server shared by domains of different batches is still probed once per worker.
    """

    def __init__(self, options: ScanOptions, max_shared_probes: int = 2_000) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="domeinwacht-probes", daemon=True)
        self.thread.start()

        async def make_env() -> ScanEnv:
            return ScanEnv(options, max_shared=max_shared_probes)

        self.env = asyncio.run_coroutine_threadsafe(make_env(), self.loop).result()

    def counters(self) -> dict[str, int]:
        """A copy of the environment's counters, taken on the loop (probes may still be counting)."""
        if self.loop.is_closed():
            return dict(self.env.counters)

        async def copy() -> dict[str, int]:
            return dict(self.env.counters)

        return asyncio.run_coroutine_threadsafe(copy(), self.loop).result()

    def close(self, timeout: float = 10.0) -> None:
        """Cancel what still runs, stop the loop and its thread."""
        if self.loop.is_closed():
            return
        asyncio.run_coroutine_threadsafe(_settle(), self.loop).result(timeout=timeout)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


async def _settle() -> None:
    """Let cancelled probes unwind before the loop stops."""
    current = asyncio.current_task()
    others = [t for t in asyncio.all_tasks() if t is not current]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)
