"""The local backend: every pending target measured on this machine, then the measurement finished.

One process by default. ``workers=N`` (``domeinwacht measure --workers N``) uses N processes, one per core: this
process starts N workers (``domeinwacht measure --resume ID --shard i/N``), each measuring the pending targets whose
plan position is ``i`` modulo ``N`` with its own event loop and shared-probe cache, and writing to the same
database; this process shows progress from the stored results and finishes the measurement when every worker has
ended well. A worker that fails leaves the measurement unfinished and resumable; nothing stored is lost.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from domeinwacht.scan.backends import Store
from domeinwacht.scan.executor import Progress, RunStats


class LocalRunError(RuntimeError):
    """A worker process of a multi-process local run failed (the measurement stays resumable)."""


def run(store: Store, *, progress: Progress | None = None, workers: int = 1, **options: Any) -> RunStats:
    if workers < 1:
        raise ValueError("workers must be at least 1")
    store.start()
    if workers == 1:
        stats = store.run(store.pending(), progress)
    else:
        stats = _run_workers(store, workers, progress, options.get("poll_seconds", 0.5))
    store.finish()
    return stats


def run_shard(store: Store, shard: tuple[int, int], progress: Progress | None = None) -> RunStats:
    """One worker of a multi-process run: the pending targets of ``shard`` (no start, no finish)."""
    return store.run(store.pending(shard), progress)


def _run_workers(store: Store, workers: int, progress: Progress | None, poll_seconds: float) -> RunStats:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="domeinwacht-workers-") as tmp:
        stats_files = [Path(tmp) / f"shard-{i}.json" for i in range(workers)]
        logs = [(Path(tmp) / f"shard-{i}.log").open("wb") for i in range(workers)]
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "domeinwacht",
                    "measure",
                    "--resume",
                    str(store.measurement_id),
                    "--shard",
                    f"{i}/{workers}",
                    "--no-progress",
                    "--stats",
                    str(stats_files[i]),
                ],
                env=dict(os.environ),
                stdout=subprocess.DEVNULL,
                stderr=logs[i],
            )
            for i in range(workers)
        ]
        seen = store.done()
        try:
            while any(p.poll() is None for p in procs):
                time.sleep(poll_seconds)
                now_done = store.done()
                if progress is not None and now_done != seen:
                    progress(now_done - seen)
                seen = now_done
        finally:
            for p in procs:
                if p.poll() is None:
                    p.terminate()
                    p.wait()
            for log in logs:
                log.close()
        failed = [(i, p) for i, p in enumerate(procs) if p.returncode != 0]
        if failed:
            i, p = failed[0]
            tail = (Path(tmp) / f"shard-{i}.log").read_text(errors="replace").strip().splitlines()[-3:]
            raise LocalRunError(
                f"worker {i}/{workers} exited with {p.returncode}: {' | '.join(tail) or 'no output'} "
                "(`domeinwacht measure --resume` continues the measurement)"
            )
        now_done = store.done()
        if progress is not None and now_done != seen:
            progress(now_done - seen)
        stats = RunStats(seconds=time.monotonic() - started)
        for path in stats_files:
            figures = json.loads(path.read_text(encoding="utf-8"))
            stats.done += int(figures["domains"])
            stats.with_failures += int(figures["with_failures"])
            for key, value in figures["counters"].items():
                stats.counters[key] = stats.counters.get(key, 0) + int(value)
    return stats
