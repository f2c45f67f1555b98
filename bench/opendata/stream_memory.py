"""Peak Python memory of the open-data downloads and the API's largest page, over a register of N domains.

    .venv/bin/python bench/opendata/stream_memory.py --domains 50000

Builds a throw-away SQLite register in a temporary data directory (N domains, N/10 organisations, one host per
domain), then fetches /data/domains.{csv,json,xlsx} and /api/v1/domains?limit=1000 through Django's test client,
consuming streamed bodies chunk by chunk, and prints bytes, seconds and the tracemalloc peak of each.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--domains", type=int, default=50_000)
    parser.add_argument("--no-trace", action="store_true", help="time without tracemalloc (which slows Python)")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="dw-opendata-bench-")
    os.environ["DOMEINWACHT_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "domeinwacht.web.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from domeinwacht.web.register.models import Domain, Host, Organisation

    call_command("migrate", verbosity=0)
    orgs = Organisation.objects.bulk_create(
        Organisation(slug=f"org-{i}", name=f"Organisatie {i}", type="gemeente") for i in range(args.domains // 10)
    )
    Domain.objects.bulk_create(
        (Domain(name=f"domein{i}.nl", owner=orgs[i % len(orgs)]) for i in range(args.domains)), batch_size=5000
    )
    ids = dict(Domain.objects.values_list("name", "pk"))
    Host.objects.bulk_create(
        (Host(name=f"www.domein{i}.nl", domain_id=ids[f"domein{i}.nl"]) for i in range(args.domains)),
        batch_size=5000,
    )
    client = Client(HTTP_HOST="localhost")
    print(f"{args.domains} domains, SQLite, Python {sys.version.split()[0]}")
    print(f"{'request':<34} {'status':>6} {'bytes':>12} {'seconds':>8} {'peak MiB':>9}")
    for url in ("/data/domains.csv", "/data/domains.json", "/data/domains.xlsx", "/api/v1/domains?limit=1000"):
        if not args.no_trace:
            tracemalloc.start()
        started = time.perf_counter()
        response = client.get(url)
        size = 0
        if response.streaming:
            for chunk in response.streaming_content:
                size += len(chunk)
        else:
            size = len(response.content)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if tracemalloc.is_tracing() else float("nan")
        tracemalloc.stop()
        print(f"{url:<34} {response.status_code:>6} {size:>12,} {seconds:>8.2f} {peak:>9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
