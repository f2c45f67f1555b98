"""`lab up`, `lab down`, `lab status`: bring the emulated internet up, take it down, describe it.

State: ``<data_dir>/lab/`` holds ``cache/`` (keys, kept across runs so bring-up stays fast) and ``run/`` (all
generated configs, zones, logs, pid files: removed by ``down``). While the lab is up, ``/run/domeinwacht-lab.json``
points at the state so ``is_up()`` and ``status()`` work from any working directory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import secrets
import shutil
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from domeinwacht.lab import addresses as A
from domeinwacht.lab import netns, world
from domeinwacht.lab.pki import KeyCache
from domeinwacht.lab.scenario import load as load_scenario

POINTER = Path("/run/domeinwacht-lab.json")
READY_TIMEOUT = 180.0


class LabError(RuntimeError):
    """The lab cannot do what was asked (message is one clear line)."""


def state_dir() -> Path:
    """``$DOMEINWACHT_DATA_DIR/lab``; when a parent of it is private (a 0700 checkout or temp dir), the servers that
    drop privileges could not read it, so the lab then lives in /var/lib/domeinwacht-lab/<hash of that path>."""
    import hashlib

    from domeinwacht import config

    wanted = config.load().data_dir / "lab"
    if _reachable(wanted):
        return wanted
    digest = hashlib.sha256(str(wanted.resolve()).encode()).hexdigest()[:12]
    return Path("/var/lib/domeinwacht-lab") / digest


def _reachable(base: Path) -> bool:
    return all(
        not parent.exists() or parent.stat().st_mode & stat.S_IXOTH
        for parent in [base.resolve(), *base.resolve().parents]
    )


def require_root() -> None:
    if os.geteuid() != 0:
        raise LabError(
            "the lab needs root (it creates a network namespace and runs servers on ports 25/53/80/443); run it as root"
        )


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def is_up() -> bool:
    """True while the lab's namespace and routes exist (the scanner may then send to the lab prefixes)."""
    return POINTER.exists() and netns.exists()


def status() -> dict[str, Any] | None:
    """The running lab's description (as `lab status --json` prints it), or ``None`` when it is down."""
    if not is_up():
        return None
    try:
        pointer = json.loads(POINTER.read_text())
        return json.loads(Path(pointer["status_file"]).read_text())  # type: ignore[no-any-return]
    except (OSError, ValueError, KeyError):
        return None


def up(scenario: str | None = None, rtt_ms: int = 0, *, quiet: bool = True) -> dict[str, Any]:
    """Bring the lab up with ``scenario`` (file path or packaged name); idempotent."""
    require_root()
    base = state_dir()
    with _locked(base):
        scen = load_scenario(scenario)
        current = status()
        if current and current.get("scenario_digest") == scen.digest and current.get("rtt_ms") == rtt_ms:
            return current
        if current or netns.exists() or POINTER.exists():
            _down_unlocked(base)
        started = time.monotonic()
        run_dir = base / "run"
        if run_dir.exists():
            shutil.rmtree(run_dir)
        _prune(base / "cache" / "zones", days=2)
        _prune(base / "cache" / "certs", days=14)
        keys = KeyCache(base / "cache" / "keys")
        try:
            w = world.build(scen, keys, run_dir)
        except (ValueError, KeyError) as exc:  # a preset, variant or reference the scenario got wrong
            raise LabError(f"scenario {scen.source}: {exc}") from exc
        built = time.monotonic()
        for rel, content in w.files.items():
            path = run_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        for sub in ("knot/db", "knot-lame/db", "nginx/tmp", "postfix/queue", "postfix/data", "gnutls", "site"):
            (run_dir / sub).mkdir(parents=True, exist_ok=True)
        (run_dir / "certs").chmod(0o750)
        with contextlib.suppress(LookupError, OSError):
            shutil.chown(run_dir / "postfix/data", "postfix", "postfix")
        _require_reachable_by_servers(base)
        try:
            netns.create(w.addresses4, w.addresses6)
            _start_servers(run_dir, keys, w, rtt_ms)
            _wait_ready(w, run_dir)
        except Exception:
            _down_unlocked(base)
            raise
        status_doc = _status_doc(scen, w, run_dir, rtt_ms, built - started, time.monotonic() - started)
        status_doc["servers_rss_mib"] = round(sum(_rss_kib(pid) for pid in netns.pids()) / 1024)
        status_file = run_dir / "status.json"
        status_file.write_text(json.dumps(status_doc, indent=1))
        POINTER.write_text(json.dumps({"status_file": str(status_file), "state_dir": str(base)}))
        if rtt_ms:
            status_doc["rtt_measured_ms"] = measure_rtt(status_doc)
            status_file.write_text(json.dumps(status_doc, indent=1))
        return status_doc


