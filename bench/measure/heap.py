"""Where the memory of a long run goes: tracemalloc and live-object counts every K domains.

    sudo .venv/bin/python bench/measure/heap.py --count 1000 --every 250      # the lab must be up (bench scenario)

Runs the executor in this process over ``bench-NNNNN.test`` (web + mail, evaluation included, results thrown
away — no database), and after every ``--every`` stored domains prints the RSS, the Python objects whose count grew
most since the previous snapshot, and the allocation sites (tracemalloc, 8 frames) that grew most. A run whose
memory is flat in N shows neither growing.
"""

from __future__ import annotations

import argparse
import collections
import gc
import resource
import sys
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]


def rss_mib() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def type_counts() -> collections.Counter[str]:
    return collections.Counter(type(o).__qualname__ for o in gc.get_objects())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--every", type=int, default=250)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--no-tracemalloc", action="store_true", help="object counts and RSS only (faster)")
    parser.add_argument("--cprofile", type=Path, help="also profile the probe thread (cProfile) into this file")
    args = parser.parse_args()

    from domeinwacht import lab
    from domeinwacht.scan.executor import Evaluation, ExecutorSettings, ProbeLoop, TargetOutcome, run_targets
    from domeinwacht.scan.planner import Target
    from domeinwacht.scan.single import check_context, evaluate_domain

    options = lab.scan_options()
    ctx = check_context(options)
    if not args.no_tracemalloc:
        tracemalloc.start(8)
    state: dict[str, Any] = {"done": 0, "snap": None, "types": type_counts()}

    def report() -> None:
        gc.collect()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\n=== {state['done']} domains: RSS {rss_mib():.0f} MiB (peak {peak:.0f})")
        types = type_counts()
        grown = (types - state["types"]).most_common(args.top)
        print("objects grown:", ", ".join(f"{name} +{n}" for name, n in grown))
        state["types"] = types
        if not args.no_tracemalloc:
            snap = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
            if state["snap"] is not None:
                for stat in snap.compare_to(state["snap"], "traceback")[: args.top]:
                    if stat.size_diff <= 0:
                        continue
                    frames = " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in stat.traceback[:5])
                    print(f"  +{stat.size_diff / 1024:8.0f} KiB  {stat.count_diff:+7d}  {frames}")
            state["snap"] = snap
        sys.stdout.flush()

    class Sink:
        def write(self, outcomes: Sequence[TargetOutcome]) -> None:
            before = state["done"]
            state["done"] += len(outcomes)
            if state["done"] // args.every != before // args.every:
                report()

    def evaluator(observed: Any) -> Evaluation:
        return Evaluation(evaluate_domain(observed, ctx))

    targets = (Target(i, f"bench-{i:05d}.test") for i in range(1, args.count + 1))
    settings = ExecutorSettings(batch_size=50)
    probes = ProbeLoop(options, settings.max_shared_probes)
    profiler = None
    if args.cprofile is not None:
        import cProfile

        profiler = cProfile.Profile()
        probes.loop.call_soon_threadsafe(profiler.enable)  # the probes and the evaluation run on that thread
    stats = run_targets(targets, options, evaluator, Sink(), settings=settings, probe_loop=probes)
    if profiler is not None:
        import asyncio

        async def stop() -> None:
            profiler.disable()

        asyncio.run_coroutine_threadsafe(stop(), probes.loop).result()
        profiler.dump_stats(args.cprofile)
    probes.close()
    report()
    print(f"\n{stats.done} domains in {stats.seconds:.0f}s")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT / "src"))
    raise SystemExit(main())
