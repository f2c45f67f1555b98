"""The lab's network namespace, its veth pair to the host and the host routes — created and removed whole.

Everything in the namespace is addressed on its side of the veth; the host routes exactly the lab prefixes
(addresses.ROUTED_*) into the veth while the lab is up, and nothing else. The namespace has no default route
and forwarding is off, so nothing in it can reach anything but the host end of the veth.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from domeinwacht.lab import addresses as A

NETNS = "dwlab"
HOST_IF = "dwlab0"
NS_IF = "dwlab1"


class LabCommandError(RuntimeError):
    """A system command the lab needs failed (message carries the command and its stderr)."""


def run(
    cmd: Sequence[str], *, check: bool = True, input_text: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(list(cmd), capture_output=True, text=True, input=input_text, timeout=timeout, check=False)
    if check and done.returncode != 0:
        raise LabCommandError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()}")
    return done


def in_ns(cmd: Sequence[str]) -> list[str]:
    return ["ip", "netns", "exec", NETNS, *cmd]


def exists() -> bool:
    return Path(f"/run/netns/{NETNS}").exists()


def create(addresses4: Iterable[str], addresses6: Iterable[str]) -> None:
    """Create the namespace, the veth pair, the addresses and the host routes."""
    run(["ip", "netns", "add", NETNS])
    try:
        run(["ip", "link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF, "netns", NETNS])
        _sysctl_host(f"net.ipv6.conf.{HOST_IF}.accept_dad", "0")
        for key, value in (
            ("net.ipv4.ip_forward", "0"),
            ("net.ipv6.conf.all.forwarding", "0"),
            (f"net.ipv6.conf.{NS_IF}.accept_dad", "0"),
            ("net.ipv6.conf.all.accept_dad", "0"),
        ):
            run(in_ns(["sysctl", "-q", "-w", f"{key}={value}"]))
        host_batch = [
            f"addr add {A.HOST_V4}/32 dev {HOST_IF}",
            f"addr add {A.HOST_V6}/128 dev {HOST_IF} nodad",
            f"link set {HOST_IF} up",
        ]
        ns_batch = [
            "link set lo up",
            f"addr add {A.NS_V4}/32 dev {NS_IF}",
            f"addr add {A.NS_V6}/128 dev {NS_IF} nodad",
        ]
        ns_batch += [f"addr add {ip}/32 dev {NS_IF}" for ip in sorted(set(addresses4)) if ip != A.NS_V4]
        ns_batch += [f"addr add {ip}/128 dev {NS_IF} nodad" for ip in sorted(set(addresses6)) if ip != A.NS_V6]
        ns_batch += [
            f"link set {NS_IF} up",
            f"route add {A.HOST_V4}/32 dev {NS_IF}",
            f"route add {A.HOST_V6}/128 dev {NS_IF}",
        ]
        run(["ip", "-batch", "-"], input_text="\n".join(host_batch) + "\n")
        run(in_ns(["ip", "-batch", "-"]), input_text="\n".join(ns_batch) + "\n")
        routes = [f"route add {p} dev {HOST_IF} src {A.HOST_V4}" for p in A.ROUTED_V4]
        routes += [f"route add {p} dev {HOST_IF} src {A.HOST_V6}" for p in A.ROUTED_V6]
        run(["ip", "-batch", "-"], input_text="\n".join(routes) + "\n")
    except Exception:
        destroy()
        raise


def _sysctl_host(key: str, value: str) -> None:
    path = Path("/proc/sys") / key.replace(".", "/")
    if path.exists():
        path.write_text(value)


def pids() -> list[int]:
    if not exists():
        return []
    out = run(["ip", "netns", "pids", NETNS], check=False)
    return [int(p) for p in out.stdout.split() if p.strip().isdigit()]


def kill_all(grace: float = 3.0) -> None:
    """Stop every process in the namespace: SIGTERM, then SIGKILL after ``grace`` seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        victims = pids()
        for pid in victims:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while victims and time.monotonic() < deadline:
            victims = [p for p in victims if _alive(p)]
            time.sleep(0.05)
        if not pids():
            return


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def destroy() -> None:
    """Remove the namespace (and with it the veth pair, its addresses and the host routes)."""
    kill_all()
    if Path(f"/sys/class/net/{HOST_IF}").exists():
        run(["ip", "link", "del", HOST_IF], check=False)
    if exists():
        run(["ip", "netns", "del", NETNS], check=False)
