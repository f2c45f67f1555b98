"""Shared work for one run: each key's work done once, every asker gets its result, finished results kept LRU.

    work: SharedWork[tuple[str, int], Probe] = SharedWork(max_entries=2_000)
    probe = await work.get(("192.0.2.130", 443), lambda: probe_tls(...))

The one implementation behind the shared probes of a scan (``scan.env.ScanEnv.shared``), the resolver's answers
(``net.dns.Resolver``) and the DNSSEC validation memo (``net.dnssec``):

* The work runs in a task of its own and askers wait on it through ``asyncio.shield``: an asker that is
  cancelled (its target's deadline) stops waiting, it does not stop the work the other askers wait for.
* Work that was itself cancelled (with the run or loop that started it) is done again by the next asker.
* At most ``max_entries`` finished results, and with ``weigh`` at most ``max_weight`` in total, are kept; the
  least recently used finished ones go first, and work still running is never dropped.
* ``keep_errors``: whether an exception is kept like a result (a probe that failed has failed for the run) or
  forgotten once its waiters have it (a DNS timeout is asked again by the next asker).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SharedWork(Generic[K, V]):
    """Work shared by key within one run (one event loop); see the module docstring."""

    def __init__(
        self,
        *,
        max_entries: int,
        max_weight: int | None = None,
        weigh: Callable[[V], int] | None = None,
        keep_errors: bool = True,
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self.max_weight = max_weight
        self.keep_errors = keep_errors
        self._weigh = weigh
        self._tasks: dict[K, asyncio.Task[V]] = {}  # least recently used first
        self._weights: dict[K, int] = {}
        self.weight = 0

    def __len__(self) -> int:
        return len(self._tasks)

    def holds(self, key: K) -> bool:
        """Whether ``key``'s work is running or its result is kept (an asker now would not start it)."""
        task = self._tasks.get(key)
        return task is not None and not task.cancelled()

    async def get(self, key: K, work: Callable[[], Awaitable[V]]) -> V:
        """``work()``'s result for ``key``: started by the first asker, shared by every asker until dropped."""
        while True:
            task = self._tasks.get(key)
            if task is None or task.cancelled():
                task = self._start(key, work)
            else:
                self._tasks[key] = self._tasks.pop(key)  # most recently used last
            try:
                return await asyncio.shield(task)
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if task.cancelled() and not (current is not None and current.cancelling()):
                    continue  # the work was cancelled, not this asker: do it again
                raise

    def _start(self, key: K, work: Callable[[], Awaitable[V]]) -> asyncio.Task[V]:
        self._drop(key)
        self._trim(room=1)

        async def run() -> V:
            return await work()

        task = asyncio.ensure_future(run())
        self._tasks[key] = task
        task.add_done_callback(lambda done: self._finished(key, done))
        return task

    def _finished(self, key: K, task: asyncio.Task[V]) -> None:
        if self._tasks.get(key) is not task:
            return  # dropped while running (a cancelled run's work, replaced)
        if task.cancelled():
            return
        if task.exception() is not None:  # retrieved here: a failure nobody waits for is not "never retrieved"
            if not self.keep_errors:
                self._drop(key)
            return
        if self._weigh is not None:
            self._weights[key] = size = self._weigh(task.result())
            self.weight += size
        self._trim()

    def _drop(self, key: K) -> None:
        self._tasks.pop(key, None)
        self.weight -= self._weights.pop(key, 0)

    def _trim(self, room: int = 0) -> None:
        """Drop the least recently used finished entries while over a bound (work still running stays)."""
        while len(self._tasks) + room > self.max_entries or (
            self.max_weight is not None and self.weight > self.max_weight
        ):
            victim = next((k for k, t in self._tasks.items() if t.done()), None)
            if victim is None:
                return
            self._drop(victim)
