"""Measurement bench: Domeinwacht on the generated `bench` lab scenario, and the peers on a sample of it.

    sudo bench/measure/setup.sh
    sudo .venv/bin/python bench/measure/run.py --count 10000 --rtt-ms 20 --sample 200 [--out DIR]

1. Brings the lab up with `lab generate bench --count N` at the given RTT (unless that is already up).
2. Runs `domeinwacht measure --lab --web --mail` over all N domains in a subprocess with a fresh SQLite database:
   wall time, domains per minute, peak RSS (``wait4``), connections and probes per domain (``--stats``).
3. Runs it again over the sample only (peak RSS at two sizes shows whether memory is flat in N), and the peers on the
   same sample, each from its own venv under bench/ and inside the lab's network namespace (no route out): pshtt
   (HTTPS/HSTS of the web host), trustymail (SPF/DMARC/STARTTLS), sslyze (TLS of the web host, all its scans).
4. Optionally profiles our sample run with py-spy (``--py-spy PATH``: all threads, the event loop included).

Writes ``results.json`` and prints a Markdown table. Every packet stays on this machine: the scanner asks only the
lab resolver and reaches only lab addresses; the peers run in the namespace.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent.parent
PROJECT = BENCH.parent
NAMESPACE = "dwlab"
LAST_CPU = [0.0]  # CPU seconds (user + system) of the last process waited for


def _wait(process: subprocess.Popen[bytes], timeout: float) -> tuple[int, float, int]:
    """(exit code, seconds, peak RSS in KiB) of ``process``; its CPU seconds go to ``LAST_CPU``."""
    started = time.monotonic()
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            LAST_CPU[0] = usage.ru_utime + usage.ru_stime
            return process.returncode, time.monotonic() - started, usage.ru_maxrss
        if time.monotonic() > deadline:
            process.kill()
        time.sleep(0.2)


def lab_up(count: int, rtt_ms: int, work: Path) -> dict[str, Any]:
    from domeinwacht.lab import generate, manager

    scenario = work / f"bench-{count}.yaml"
    if not scenario.exists():
        generate.write(generate.bench(count), scenario)
    started = time.monotonic()
    status = manager.up(str(scenario), rtt_ms=rtt_ms)
    return {"seconds": round(time.monotonic() - started, 1), "rtt_measured_ms": status.get("rtt_measured_ms")}


def bench_domains(count: int) -> list[str]:
    return [f"bench-{i:05d}.test" for i in range(1, count + 1)]


def _tree_rss_kib(root: int) -> tuple[int, int]:
    """(total RSS of ``root`` and all its descendants, number of processes), in KiB, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(entry.name)
        children.setdefault(int(fields.get("PPid", "0").strip() or 0), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, count, stack = 0, 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        count += 1
        stack.extend(children.get(pid, []))
    return total, count


class RssSampler(threading.Thread):
    """Samples the measuring process tree: peak total RSS, and (elapsed, domains stored, RSS) every ``every`` s."""

    def __init__(self, pid: int, db: Path, every: float = 15.0) -> None:
        super().__init__(daemon=True)
        self.pid, self.db, self.every = pid, db, every
        self.peak_kib = 0
        self.series: list[tuple[float, int, float]] = []
        self.stop = threading.Event()

    def stored(self) -> int:
        try:
            with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5) as connection:
                return int(connection.execute("select count(*) from measurements_result").fetchone()[0])
        except sqlite3.Error:
            return 0

    def run(self) -> None:
        started = last = time.monotonic()
        while not self.stop.wait(1.0):
            total, _ = _tree_rss_kib(self.pid)
            self.peak_kib = max(self.peak_kib, total)
            if time.monotonic() - last >= self.every:
                last = time.monotonic()
                self.series.append((round(last - started, 1), self.stored(), round(total / 1024, 1)))


