"""Backends run a planned measurement: ``local`` in this process (``scan/backends/local.py``), ``celery`` on
workers (scale-out, ``web/measurements/celery_backend.py``: Celery lives in the Django app it serves).

Both drive the same executor and store through the same ``Store`` (implemented by the measurements app over the
database), so they give the same results; they differ only in where ``Store.run`` is called.

    store = DjangoStore(measurement)
    get_backend("local").run(store, progress=bar.advance)   # web/measurements/backends.py
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from domeinwacht.scan.executor import Progress, RunStats
from domeinwacht.scan.planner import Target


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
