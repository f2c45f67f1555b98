"""bench/discovery: recall, precision, DNS packets and seconds per domain of our discovery next to dnsrecon and
fierce, on the lab's discovery scenario, in one run (bench/discovery/README.md).

    sudo bench/discovery/setup.sh                          # peers, with the lab down
    sudo .venv/bin/python bench/discovery/run.py --rtt-ms 20

Brings the lab up with the discovery scenario (and the given RTT) unless it is already up with it, and takes it
down at the end if it brought it up. Every tool gets the same wordlist (our packaged one) and the lab resolver;
the peers run in the host's namespace with a private /etc/resolv.conf, as our command does, so every packet
crosses the lab's delayed link. DNS packets are counted by iptables rules in the lab namespace (UDP datagrams
and TCP connections to port 53, resolver and authoritative servers alike).
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NAMESPACE = "dwlab"
RESULTS = Path(__file__).resolve().parent / "results.json"
# What each tool can do at all (a source a tool lacks is not counted against it).
SUPPORTS = {
    "domeinwacht": {"axfr", "nsec", "wordlist"},
    "dnsrecon": {"axfr", "nsec", "wordlist"},
    "fierce": {"axfr", "wordlist"},
}
# Packets from the host into the namespace only (-i dwlab1): the lab resolver's own questions to the lab's name
# servers stay inside the namespace and are not counted (they depend on its cache, i.e. on which tool ran first).
RULES = (
    ["INPUT", "-i", "dwlab1", "-p", "udp", "--dport", "53"],
    ["INPUT", "-i", "dwlab1", "-p", "tcp", "--dport", "53", "--syn"],
)
# One run per source, each tool configured for that source only (fierce always tries AXFR first, and has no NSEC
# walking); "all" runs what each tool does with every one of these sources on.
MODES = {
    "axfr": {"domeinwacht": "axfr", "dnsrecon": "axfr", "fierce": "axfr"},
    "nsec": {"domeinwacht": "nsec", "dnsrecon": "zonewalk"},
    "wordlist": {"domeinwacht": "wordlist", "dnsrecon": "brt", "fierce": "brute"},
    "all": {"domeinwacht": "axfr,nsec,wordlist", "dnsrecon": "axfr,zonewalk,brt", "fierce": "brute"},
}


def _ns(command: list[str]) -> list[str]:
    return ["ip", "netns", "exec", NAMESPACE, *command]


def _packets() -> int:
    listing = subprocess.run(
        _ns(["iptables", "-L", "INPUT", "-v", "-x", "-n"]), capture_output=True, text=True, check=False
    )
    return sum(int(line.split()[0]) for line in listing.stdout.splitlines() if "dwbench-disc" in line)


def _sandboxed(resolv: Path, command: list[str]) -> list[str]:
    inner = " ".join(shlex.quote(c) for c in command)
    script = f"mount --bind {shlex.quote(str(resolv))} /etc/resolv.conf && exec {inner}"
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script]


def run_ours(domain: str, sources: str, wordlist: Path, work: Path) -> set[str]:
    out = subprocess.run(
        [str(ROOT / ".venv/bin/domeinwacht"), "discover", domain, "--lab", "--no-store", "--format", "json",
         "--sources", sources, "--wordlist", str(wordlist)],
        capture_output=True, text=True, timeout=600, check=True,
        env={"DOMEINWACHT_DATA_DIR": str(work), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    return {h["name"] for h in json.loads(out.stdout)["hosts"]}


def run_dnsrecon(domain: str, types: str, resolver: str, names: Path, resolv: Path, work: Path) -> set[str]:
    report = work / f"dnsrecon-{domain}.json"
    subprocess.run(
        _sandboxed(resolv, ["dnsrecon", "-d", domain, "-n", resolver, "-t", types, "-D", str(names),
                            "-j", str(report)]),
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    found: set[str] = set()
    try:
        rows = json.loads(report.read_text())
    except (OSError, ValueError):
        return found
    for row in rows:
        name = str(row.get("name", "")).lower().rstrip(".")
        if row.get("type") in {"A", "AAAA", "CNAME"} and name.endswith("." + domain):
            found.add(name)
    return found


_FIERCE_FOUND = re.compile(r"Found:\s+(\S+?)\.?\s+\(")
_FIERCE_ZONE = re.compile(r"'(\S+) \d+ IN (?:A|AAAA|CNAME) ")


def run_fierce(domain: str, mode: str, resolver: str, names: Path, resolv: Path, empty: Path) -> set[str]:
    out = subprocess.run(
        _sandboxed(resolv, ["fierce", "--domain", domain, "--dns-servers", resolver, "--subdomain-file",
                            str(names if mode == "brute" else empty), "--traverse", "0"]),
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    found = {m.group(1).lower() for m in _FIERCE_FOUND.finditer(out.stdout)}
    found |= {f"{m.group(1).lower()}.{domain}" for m in _FIERCE_ZONE.finditer(out.stdout) if m.group(1) != "@"}
    return {name for name in found if name.endswith("." + domain)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rtt-ms", type=int, default=20)
    parser.add_argument("--tools", default="domeinwacht,dnsrecon,fierce")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from domeinwacht.discovery import wordlist
    from domeinwacht.lab import manager
    from domeinwacht.lab.scenario import load

    scenario = load("discovery")
    before = manager.status()
    reuse = bool(before and before.get("scenario_digest") == scenario.digest and before.get("rtt_ms") == args.rtt_ms)
    status = before if reuse else manager.up("discovery", rtt_ms=args.rtt_ms)
    assert status is not None
    truth: dict[str, Any] = scenario.extra["discovery"]
    resolver = str(status["resolver"][0]).split(":")[0]
    work = Path(tempfile.mkdtemp(prefix="dw-bench-disc-"))
    labels = work / "labels.txt"
    labels.write_text("\n".join(wordlist.labels()) + "\n")
    empty = work / "empty.txt"
    empty.write_text("")
    resolv = work / "resolv.conf"
    resolv.write_text(f"nameserver {resolver}\n")
    tools = [t for t in args.tools.split(",") if t]
    for rule in RULES:
        subprocess.run(_ns(["iptables", "-I", *rule, "-m", "comment", "--comment", "dwbench-disc"]), check=True)
    results: dict[str, list[dict[str, Any]]] = {}
    try:
        for mode, configs in MODES.items():
            rows = results[mode] = []
            for turn, (domain, spec) in enumerate(truth.items()):
                row: dict[str, Any] = {"domain": domain, "hidden": spec.get("hosts") or {}}
                row["not_hosts"] = spec.get("not_hosts") or []
                present = [t for t in tools if t in configs]
                for tool in present[turn % len(present) :] + present[: turn % len(present)]:  # rotate who goes first
                    config = configs[tool]
                    packets = _packets()
                    began = time.monotonic()
                    error = None
                    try:
                        if tool == "domeinwacht":
                            found = run_ours(domain, config, labels, work)
                        elif tool == "dnsrecon":
                            found = run_dnsrecon(domain, config, resolver, labels, resolv, work)
                        else:
                            found = run_fierce(domain, config, resolver, labels, resolv, empty)
                    except Exception as exc:  # a peer that crashes is reported, not fatal
                        found, error = set(), f"{type(exc).__name__}: {exc}"
                    row[tool] = {
                        "found": sorted(found),
                        "seconds": round(time.monotonic() - began, 2),
                        "dns_packets": _packets() - packets,
                        **({"error": error} if error else {}),
                    }
                rows.append(row)
    finally:
        for rule in RULES:
            subprocess.run(_ns(["iptables", "-D", *rule, "-m", "comment", "--comment", "dwbench-disc"]), check=False)
        if not reuse:
            manager.down()
    RESULTS.write_text(json.dumps({"rtt_ms": args.rtt_ms, "modes": results}, indent=1) + "\n")
    print(summary(results, tools))
    return 0


def summary(results: dict[str, list[dict[str, Any]]], tools: list[str]) -> str:
    """Per mode and tool: recall (hidden hosts the mode's source can find / found), false positives (names the
    scenario says are not hosts, and any guessed name in the wildcard zone), DNS packets, seconds."""
    lines = [f"{'source':<10}{'tool':<13}{'recall':>8}{'false pos':>11}{'packets':>9}{'seconds':>9}"]
    for mode, rows in results.items():
        wanted_by = {"all": {"axfr", "nsec", "wordlist"}}.get(mode, {mode})
        for tool in tools:
            if tool not in rows[0]:
                continue
            wanted = [(r, h) for r in rows for h, by in r["hidden"].items() if wanted_by & set(by)]
            hit = sum(1 for r, h in wanted if h in r[tool]["found"])
            false = sum(
                1 for r in rows for n in r[tool]["found"] if n in r["not_hosts"] or r["domain"] == "disc-wild.test"
            )
            packets = sum(r[tool]["dns_packets"] for r in rows)
            seconds = sum(r[tool]["seconds"] for r in rows)
            lines.append(f"{mode:<10}{tool:<13}{f'{hit}/{len(wanted)}':>8}{false:>11}{packets:>9}{seconds:>9.1f}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
