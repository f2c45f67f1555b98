"""Seed the configured database (DATABASE_URL, PostgreSQL for the bench) for bench/web: the organisation register
from ../shared/data/organisaties, register domains topped up to --domains (extra ``bench-NNNNN.nl`` names owned
round-robin by the municipalities), and two finished measurements of every domain with seeded verdicts for every
web and mail check (the second one with ~10 % of the verdicts changed), stored through the real sink and scoring.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/domeinwacht_bench_web .venv/bin/python bench/web/seed.py
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATUSES = ("pass", "pass", "pass", "pass", "fail", "warning", "info", "not_applicable")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--domains", type=int, default=10_000)
    parser.add_argument("--organisations", type=Path, default=ROOT.parent / "shared" / "data" / "organisaties")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from domeinwacht.cli import main as cli

    started = time.monotonic()
    if cli(["register", "import-orgs", str(args.organisations)]) != 0:
        return 2
    from domeinwacht.web.django_setup import setup

    setup()
    from domeinwacht.checks.result import CheckResult, Status
    from domeinwacht.lab.scenario import KIND_CHECKS
    from domeinwacht.scan.env import ScanOptions
    from domeinwacht.scan.executor import Evaluation, TargetOutcome
    from domeinwacht.scan.single import DomainObservations
    from domeinwacht.web.measurements import service
    from domeinwacht.web.measurements.evaluation import score
    from domeinwacht.web.measurements.sink import DatabaseSink
    from domeinwacht.web.register.models import Domain, Organisation

    municipalities = list(Organisation.objects.filter(type="gemeente", valid_until__isnull=True).order_by("slug"))
    have = Domain.objects.count()
    extra = [
        Domain(name=f"bench-{i:05d}.nl", owner=municipalities[i % len(municipalities)], source="bench/web/seed.py")
        for i in range(max(0, args.domains - have))
    ]
    Domain.objects.bulk_create(extra, batch_size=2000)
    domains = list(Domain.objects.select_related("owner").order_by("name")[: args.domains])
    print(f"register: {Organisation.objects.count()} organisations, {len(domains)} domains", flush=True)

    checks = KIND_CHECKS["both"]
    rng = random.Random(args.seed)
    verdicts = {d.name: {cid: rng.choice(STATUSES) for cid in checks} for d in domains}
    specs = [service.TargetSpec(d.name, d.owner_id, d.owner.name, d.owner.type) for d in domains]
    for index, name in enumerate(("bench-web-2026-1", "bench-web-2026-2")):
        if index:  # the second measurement: some verdicts changed (fixed or regressed)
            for per_domain in verdicts.values():
                for cid in rng.sample(checks, k=max(1, len(checks) // 10)):
                    per_domain[cid] = rng.choice(STATUSES)
        measurement = service.create_measurement(
            name=name, profile="nl-ptolu-2025", targets=specs, options=ScanOptions(resolver=("127.0.0.1:9",))
        )
        observed_at = datetime.now(UTC) - timedelta(days=180 * (1 - index))
        service.mark_running(measurement)
        keys = {t.domain: t for t in service.pending_targets(measurement)}
        sink = DatabaseSink(measurement)
        batch = []
        for domain in domains:
            results = {
                cid: CheckResult(cid, Status(s), f"{cid} {s}", {"ip": "192.0.2.1"}, None if s == "pass" else "fix it")
                for cid, s in verdicts[domain.name].items()
            }
            observed = DomainObservations(domain.name, frozenset({"web", "mail"}), {}, {})
            evaluation = Evaluation(results, score("nl-ptolu-2025", results, observed_at))
            batch.append(TargetOutcome(keys[domain.name], observed, evaluation, 0.1))
            if len(batch) == 500:
                sink.write(batch)
                batch = []
        if batch:
            sink.write(batch)
        service.finish(measurement)
        print(f"{name}: {len(domains)} domains, {len(checks)} checks each ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