def _require_reachable_by_servers(base: Path) -> None:
    """postfix, knot and nginx drop privileges: every parent of the state directory must let others through."""
    for parent in [base.resolve(), *base.resolve().parents]:
        if parent.exists() and not parent.stat().st_mode & stat.S_IXOTH:
            raise LabError(
                f"the lab's state directory {base} cannot be reached by the unprivileged server users: {parent} "
                "is not world-searchable (chmod o+x it, or set DOMEINWACHT_DATA_DIR elsewhere)"
            )


def down() -> bool:
    """Take the lab down; ``True`` when something was running. Leaves no process, route, link or run file."""
    require_root()
    base = _pointer_state_dir() or state_dir()
    with _locked(base):
        return _down_unlocked(base)


def _pointer_state_dir() -> Path | None:
    try:
        return Path(json.loads(POINTER.read_text())["state_dir"])
    except (OSError, ValueError, KeyError):
        return None


def _down_unlocked(base: Path) -> bool:
    was_up = netns.exists() or POINTER.exists()
    netns.destroy()
    POINTER.unlink(missing_ok=True)
    run_dir = base / "run"
    if run_dir.exists():
        shutil.rmtree(run_dir, ignore_errors=True)
    shutil.rmtree(base / "users", ignore_errors=True)
    return was_up


def _start_servers(run_dir: Path, keys: KeyCache, w: world.World, rtt_ms: int) -> None:
    ns = netns.in_ns
    netns.run(ns(["knotd", "-c", str(run_dir / "knot/knot.conf"), "-d"]))
    netns.run(ns(["knotd", "-c", str(run_dir / "knot-lame/knot.conf"), "-d"]))
    netns.run(ns(["unbound", "-c", str(run_dir / "unbound/unbound.conf")]))
    liars = [sys.executable, "-m", "domeinwacht.lab.liars", A.INFRA["resolver"][0] or ""]
    _spawn(ns([*liars, *(f"{mode}={ip}" for mode, ip in A.LIARS.items())]), run_dir / "liars.log")
    netns.run(ns(["nginx", "-c", str(run_dir / "nginx/nginx.conf"), "-p", str(run_dir / "nginx")]))
    if w.mail_servers:
        # postfix logs its own errors to syslog only; `script` gives it a terminal so they reach us.
        netns.run(ns(["postfix", "-c", str(run_dir / "postfix"), "start"]), timeout=120)
    _start_gnutls(run_dir, w)
    _start_sites(run_dir, w)
    for label, ip, port in w.counted:
        tool = "ip6tables" if ":" in ip else "iptables"
        netns.run(
            ns(
                [
                    tool,
                    "-A",
                    "INPUT",
                    "-d",
                    ip,
                    "-p",
                    "tcp",
                    "--dport",
                    str(port),
                    "--syn",
                    "-m",
                    "comment",
                    "--comment",
                    f"dwlab-count:{label}:{ip}",
                ]
            )
        )
    ct_key = keys.get("ct-log", "ec256")
    from domeinwacht.lab.pki import key_pem

    (run_dir / "ct/log.key").write_bytes(key_pem(ct_key))
    v4, v6 = A.INFRA["ct"]
    _spawn(
        ns(
            [
                sys.executable,
                "-m",
                "domeinwacht.lab.ct",
                str(run_dir / "ct/entries.json"),
                str(run_dir / "ct/log.key"),
                v4 or "",
                v6 or "",
            ]
        ),
        run_dir / "ct/ct.log",
    )
    if rtt_ms:
        from domeinwacht.lab import delay

        for tool in ("iptables", "ip6tables"):
            for chain, flag in (("INPUT", "-i"), ("OUTPUT", "-o")):
                netns.run(
                    ns(
                        [
                            tool,
                            "-I",
                            chain,
                            flag,
                            netns.NS_IF,
                            "-j",
                            "NFQUEUE",
                            "--queue-num",
                            str(delay.QUEUE),
                            "--queue-bypass",
                        ]
                    )
                )
        _spawn(ns([sys.executable, "-m", "domeinwacht.lab.delay", str(rtt_ms / 2)]), run_dir / "delay.log")
        deadline = time.monotonic() + 20
        while b"delaying" not in (run_dir / "delay.log").read_bytes():  # bound to the queue
            if time.monotonic() > deadline:
                raise LabError(f"the delayer did not start: {(run_dir / 'delay.log').read_text()[-300:]}")
            time.sleep(0.05)


