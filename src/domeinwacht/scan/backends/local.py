"""The in-process backend: every pending target measured here, then the measurement finished."""

from __future__ import annotations

from typing import Any

from domeinwacht.scan.backends import Store
from domeinwacht.scan.executor import Progress, RunStats


def run(store: Store, *, progress: Progress | None = None, **options: Any) -> RunStats:
    store.start()
    stats = store.run(store.pending(), progress)
    store.finish()
    return stats
