"""Bench note (not a test; run by hand): VRP loading and lookup cost against a naive scan.

    .venv/bin/python tests/rpki/bench_lookup.py [N]

Generates N (default 500,000) synthetic VRPs — 80 % IPv4 /16../24, 20 % IPv6 /24../48, like the real global
set — and a route table of the same size, writes the export as rpki-client JSON, then measures: JSON load,
table build, 10,000 address lookups (covering VRPs + covering routes + RFC 6811 state), and the same lookups
done by scanning a list of ``ipaddress`` networks. Times are CPU seconds of this process (``process_time``), so
that other load on the machine does not inflate them; RSS is read from /proc after loading. The figures are
quoted in the module docstring of ``domeinwacht.net.bgp``.
"""

from __future__ import annotations

import gc
import ipaddress
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from domeinwacht.net.bgp import RpkiTables, load_routes, load_vrps


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def synthetic(n: int, rng: random.Random) -> tuple[list[dict[str, object]], list[str]]:
    roas: list[dict[str, object]] = []
    routes: list[str] = []
    for _ in range(n):
        if rng.random() < 0.8:
            length = rng.randint(16, 24)
            network = ipaddress.IPv4Network((rng.getrandbits(32), length), strict=False)
            max_length = rng.choice([length, length, 24])
        else:
            length = rng.randint(24, 48)
            network = ipaddress.IPv6Network(((0x2 << 124) | rng.getrandbits(124), length), strict=False)
            max_length = rng.choice([length, 48])
        asn = rng.randint(1, 400_000)
        roas.append({"asn": f"AS{asn}", "prefix": str(network), "maxLength": max_length, "ta": "ripe"})
        routes.append(f"{network} {asn if rng.random() < 0.9 else asn + 1}")
    return roas, routes


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    rng = random.Random(6811)
    roas, routes = synthetic(n, rng)
    with tempfile.TemporaryDirectory() as tmp:
        vrp_file = Path(tmp) / "vrps.json"
        vrp_file.write_text(json.dumps({"metadata": {"roas": n}, "roas": roas}))
        route_file = Path(tmp) / "pfx2as.txt"
        route_file.write_text("\n".join(routes) + "\n")
        rss_before = current_rss_mb()
        start = time.process_time()
        vrps = load_vrps(vrp_file)
        vrp_seconds = time.process_time() - start
        start = time.process_time()
        table = load_routes(route_file)
        route_seconds = time.process_time() - start
        gc.collect()
        rss_after = current_rss_mb()
    print(f"{n} VRPs: load {vrp_seconds:.2f} s ({vrps.count} kept); {n} routes: load {route_seconds:.2f} s")
    print(f"resident memory held by both tables: {rss_after - rss_before:.0f} MB")

    probes = []
    for entry in rng.sample(roas, 5_000):
        network = ipaddress.ip_network(str(entry["prefix"]))
        probes.append(str(network.network_address + 1))
    probes += [str(ipaddress.IPv4Address(rng.getrandbits(32))) for _ in range(5_000)]
    tables = RpkiTables(vrps, "vrps", None, table, "routes", None)
    start = time.process_time()
    tables.observe(probes)
    fast = (time.process_time() - start) / len(probes)
    print(f"indexed lookup (ROAs + routes + ROV): {fast * 1e6:.1f} µs per address")

    naive = [(ipaddress.ip_network(str(r["prefix"])), r) for r in roas]
    sample = probes[:20]
    start = time.process_time()
    for probe in sample:
        address = ipaddress.ip_address(probe)
        [r for network, r in naive if address.version == network.version and address in network]
    slow = (time.process_time() - start) / len(sample)
    print(f"naive scan (ROAs only): {slow * 1e3:.1f} ms per address — {slow / fast:.0f}x slower")


if __name__ == "__main__":
    main()