def ours(
    domains: list[str], work: Path, label: str, py_spy: Path | None = None, workers: int = 1, in_flight: int = 64
) -> dict[str, Any]:
    """One `domeinwacht measure` subprocess over ``domains`` with a fresh database."""
    data = work / f"data-{label}"
    data.mkdir(parents=True, exist_ok=True)
    listing = work / f"{label}.txt"
    listing.write_text("\n".join(domains) + "\n")
    stats = work / f"{label}-stats.json"
    command = [
        str(PROJECT / ".venv/bin/python"), "-m", "domeinwacht", "measure", "--domains", str(listing),
        "--lab", "--web", "--mail", "--policy", "nl-ptolu-2025", "--name", label, "--no-progress",
        "--stats", str(stats), "--timeout", "60", "--workers", str(workers),
        "--in-flight", str(in_flight),
    ]  # fmt: skip
    if py_spy is not None:
        raw = str(work / f"{label}.pyspy")
        command = [str(py_spy), "record", "--threads", "--format", "raw", "-o", raw, "--", *command]
    env = {**os.environ, "DOMEINWACHT_DATA_DIR": str(data), "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}"}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sampler = RssSampler(process.pid, data / "db.sqlite3")
    sampler.start()
    code, seconds, rss = _wait(process, timeout=4 * 3600)
    sampler.stop.set()
    sampler.join()
    _, err = process.communicate()
    if code != 0:
        raise SystemExit(f"measure failed ({code}): {err.decode()[-2000:]}")
    figures = json.loads(stats.read_text())
    counters = figures["counters"]
    n = max(1, figures["domains"])
    per_domain = {
        key: round(value / n, 2)
        for key, value in counters.items()
        if key.count(".") <= 1 and not key.startswith("smtp.connections.") and not key.startswith("smtp.ok")
    }
    connection_keys = ("http_connections", "smtp.connections", "tls.connections")
    connections = sum(v for k, v in counters.items() if k in connection_keys)
    return {
        "domains": figures["domains"],
        "wall_seconds": round(seconds, 1),
        "scan_seconds": figures["seconds"],
        "domains_per_minute": round(figures["domains"] / seconds * 60, 1),
        "workers": workers,
        "in_flight_per_worker": in_flight,
        "peak_rss_mib": round(rss / 1024, 1),
        "peak_rss_all_processes_mib": round(sampler.peak_kib / 1024, 1),
        "rss_series": sampler.series,
        "cpu_seconds_per_domain": round(LAST_CPU[0] / n, 3),
        "connections_per_domain": round(connections / n, 2),
        "counters_per_domain": per_domain,
        "with_failures": figures["with_failures"],
    }


def in_namespace(command: list[str], timeout: float) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run(
        ["ip", "netns", "exec", NAMESPACE, *command], check=False, capture_output=True, text=True, timeout=timeout
    )
    return done, time.monotonic() - started


def sandboxed(command: list[str], status: dict[str, Any], cwd: Path) -> list[str]:
    """``command`` in a private mount namespace whose /etc/resolv.conf names the lab resolver (the peers' own
    host-name lookups stay in the lab) and with the lab CA as trust store — what our scanner gets through
    ScanOptions. It runs in the host's network namespace, as our scanner does, so the peers' packets cross the
    lab's delayed link too (inside the lab namespace they would reach the servers without the RTT)."""
    resolver = str(status["resolver"][0]).split(":")[0]
    resolv_conf = cwd / "resolv.conf"
    resolv_conf.write_text(f"nameserver {resolver}\n")
    inner = " ".join(shlex.quote(c) for c in ["env", f"SSL_CERT_FILE={status['ca_file']}", *command])
    script = (
        f"mount --bind {shlex.quote(str(resolv_conf))} /etc/resolv.conf && cd {shlex.quote(str(cwd))} && exec {inner}"
    )
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script]


