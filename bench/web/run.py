"""bench/web: latency (p50/p95) and requests/s of the served site at C concurrent clients.

Starts `domeinwacht serve` (gunicorn, --workers W) on the configured database (seed it first with seed.py), then
for each page: a warm-up, then C clients (asyncio + httpx, one connection each, keep-alive) requesting the page
for D seconds. Reports p50/p95/max latency, requests/s, non-200 answers and the bytes of one response as
transferred (Accept-Encoding: gzip, br). Pages that answer 404 are reported as absent (not built yet).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/domeinwacht_bench_web \\
        .venv/bin/python bench/web/run.py --clients 20 --seconds 20 --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def default_pages() -> dict[str, str]:
    """The pages of bench/web/README.md, with a real organisation and domain from the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "domeinwacht.web.settings")
    import django

    django.setup()
    from domeinwacht.web.register.models import Domain, Organisation

    org = Organisation.objects.filter(type="gemeente", domains__isnull=False).order_by("slug").first()
    domain = Domain.objects.filter(owner=org).order_by("name").first() if org else None
    slug = org.slug if org else "none"
    name = domain.name if domain else "none.nl"
    return {
        "map": "/",
        "organisation page": f"/organisatie/{slug}/",
        "domain page": f"/domein/{name}/",
        "API: organisations (page of 100)": "/api/v1/organisations",
        "API: domains (page of 100)": "/api/v1/domains",
        "API: organisation detail": f"/api/v1/organisations/{slug}",
        "API: lookup": f"/api/v1/lookup?host=www.{name}",
    }


async def _client(http: httpx.AsyncClient, url: str, until: float, latencies: list[float], codes: list[int]) -> None:
    while time.monotonic() < until:
        started = time.perf_counter()
        response = await http.get(url)
        latencies.append(time.perf_counter() - started)
        codes.append(response.status_code)


async def measure(base: str, path: str, clients: int, seconds: float) -> dict[str, object]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Accept-Encoding": "gzip, br"}
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30, headers=headers) as http:
        first = await http.get(path)
        if first.status_code == 404:
            return {"path": path, "absent": True}
        transferred = len(first.content if "content-encoding" not in first.headers else await _raw(base, path))
        for _ in range(clients):  # warm-up: every worker and connection once
            await http.get(path)
        latencies: list[float] = []
        codes: list[int] = []
        started = time.monotonic()
        until = started + seconds
        await asyncio.gather(*(_client(http, path, until, latencies, codes) for _ in range(clients)))
        elapsed = time.monotonic() - started
    ordered = sorted(latencies)
    return {
        "path": path,
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "non_200": sum(1 for c in codes if c != 200),
        "status": first.status_code,
        "bytes_transferred": transferred,
    }


async def _raw(base: str, path: str) -> bytes:
    async with (
        httpx.AsyncClient(base_url=base, timeout=30) as http,
        http.stream("GET", path, headers={"Accept-Encoding": "gzip, br"}) as response,
    ):
        return b"".join([chunk async for chunk in response.aiter_raw()])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "web" / "results.json")
    args = parser.parse_args()

    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DOMEINWACHT_API_ANON_RATE": "",  # 20 clients from one address would be throttled (that is its job)
        "DOMEINWACHT_LOG_LEVEL": "ERROR",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "domeinwacht", "serve", "--port", str(args.port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert server.stdout is not None
        for line in server.stdout:
            if line.startswith("Serving Domeinwacht on "):
                break
            if line.startswith("domeinwacht: error:"):
                print(line.strip(), file=sys.stderr)
                return 2
        subprocess.Popen(["cat"], stdin=server.stdout, stdout=subprocess.DEVNULL)  # keep draining the log
        base = f"http://127.0.0.1:{args.port}"
        results = {}
        for label, path in default_pages().items():
            results[label] = asyncio.run(measure(base, path, args.clients, args.seconds))
            print(label, json.dumps(results[label]), flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"clients": args.clients, "workers": args.workers, "pages": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
