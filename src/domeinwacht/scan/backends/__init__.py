"""Backends run a planned measurement: ``local`` in this process, ``celery`` on workers (scale-out).

Both drive the same executor and store through the same ``Store`` (implemented by the measurements app over the
database), so they give the same results; they differ only in where ``Store.run`` is called.

    store = DjangoStore(measurement)
    get_backend("local").run(store, progress=bar.advance)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from domeinwacht.scan.executor import Progress, RunStats
from domeinwacht.scan.planner import Target

BACKENDS = ("local", "celery")


class Store(Protocol):
    """A planned measurement as the backends see it."""

    @property
    def measurement_id(self) -> int: ...

    def total(self) -> int: ...

    def done(self) -> int: ...

    def pending(self, shard: tuple[int, int] | None = None) -> Iterable[Target]: ...

    def start(self) -> None: ...

    def run(self, targets: Iterable[Target], progress: Progress | None = None) -> RunStats: ...

    def run_keys(self, keys: Sequence[int | str]) -> RunStats: ...

    def finish(self) -> None: ...


class Backend(Protocol):
    def run(self, store: Store, *, progress: Progress | None = None, **options: Any) -> RunStats: ...


def get_backend(name: str) -> Backend:
    if name == "local":
        from domeinwacht.scan.backends import local

        return local
    if name == "celery":
        from domeinwacht.scan.backends import celery

        return celery
    raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