def peer(
    tool: str, domains: list[str], status: dict[str, Any], work: Path, web_hosts: list[str], timeout: float = 3 * 3600
) -> dict[str, Any]:
    import publicsuffixlist

    venv = BENCH / f".venv-{tool}/bin"
    if not (venv / tool).exists():
        return {"skipped": f"{venv / tool} missing: run bench/measure/setup.sh"}
    cwd = work / f"peer-{tool}"
    cwd.mkdir(parents=True, exist_ok=True)
    resolver = str(status["resolver"][0]).split(":")[0]
    if tool == "pshtt":
        command = [str(venv / "pshtt"), "--json", "--timeout", "5", f"--dns={resolver}", *domains]
    elif tool == "trustymail":
        # trustymail downloads the PSL unless a fresh public_suffix_list.dat is in its working directory.
        psl = cwd / "public_suffix_list.dat"
        psl.write_bytes((Path(publicsuffixlist.__file__).parent / "public_suffix_list.dat").read_bytes())
        command = [str(venv / "trustymail"), "--json", f"--dns={resolver}", "--timeout=5",
                   f"--psl-filename={psl}", "--psl-read-only", f"--output={cwd / 'out'}", *domains]  # fmt: skip
    else:  # sslyze: every default scan command on each web host, one invocation (sslyze parallelises itself)
        command = [str(venv / "sslyze"), f"--json_out={cwd / 'sslyze.json'}", *web_hosts]
    started = time.monotonic()
    process = subprocess.Popen(sandboxed(command, status, cwd), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    code, seconds, rss = _wait(process, timeout=timeout)
    out, err = process.communicate()
    (cwd / "stdout").write_bytes(out)
    return {
        "domains": len(domains),
        "exit": code,
        "stopped_after_timeout": seconds >= timeout,
        "wall_seconds": round(time.monotonic() - started, 1),
        "seconds_per_domain": round(seconds / len(domains), 3),
        "domains_per_minute": round(len(domains) / seconds * 60, 1),
        "peak_rss_mib": round(rss / 1024, 1),
        "cpu_seconds_per_domain": round(LAST_CPU[0] / len(domains), 3),
        "stderr_tail": err.decode(errors="replace")[-500:],
    }


def py_spy_summary(raw: Path, top: int = 25) -> list[tuple[str, float]]:
    """Self time per function from py-spy's raw (collapsed) stacks: share of samples with it on top."""
    if not raw.exists():
        return []
    leaf: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        total += n
        frames = [f for f in stack.split(";") if "(threading.py)" not in f]
        leaf[frames[-1] if frames else stack] += n
    return [(name, round(100 * n / total, 1)) for name, n in leaf.most_common(top)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=("bench", "running"), default="bench", help="running: the lab as it is")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--rtt-ms", type=int, default=20)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--peers", default="pshtt,trustymail,sslyze", help="comma-separated; empty for none")
    parser.add_argument("--skip-full", action="store_true", help="only the sample (ours and peers)")
    parser.add_argument("--peer-timeout", type=float, default=3 * 3600, help="seconds each peer may run")
    parser.add_argument("--py-spy", type=Path, help="py-spy binary: profile our sample run")
    parser.add_argument("--workers", type=int, default=2, help="our worker processes (measure --workers)")
    parser.add_argument("--in-flight", type=int, default=64, help="domains in flight per worker (measure --in-flight)")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "measure")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="dw-bench-measure-"))
    results: dict[str, Any] = {"rtt_ms": args.rtt_ms, "sample": args.sample, "cpus": os.cpu_count()}
    from domeinwacht.lab import manager

    user = None
    running_hosts: dict[str, str] = {}

    def hosts_of(names: list[str]) -> list[str]:
        """The web host sslyze scans per domain: the lab's www host, or www.<domain> in the bench scenario."""
        if running_hosts:
            return [running_hosts[n] for n in names if n in running_hosts]
        return [f"www.{n}" for n in names]

    if args.scenario == "bench":
        results["lab_up"] = lab_up(args.count, args.rtt_ms, work)
        domains = bench_domains(args.count)
    else:  # the lab as it is (e.g. the default scenario other tests use): left untouched, registered as a user
        status = manager.status()
        if status is None:
            raise SystemExit("the lab is not up")
        user = manager.register_user()  # a pytest session finishing meanwhile will not take the lab down
        domains = sorted(status["targets"])[: args.count]
        running_hosts.update({name: t["hosts"][-1] for name, t in status["targets"].items() if t.get("hosts")})
        results["rtt_ms"] = status.get("rtt_ms", 0)
    results["scenario"] = args.scenario
    results["count"] = len(domains)
    step = max(1, len(domains) // args.sample)
    sample = domains[::step][: args.sample]
    if not args.skip_full:
        results["ours_full"] = ours(domains, work, "full", workers=args.workers, in_flight=args.in_flight)
        print(json.dumps(results["ours_full"], indent=1), file=sys.stderr)
    results["ours_sample"] = ours(sample, work, "sample", args.py_spy, workers=args.workers, in_flight=args.in_flight)
    if args.py_spy:
        results["profile_self_time"] = py_spy_summary(work / "sample.pyspy")
    for tool in filter(None, args.peers.split(",")):
        results[tool] = peer(tool, sample, manager.status(), work, hosts_of(sample), args.peer_timeout)
        print(tool, json.dumps(results[tool]), file=sys.stderr)
    (args.out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results, indent=1))
    if user is not None:
        manager.unregister_user(user)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT / "src"))
    raise SystemExit(main())
