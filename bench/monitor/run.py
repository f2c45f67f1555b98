"""Monitoring bench: deriving findings from two synthetic N-domain measurements, time and peak RSS per N.

    .venv/bin/python bench/monitor/run.py --sizes 2000 5000 10000 [--out DIR]

For each N, in a fresh SQLite database (under ``--out``):

1. builds two finished measurements of the same selection with the measurement models (``Measurement``,
   ``Target``, ``Result``, ``CheckOutcome``) — synthetic stored results, no scan: 30 checks per domain, of which
   the 20 the profile scores fail with probability 15 % in the first measurement (the stored score lists them
   as findings: 10 high, 10 medium), and each verdict flips with probability 10 % in the second; one
   organisation with a security contact per 10 domains. Seeded: the same N gives the same data.
2. runs ``domeinwacht monitor derive`` on the first, then on the second, each in its own process, and records
   wall seconds and the peak RSS of that process (``wait4``). Default thresholds (open after 2, close after 2):
   the first derivation records pending tracks, the second opens, fixes and queues the alerts.

Nothing touches the network. Prints a Markdown table and writes ``results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]
CHECKS = [f"web.bench_high_{i}" for i in range(10)] + [f"web.bench_medium_{i}" for i in range(10)]
PASSING_ONLY = [f"web.bench_other_{i}" for i in range(10)]
FAIL_P = 0.15
FLIP_P = 0.10
BATCH = 2000


def build(n: int, seed: int = 11) -> None:
    """Two finished measurements of ``n`` domains (see the module docstring); runs inside Django."""
    from domeinwacht.web.measurements.models import CheckOutcome, Measurement, Result, Status, Target
    from domeinwacht.web.register.models import Contact, Organisation

    rng = random.Random(seed)
    orgs = Organisation.objects.bulk_create(
        Organisation(slug=f"bench-{i}", name=f"Bench {i}", type="gemeente") for i in range(max(1, n // 10))
    )
    Contact.objects.bulk_create(
        Contact(organisation=o, email=f"csirt@bench-{o.pk}.example.nl", role="security") for o in orgs
    )
    failing = [{c for c in CHECKS if rng.random() < FAIL_P} for _ in range(n)]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for round_ in (1, 2):
        if round_ == 2:
            failing = [{c for c in CHECKS if (c in f) != (rng.random() < FLIP_P)} for f in failing]
        m = Measurement.objects.create(
            name=f"bench-{n}-{round_}",
            profile="nl-wdo",
            selection={"bench": n},
            observed_at=start + timedelta(days=30 * round_),
            status=Status.RUNNING,
            target_count=n,
        )
        for lo in range(0, n, BATCH):
            hi = min(n, lo + BATCH)
            targets = Target.objects.bulk_create(
                Target(
                    measurement=m,
                    position=i,
                    domain=f"bench-{i:05d}.example.nl",
                    organisation=orgs[i % len(orgs)],
                    organisation_name=orgs[i % len(orgs)].name,
                    organisation_type="gemeente",
                )
                for i in range(lo, hi)
            )
            results = Result.objects.bulk_create(
                Result(
                    measurement=m,
                    target=t,
                    domain=t.domain,
                    score={
                        "findings": [
                            {"check_id": c, "severity": "high" if "high" in c else "medium"}
                            for c in sorted(failing[t.position])
                        ]
                    },
                )
                for t in targets
            )
            outcomes: list[Any] = []
            for r, t in zip(results, targets, strict=True):
                for c in CHECKS + PASSING_ONLY:
                    bad = c in failing[t.position]
                    outcomes.append(
                        CheckOutcome(
                            measurement=m,
                            result=r,
                            check_id=c,
                            status="fail" if bad else "pass",
                            summary=f"{c} {'fails' if bad else 'passes'}",
                            evidence={"host": t.domain, "ip": "192.0.2.1"},
                            remedy="fix it" if bad else None,
                        )
                    )
            CheckOutcome.objects.bulk_create(outcomes, batch_size=BATCH)
        m.status = Status.FINISHED
        m.done_count = n
        m.finished_at = m.observed_at
        m.save()


def derive(env: dict[str, str], name: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "domeinwacht", "monitor", "derive", name, "--format", "json"]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = process.stdout.read() if process.stdout else b""
    err = process.stderr.read() if process.stderr else b""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"derive {name} failed: {err.decode()[-2000:]}")
    return {"seconds": round(seconds, 2), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1), **json.loads(out)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 5000, 10000])
    parser.add_argument("--out", type=Path, default=None, help="where the databases and results.json go")
    args = parser.parse_args()
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="dw-bench-monitor-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in args.sizes:
        data = out_dir / f"n{n}"
        data.mkdir(exist_ok=True)
        db = data / "db.sqlite3"
        db.unlink(missing_ok=True)
        env = dict(os.environ, DOMEINWACHT_DATA_DIR=str(data), DATABASE_URL=f"sqlite:///{db}")
        build_started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", _BUILD, str(n)],
            env=env,
            check=True,
        )
        built = time.perf_counter() - build_started
        first = derive(env, f"bench-{n}-1")
        second = derive(env, f"bench-{n}-2")
        rows.append({"domains": n, "build_seconds": round(built, 1), "first": first, "second": second})
        print(
            f"N={n}: build {built:.1f}s; derive 1: {first['seconds']}s {first['peak_rss_mib']} MiB; "
            f"derive 2: {second['seconds']}s {second['peak_rss_mib']} MiB {second['events']} {second.get('queued')}",
            flush=True,
        )
    (out_dir / "results.json").write_text(json.dumps(rows, indent=2) + "\n")
    print("\n| domains | derive 1: s | peak RSS MiB | derive 2: s | peak RSS MiB | events (2nd) | queued (2nd) |")
    print("|---:|---:|---:|---:|---:|---|---|")
    for r in rows:
        f, s = r["first"], r["second"]
        events = ", ".join(f"{v} {k}" for k, v in s["events"].items() if v)
        queued = ", ".join(f"{v} {k}" for k, v in (s.get("queued") or {}).items())
        print(
            f"| {r['domains']:,} | {f['seconds']} | {f['peak_rss_mib']} | {s['seconds']} | {s['peak_rss_mib']} "
            f"| {events} | {queued} |"
        )
    print(f"\nresults: {out_dir / 'results.json'}")
    return 0


_BUILD = f"""
import sys
from domeinwacht.web.django_setup import setup
setup()
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
from run import build
build(int(sys.argv[1]))
"""


if __name__ == "__main__":
    sys.exit(main())