def _start_gnutls(run_dir: Path, w: world.World) -> None:
    """gnutls-serv per GnuTLS target (each on its own port: it cannot bind one address), the nat REDIRECTs
    that send a web target's ip:443 to its port, and the SMTP STARTTLS front for GnuTLS mail servers."""
    ns = netns.in_ns
    for server in w.gnutls:
        _spawn(ns(["gnutls-serv", *server.args]), run_dir / "gnutls" / f"{server.name}.log")
    for ip, port, to_port in w.redirects:
        tool = "ip6tables" if ":" in ip else "iptables"
        rule = ["-t", "nat", "-A", "PREROUTING", "-d", ip, "-p", "tcp", "--dport", str(port)]
        netns.run(ns([tool, *rule, "-j", "REDIRECT", "--to-ports", str(to_port)]))
    if w.deflate_fronts:
        deflate = [sys.executable, "-m", "domeinwacht.lab.deflatefront", str(run_dir / "deflatefront/config.json")]
        _spawn(ns(deflate), run_dir / "deflatefront/front.log")
    if w.smtp_fronts:
        front = [sys.executable, "-m", "domeinwacht.lab.smtpfront", str(run_dir / "smtpfront/config.json")]
        _spawn(ns(front), run_dir / "smtpfront/front.log")


def _site_env(run_dir: Path, site: world.SiteServer) -> dict[str, str]:
    """The application's settings inside the lab: a real secret key (kept in the lab cache, 0600), its host
    names, one trusted proxy (the target's nginx). Its database is the configured SQLite file (the demo's data),
    or a fresh one in the run directory when the configured database is not reachable from the namespace
    (PostgreSQL on the host's loopback)."""
    from domeinwacht import config

    secret = run_dir.parent / "cache" / "site-secret-key"
    if not secret.is_file() or len(secret.read_text().strip()) < 50:
        secret.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50) + "\n")
    settings = config.load()
    database = settings.database_url
    if not database.startswith("sqlite:"):
        database = f"sqlite:///{run_dir / 'site' / 'domeinwacht.sqlite3'}"
    return {
        **os.environ,
        "DOMEINWACHT_DATA_DIR": str(settings.data_dir),
        "DATABASE_URL": database,
        "DOMEINWACHT_BACKEND": "local",
        "DJANGO_SECRET_KEY": secret.read_text().strip(),
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": ",".join(site.hosts),
        "DJANGO_TRUST_X_FORWARDED_PROTO": "1",
        "DOMEINWACHT_PROXIES": "1",
        "DOMEINWACHT_SECURITY_CONTACT": f"mailto:security@{site.hosts[0]}",
    }


def _start_sites(run_dir: Path, w: world.World) -> None:
    """Domeinwacht's own web application behind each `server: domeinwacht` target (dogfooding): `domeinwacht
    serve` in the namespace, on its loopback; the target's nginx terminates TLS and proxies to it."""
    for site in w.sites:
        serve = [sys.executable, "-m", "domeinwacht", "serve", "--host", "127.0.0.1", "--port", str(site.port)]
        _spawn(netns.in_ns([*serve, "--workers", "2"]), _site_log(run_dir, site), env=_site_env(run_dir, site))


def _site_log(run_dir: Path, site: world.SiteServer) -> Path:
    return run_dir / "site" / f"{site.name}.log"


def _site_serving(run_dir: Path, site: world.SiteServer) -> bool:
    """True once `serve` printed its URL; a one-line error of `serve` ends the wait at once."""
    try:
        text = _site_log(run_dir, site).read_text(errors="replace")
    except OSError:
        return False
    if "Serving Domeinwacht on " in text:
        return True
    failed = [line for line in text.splitlines() if line.startswith("domeinwacht: error:")]
    if failed or "Traceback" in text:
        raise LabError(f"{site.name} did not start: {(failed or text.strip().splitlines())[-1]}")
    time.sleep(0.2)
    return False


