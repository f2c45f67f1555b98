"""TLS prober vs sslyze vs testssl.sh on the same TLS servers: connections, seconds, verdict agreement.

    bash bench/tls/setup.sh                      # peers, installed apart from the project
    .venv/bin/python bench/tls/run.py [--rtt-ms 20] [--targets modern,phaseout,many]
    sudo .venv/bin/python bench/tls/run.py --lab [--lab-targets green.test,tls10.test,…]

Local mode: each target is a Debian ``openssl s_server`` on 127.0.0.1 behind a counting TCP proxy (which can add
a round-trip delay); every tool scans the proxy, so the proxy counts each tool's TCP connections.
Lab mode (``--lab``): the targets are the running lab's nginx servers (its RTT is the lab's, e.g. ``lab up
--rtt-ms 20``); every tool runs from the host over the lab's delayed link (the peers with the lab resolver as
their only resolver and the lab CA), and each tool's TCP connections are counted by an iptables rule per target
address in the namespace (SYNs to port 443).
Raw outputs go to bench/results/tls/; the summary is printed as Markdown (copied into bench/tls/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.tls import pki  # noqa: E402

from domeinwacht.net.tls import probe_tls  # noqa: E402
from domeinwacht.scan.env import ScanEnv, ScanOptions  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "tls"
SSLYZE = ROOT / "bench" / ".venv-sslyze" / "bin" / "sslyze"
TESTSSL = shutil.which("testssl") or shutil.which("testssl.sh")

GOOD = "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256"
TARGETS: dict[str, list[str]] = {
    "modern": ["-cipher", GOOD, "-serverpref", "-groups", "X25519:P-256:P-384"],
    "phaseout": [
        "-cipher",
        GOOD + ":ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-GCM-SHA256",
        "-serverpref",
        "-groups",
        "X25519:P-256",
    ],
    "many": ["-cipher", "ALL:!aNULL:!eNULL", "-serverpref"],
}

# OpenSSL / sslyze / testssl curve names -> IANA.
CURVE_NAMES = {"prime256v1": "secp256r1", "X25519": "x25519", "X448": "x448", "P-256": "secp256r1"}


class CountingProxy:
    """127.0.0.1:port -> upstream, counting connections; optional delay per direction (RTT/2)."""

    def __init__(self, upstream: int, rtt_ms: int) -> None:
        self.upstream = upstream
        self.delay = rtt_ms / 2000
        self.count = 0
        self.loop = asyncio.new_event_loop()
        self.port = 0
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait()

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)

        async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while data := await reader.read(65536):
                    if self.delay:
                        await asyncio.sleep(self.delay)
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                writer.close()

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.count += 1
            try:
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream)
            except OSError:
                writer.close()
                return
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

        async def start() -> None:
            server = await asyncio.start_server(handle, "127.0.0.1", 0)
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            await server.serve_forever()

        self.loop.run_until_complete(start())

    def take(self) -> int:
        n, self.count = self.count, 0
        return n


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(args: list[str], cert: Path, key: Path, chain: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen(
        [
            "openssl",
            "s_server",
            "-accept",
            f"127.0.0.1:{port}",
            "-cert",
            str(cert),
            "-key",
            str(key),
            "-cert_chain",
            str(chain),
            "-www",
            "-quiet",
            *args,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("s_server did not start")


def run_ours(port: int, ip: str = "127.0.0.1", name: str = "localhost") -> dict[str, Any]:
    async def go() -> Any:
        env = ScanEnv(ScanOptions(allow_non_public=True, io_timeout=10, target_timeout=120))
        return await probe_tls(ip, port, name, env, purpose="web")

    obs = asyncio.run(go())
    tls12 = next((s.suites for s in obs.suites if s.version == "TLSv1.2"), ())
    return {
        "versions": sorted(obs.versions),
        "tls12_suites": sorted(tls12),
        "groups": sorted(set(obs.groups) - {g for g in obs.groups if g.startswith("ffdhe")}),
        "ffdhe": sorted(g for g in obs.groups if g.startswith("ffdhe")),
        "error": obs.error,
        "steps": dict(obs.connections_by_step),
    }


def run_sslyze(
    port: int, out: Path, ca_file: Path, ip: str = "127.0.0.1", name: str = "localhost", wrap: Any = None
) -> dict[str, Any]:
    wrap = wrap or (lambda command: command)
    subprocess.run(
        wrap(
            [
                str(SSLYZE),
                "--sslv3",
                "--tlsv1",
                "--tlsv1_1",
                "--tlsv1_2",
                "--tlsv1_3",
                "--elliptic_curves",
                "--certinfo",
                f"--certinfo_ca_file={ca_file}",
                "--compression",
                "--reneg",
                "--early_data",
                "--ems",
                f"--json_out={out}",
                f"{name}:{port}{{{ip}}}",
            ]
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    data = json.loads(out.read_text())
    result = data["server_scan_results"][0]["scan_result"]
    versions = []
    for key, name in (
        ("ssl_3_0_cipher_suites", "SSLv3"),
        ("tls_1_0_cipher_suites", "TLSv1.0"),
        ("tls_1_1_cipher_suites", "TLSv1.1"),
        ("tls_1_2_cipher_suites", "TLSv1.2"),
        ("tls_1_3_cipher_suites", "TLSv1.3"),
    ):
        accepted = (result.get(key) or {}).get("result", {}) or {}
        if accepted.get("accepted_cipher_suites"):
            versions.append(name)
    tls12 = [
        c["cipher_suite"]["name"]
        for c in ((result.get("tls_1_2_cipher_suites") or {}).get("result") or {}).get("accepted_cipher_suites", [])
    ]
    curves = ((result.get("elliptic_curves") or {}).get("result") or {}).get("supported_curves") or []
    return {
        "versions": sorted(versions),
        "tls12_suites": sorted(tls12),
        "groups": sorted(CURVE_NAMES.get(c["name"], c["name"]) for c in curves),
    }


def run_testssl(
    port: int, out: Path, ip: str = "127.0.0.1", name: str = "localhost", wrap: Any = None
) -> dict[str, Any]:
    assert TESTSSL is not None
    wrap = wrap or (lambda command: command)
    out.unlink(missing_ok=True)
    subprocess.run(
        wrap(
            [
                TESTSSL,
                "--quiet",
                "--warnings",
                "off",
                "--color",
                "0",
                "--ip",
                ip,
                "--jsonfile",
                str(out),
                "-p",
                "-E",
                "-f",
                "-S",
                "-R",
                "-C",
                f"{name}:{port}",
            ]
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        env={**os.environ, "TERM": "dumb"},
    )
    findings = json.loads(out.read_text())
    by_id = {f["id"]: f["finding"] for f in findings}
    versions = [
        name
        for key, name in (
            ("SSLv3", "SSLv3"),
            ("TLS1", "TLSv1.0"),
            ("TLS1_1", "TLSv1.1"),
            ("TLS1_2", "TLSv1.2"),
            ("TLS1_3", "TLSv1.3"),
        )
        if by_id.get(key, "").startswith("offered")
    ]
    tls12 = sorted(
        {
            f["finding"].split()[-1]
            for f in findings
            if f["id"].startswith("cipher-tls1_2_") and f["finding"].split()[-1].startswith("TLS_")
        }
    )
    curves = (by_id.get("FS_ECDHE_curves") or by_id.get("PFS_ECDHE_curves") or "").split()
    return {
        "versions": sorted(versions),
        "tls12_suites": tls12,
        "groups": sorted(CURVE_NAMES.get(c, c) for c in curves),
    }


LAB_TARGETS = "green.test,phaseout.test,insufficient.test,tls10.test"
NAMESPACE = "dwlab"


def _ns(command: list[str]) -> list[str]:
    return ["ip", "netns", "exec", NAMESPACE, *command]


def _syns(ip: str) -> int:
    """SYNs to ip:443 counted by our rule in the lab namespace."""
    listing = subprocess.run(
        _ns(["iptables", "-L", "INPUT", "-v", "-x", "-n"]), check=False, capture_output=True, text=True
    )
    for line in listing.stdout.splitlines():
        if f"dwbench-tls:{ip}" in line:
            return int(line.split()[0])
    return 0


def run_lab(targets: list[str]) -> list[dict[str, Any]]:
    from domeinwacht.lab import manager

    status = manager.status()
    if status is None:
        raise SystemExit("the lab is not up: sudo .venv/bin/domeinwacht lab up --rtt-ms 20")
    ca_file = Path(status["ca_file"])
    work = Path(tempfile.mkdtemp(prefix="dw-bench-tls-"))
    resolv = work / "resolv.conf"
    resolv.write_text(f"nameserver {str(status['resolver'][0]).split(':')[0]}\n")

    def sandboxed(command: list[str]) -> list[str]:
        # The peers' own lookups go to the lab resolver only (a private /etc/resolv.conf). They run in the host's
        # network namespace, as our prober does, so their packets cross the lab's delayed link too.
        inner = " ".join(shlex.quote(c) for c in ["env", f"SSL_CERT_FILE={ca_file}", *command])
        script = f"mount --bind {shlex.quote(str(resolv))} /etc/resolv.conf && exec {inner}"
        return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script]

    rows = []
    for name in targets:
        ip = status["targets"][name]["ipv4"][0]
        rule = ["INPUT", "-d", ip, "-p", "tcp", "--dport", "443", "--syn", "-m", "comment", "--comment"]
        subprocess.run(_ns(["iptables", "-I", *rule, f"dwbench-tls:{ip}"]), check=True)
        try:
            row: dict[str, Any] = {"target": name}
            for tool in ("domeinwacht", "sslyze", "testssl"):
                before = _syns(ip)
                started = time.monotonic()
                try:
                    if tool == "domeinwacht":
                        found = run_ours(443, ip, name)
                    elif tool == "sslyze":
                        out = RESULTS / f"lab-{name}.sslyze.json"
                        found = run_sslyze(443, out, ca_file, ip, name, sandboxed)
                    else:
                        found = run_testssl(443, RESULTS / f"lab-{name}.testssl.json", ip, name, sandboxed)
                except Exception as exc:  # a peer that crashes is reported, not fatal
                    found = {"error": f"{type(exc).__name__}: {exc}"}
                seconds = round(time.monotonic() - started, 2)
                row[tool] = {**found, "seconds": seconds, "connections": _syns(ip) - before}
            rows.append(row)
        finally:
            subprocess.run(_ns(["iptables", "-D", *rule, f"dwbench-tls:{ip}"]), check=False)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rtt-ms", type=int, default=0)
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--lab", action="store_true", help="the running lab's nginx targets instead of s_server")
    parser.add_argument("--lab-targets", default=LAB_TARGETS)
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.lab:
        rows = run_lab(args.lab_targets.split(","))
        _print(rows, "lab")
        return
    work = Path(tempfile.mkdtemp())
    ca = pki.make_ca()
    leaf = pki.issue(ca, ("localhost",), key=pki.make_key("rsa", 3072))
    cert, key = pki.write_pair(work, "leaf", leaf)
    chain = work / "ca.pem"
    chain.write_bytes(ca.pem)
    rows = []
    for name in args.targets.split(","):
        process, upstream = start_server(TARGETS[name], cert, key, chain)
        proxy = CountingProxy(upstream, args.rtt_ms)
        try:
            proxy.take()
            row: dict[str, Any] = {"target": name}
            for tool in ("domeinwacht", "sslyze", "testssl"):
                started = time.monotonic()
                try:
                    if tool == "domeinwacht":
                        found = run_ours(proxy.port)
                    elif tool == "sslyze":
                        found = run_sslyze(proxy.port, RESULTS / f"{name}.sslyze.json", chain)
                    else:
                        found = run_testssl(proxy.port, RESULTS / f"{name}.testssl.json")
                except Exception as exc:  # a peer that crashes is reported, not fatal
                    found = {"error": f"{type(exc).__name__}: {exc}"}
                row[tool] = {**found, "seconds": round(time.monotonic() - started, 2), "connections": proxy.take()}
            rows.append(row)
        finally:
            process.terminate()
            process.wait()
    _print(rows, f"rtt{args.rtt_ms}")


def _print(rows: list[dict[str, Any]], label: str) -> None:
    (RESULTS / f"summary-{label}.json").write_text(json.dumps(rows, indent=1))
    print("| target | tool | connections | seconds | versions | TLS 1.2 suites | curves | agrees with us |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        ours = row["domeinwacht"]
        for tool in ("domeinwacht", "sslyze", "testssl"):
            r = row[tool]
            agree = (
                "—"
                if tool == "domeinwacht"
                else ", ".join(
                    f"{k}: {'yes' if r.get(k) == ours.get(k) else 'NO'}" for k in ("versions", "tls12_suites", "groups")
                )
            )
            print(
                f"| {row['target']} | {tool} | {r.get('connections')} | {r.get('seconds')} | "
                f"{' '.join(r.get('versions', []))} | {len(r.get('tls12_suites', []))} | "
                f"{' '.join(r.get('groups', []))} | {agree} |"
            )


if __name__ == "__main__":
    main()
