"""`lab up` / `lab down` as a whole: idempotent, a real on-the-wire delay, and nothing left behind.

Runs its own bring-up of a small scenario (tests/lab/data/mini.yaml, with --rtt-ms 40). If a lab was up
before (e.g. the session fixture's), it is taken down first and brought back up afterwards.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from domeinwacht.lab import manager, netns

pytestmark = pytest.mark.lab

MINI = str(Path(__file__).parent / "data" / "mini.yaml")
RTT = 40
LAB_PROCESS_NAMES = {
    "knotd",
    "unbound",
    "nginx",
    "master",
    "qmgr",
    "pickup",
    "smtpd",
    "anvil",
    "tlsmgr",
    "postlogd",
    "gnutls-serv",
}


def sh(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False).stdout


def lab_processes() -> set[tuple[int, str]]:
    """Live (non-zombie) processes that look like lab servers or lab helpers."""
    out = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            comm = stat[stat.index("(") + 1 : stat.rindex(")")]
            state = stat[stat.rindex(")") + 2]
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError):
            continue
        if state == "Z":
            continue
        if comm in LAB_PROCESS_NAMES or "domeinwacht.lab." in cmdline:
            out.add((int(entry.name), comm))
    return out


def snapshot() -> dict[str, object]:
    return {
        "netns": sh("ip", "netns", "list"),
        "routes": sh("ip", "route"),
        "routes6": sh("ip", "-6", "route"),
        "links": sorted(line.split(":")[1].strip().split("@")[0] for line in sh("ip", "-o", "link").splitlines()),
        "processes": lab_processes(),
    }


@pytest.fixture(scope="module")
def cycle():
    if os.geteuid() != 0:
        pytest.fail("lab tests need root (CI runs as root)", pytrace=False)
    previous = manager.status()
    if previous and manager.other_users():
        pytest.skip(f"the lab is in use by other sessions ({manager.other_users()}); not taking it down")
    if previous:
        manager.down()
    before = snapshot()
    first = manager.up(MINI, rtt_ms=RTT)
    again = manager.up(MINI, rtt_ms=RTT)
    during = snapshot()
    was_up = manager.is_up()
    route_while_up = sh("ip", "route", "show", "198.51.100.0/24")
    ns_routes = sh(*netns.in_ns(["ip", "route"])) + sh(*netns.in_ns(["ip", "-6", "route"]))
    ns_forwarding = sh(*netns.in_ns(["sysctl", "-n", "net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"]))
    ns_commands = [
        Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        for pid in netns.pids()
        if Path(f"/proc/{pid}/cmdline").exists()
    ]
    ns_nat = sh(*netns.in_ns(["iptables", "-t", "nat", "-S"])) + sh(*netns.in_ns(["ip6tables", "-t", "nat", "-S"]))
    state_dir = manager.state_dir()
    down_result = manager.down()
    after = snapshot()
    result = {
        "before": before,
        "during": during,
        "after": after,
        "first": first,
        "again": again,
        "was_up": was_up,
        "ns_routes": ns_routes,
        "ns_forwarding": ns_forwarding,
        "ns_nat": ns_nat,
        "ns_commands": ns_commands,
        "is_up_after": manager.is_up(),
        "route_while_up": route_while_up,
        "route_after": sh("ip", "route", "show", "198.51.100.0/24"),
        "down_result": down_result,
        "second_down": manager.down(),
        "state_dir": state_dir,
    }
    try:
        yield result
    finally:
        if previous:
            manager.up(
                previous["scenario_source"]
                if "/" in previous["scenario_source"]
                else previous["scenario_source"].removesuffix(".yaml"),
                previous.get("rtt_ms", 0),
            )


def test_up_creates_the_namespace_veth_and_routes(cycle):
    assert netns.NETNS in cycle["during"]["netns"]
    assert netns.HOST_IF in cycle["during"]["links"]
    assert "dev dwlab0" in cycle["route_while_up"]
    assert cycle["was_up"]


def test_nothing_in_the_namespace_routes_or_forwards_elsewhere(cycle):
    assert "default" not in cycle["ns_routes"]
    assert cycle["ns_forwarding"].split() == ["0", "0"]


def test_up_starts_the_servers(cycle):
    names = {comm for _pid, comm in cycle["during"]["processes"] - cycle["before"]["processes"]}
    assert {"knotd", "unbound", "nginx", "master", "gnutls-serv"} <= names


def test_up_starts_the_smtp_front_for_the_gnutls_mx(cycle):
    assert any("domeinwacht.lab.smtpfront" in command for command in cycle["ns_commands"])


def test_the_gnutls_web_target_is_redirected_from_443_inside_the_namespace(cycle):
    redirects = [line for line in cycle["ns_nat"].splitlines() if "REDIRECT" in line]
    assert len(redirects) == 2  # its IPv4 and IPv6 address
    assert all("--dport 443" in line for line in redirects)


def test_up_twice_is_idempotent(cycle):
    assert cycle["again"]["started"] == cycle["first"]["started"]


def test_rtt_is_a_real_on_the_wire_delay(cycle):
    measured = cycle["first"]["rtt_measured_ms"]
    assert measured is not None
    assert RTT * 0.85 <= measured < RTT * 5


def test_down_leaves_netns_routes_links_and_processes_as_they_were(cycle):
    for key in ("netns", "routes", "routes6", "links", "processes"):
        assert cycle["after"][key] == cycle["before"][key], key


def test_no_route_to_the_lab_prefixes_while_down(cycle):
    assert cycle["route_after"].strip() == ""
    assert not cycle["is_up_after"]


def test_down_removes_generated_files(cycle):
    assert not (cycle["state_dir"] / "run").exists()
    assert not manager.POINTER.exists()


def test_down_when_already_down_is_harmless(cycle):
    assert cycle["down_result"] is True
    assert cycle["second_down"] is False