def _prune(directory: Path, days: int) -> None:
    """Drop cache entries older than ``days`` (signed zones are reused for a day, certificates a week)."""
    cutoff = time.time() - days * 86400
    for entry in directory.glob("*") if directory.exists() else []:
        with contextlib.suppress(OSError):
            if entry.stat().st_mtime < cutoff:
                entry.unlink()


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _spawn(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> None:
    """Start a background server detached from us (`setsid -f` forks, so we keep no child to reap)."""
    with open(log, "wb") as fh:
        subprocess.run(
            ["setsid", "-f", *cmd],
            stdout=fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            check=True,
            timeout=30,
            env=env,
        )


def _tcp_ok(ip: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((ip, port), timeout=timeout):
            return True
    except OSError:
        return False


def _dns_ok(ip: str, name: str) -> bool:
    import dns.message
    import dns.query
    import dns.rcode

    try:
        q = dns.message.make_query(name, "SOA", want_dnssec=True)
        r = dns.query.udp(q, ip, timeout=1.0)
        return r.rcode() == dns.rcode.NOERROR
    except Exception:
        return False


def _zones_loaded(run_dir: Path, expected: int) -> bool:
    """knotd loads zones in the background: ready when every zone reports a serial."""
    done = netns.run(["knotc", "-c", str(run_dir / "knot/knot.conf"), "zone-status"], check=False)
    loaded = sum(1 for line in done.stdout.splitlines() if re.search(r"serial: \d", line))
    if loaded < expected:
        time.sleep(0.4)
    return loaded >= expected


def _validates(resolver: str, name: str) -> bool:
    import dns.flags
    import dns.message
    import dns.query
    import dns.rcode

    try:
        r = dns.query.udp(dns.message.make_query(name, "SOA", want_dnssec=True), resolver, timeout=2.0)
    except Exception:
        return False
    if r.rcode() == dns.rcode.NOERROR and r.flags & dns.flags.AD:
        return True
    time.sleep(0.2)
    return False


def _wait_ready(w: world.World, run_dir: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    checks: list[tuple[str, Any]] = [
        ("knotd", lambda: _dns_ok(A.INFRA["ns1"][0] or "", "test.")),
        ("unbound", lambda: _dns_ok(A.INFRA["resolver"][0] or "", "test.")),
        ("ct log", lambda: _tcp_ok(A.INFRA["ct"][0] or "", 80)),
        ("lying resolvers", lambda: _dns_ok(A.LIARS["strip"], "test.")),
    ]
    web = next((t for t in w.targets.values() if t.ipv4 and t.kind in {"web", "both"}), None)
    if web:
        checks.append(("nginx", lambda: _tcp_ok(web.ipv4[0], 443) or _tcp_ok(web.ipv4[0], 80)))
    mx = next((m for m in w.mail_servers.values() if m["ipv4"] and not m["rate_limit"]), None)
    if mx:
        checks.append(("postfix", lambda: _tcp_ok(mx["ipv4"][0], 25)))
    for server in w.gnutls:  # every gnutls-serv listens on all namespace addresses, the veth's included
        checks.append((f"gnutls-serv {server.name}", lambda port=server.port: _tcp_ok(A.NS_V4, port)))
    for deflate in w.deflate_fronts:  # the scripted DEFLATE fronts listen on every namespace address too
        checks.append((f"DEFLATE front {deflate['name']}", lambda port=deflate["port"]: _tcp_ok(A.NS_V4, port)))
    for front in w.smtp_fronts:
        if front["listen"]:
            checks.append((f"smtp front of {front['host']}", lambda ip=front["listen"][0]: _tcp_ok(ip, 25)))
    for site in w.sites:
        checks.append((f"Domeinwacht's web application {site.name}", lambda s=site: _site_serving(run_dir, s)))
    checks.append(("knotd (all zones loaded)", lambda: _zones_loaded(run_dir, len(w.zone_names))))
    if w.probe_name:
        # end to end: the resolver validates the chain root -> test. -> the last signed target
        checks.append((f"validation of {w.probe_name}", lambda: _validates(A.INFRA["resolver"][0] or "", w.probe_name)))
    for name, probe in checks:
        while not probe():
            if time.monotonic() > deadline:
                raise LabError(f"{name} did not come up within {READY_TIMEOUT:.0f}s")
            time.sleep(0.1)


def measure_rtt(doc: dict[str, Any], samples: int = 5) -> float | None:
    """Median TCP connect time (ms) to the first web target's IPv4 address on 443."""
    target = next((t for t in doc["targets"].values() if t["ipv4"]), None)
    if target is None:
        return None
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        if not _tcp_ok(target["ipv4"][0], 443, timeout=5):
            continue
        times.append((time.perf_counter() - t0) * 1000)
    if not times:
        return None
    times.sort()
    return round(times[len(times) // 2], 2)


def connection_counts() -> dict[str, int]:
    """SYNs counted per rate-limited MX address ("name:ip" -> packets) since bring-up."""
    out: dict[str, int] = {}
    for tool in ("iptables", "ip6tables"):
        done = netns.run(netns.in_ns([tool, "-L", "INPUT", "-v", "-x", "-n"]), check=False)
        for line in done.stdout.splitlines():
            if "dwlab-count:" in line:
                pkts = int(line.split()[0])
                label = line.split("dwlab-count:")[1].split()[0].rstrip("*/").strip()
                out[label] = out.get(label, 0) + pkts
    return out


def register_user() -> Path:
    """Record that this process uses the running lab (the pytest fixture tears down only when alone)."""
    base = _pointer_state_dir() or state_dir()
    users = base / "users"
    users.mkdir(parents=True, exist_ok=True)
    path = users / str(os.getpid())
    path.touch()
    return path


def unregister_user(path: Path) -> int:
    """Forget ``path``; the number of other users still registered (live processes, or the CLI)."""
    path.unlink(missing_ok=True)
    return len(other_users())


def other_users() -> list[str]:
    """Other registered users of the running lab: live pytest processes, and ``cli`` after `lab up`."""
    base = _pointer_state_dir() or state_dir()
    users = base / "users"
    out = []
    for entry in sorted(users.glob("*")) if users.exists() else []:
        if not entry.name.isdigit():
            out.append(entry.name)  # a manual `lab up`: only `lab down` releases it
            continue
        pid = int(entry.name)
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
            out.append(entry.name)
        except ProcessLookupError:
            entry.unlink(missing_ok=True)
    return out


def register_cli_user() -> None:
    """`lab up` from the command line: pytest sessions must not take this lab down when they end."""
    base = _pointer_state_dir() or state_dir()
    (base / "users").mkdir(parents=True, exist_ok=True)
    (base / "users" / "cli").touch()


def _status_doc(  # noqa: PLR0917 - one call site
    scen: Any, w: world.World, run_dir: Path, rtt_ms: int, build_s: float, total_s: float
) -> dict[str, Any]:
    export = run_dir / "export"
    return {
        "up": True,
        "scenario": scen.name,
        "scenario_source": scen.source,
        "scenario_digest": scen.digest,
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "rtt_ms": rtt_ms,
        "rtt_measured_ms": None,
        "bringup_seconds": {"build": round(build_s, 2), "total": round(total_s, 2)},
        "namespace": netns.NETNS,
        "routes": list(A.ROUTED_V4 + A.ROUTED_V6),
        "resolver": w.exports["resolver"],
        "lying_resolvers": dict(A.LIARS),  # lab/liars.py: nxdomain, strip, rewrite
        "trust_anchor_file": str(export / "trust-anchor.txt"),
        "trust_anchor_delv": str(export / "trust-anchor.delv.conf"),
        "ca_file": str(export / "ca.pem"),
        "untrusted_ca_file": str(export / "untrusted-ca.pem"),
        "vrp_file": str(export / "vrp.json"),
        "pfx2as_file": str(export / "pfx2as.tsv"),
        "ct_log": w.exports["ct_log"],
        "name_servers": w.exports["name_servers"],
        "zones": len(w.zone_names),
        "validated_probe": w.probe_name,
        "targets": {
            name: {
                "purpose": t.purpose,
                "kind": t.kind,
                "ipv4": t.ipv4,
                "ipv6": t.ipv6,
                "hosts": t.hosts,
                "mx": t.mx,
            }
            for name, t in w.targets.items()
        },
        "mail_servers": w.mail_servers,
        "gnutls_servers": {server.name: server.port for server in w.gnutls},
        "deflate_fronts": {front["name"]: front["port"] for front in w.deflate_fronts},
        "sites": {site.name: {"port": site.port, "hosts": site.hosts} for site in w.sites},
        "redirects": [f"{ip}:{port}->{to_port}" for ip, port, to_port in w.redirects],
        "counted": [f"{label}:{ip}" for label, ip, _port in w.counted],
    }
