"""Measure `lab up` of a generated bench scenario: wall time, CPU time, memory (run as root).

    .venv/bin/python bench/lab/bringup.py --count 10000 [--cold] [--keep]

--cold clears the lab's signed-zone and certificate caches first (keys stay cached). Prints one JSON line:
wall seconds of `lab up`, its CPU seconds (with its worker processes), its peak RSS, the summed RSS of every
server process in the lab namespace after bring-up, and the in-process phase timings from `lab status`.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--keep", action="store_true", help="leave the lab up afterwards")
    args = parser.parse_args()

    from domeinwacht.lab import generate, manager

    if args.cold:
        for sub in ("zones", "certs"):
            shutil.rmtree(manager.state_dir() / "cache" / sub, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="dwlab-bench-") as tmp:
        scenario = Path(tmp) / "bench.yaml"
        generate.write(generate.bench(args.count, seed=args.seed), scenario)
        manager.down()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "domeinwacht", "lab", "up", "--scenario", str(scenario), "--json"],
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.monotonic() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        status = json.loads(done.stdout)
        result = {
            "domains": args.count,
            "zones": status["zones"],
            "cold": args.cold,
            "wall_s": round(wall, 1),
            "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1),
            "lab_up_peak_rss_mib": round(after.ru_maxrss / 1024),
            # measured by `lab up` itself right after the servers were ready
            "servers_rss_mib": status.get("servers_rss_mib"),
            "phases_s": status["bringup_seconds"],
            # `lab up` returns only after the resolver validated this (last signed) domain end to end
            "validated_before_return": status.get("validated_probe"),
            "load_average": Path("/proc/loadavg").read_text().split()[:3],
        }
        if not args.keep:
            manager.down()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
