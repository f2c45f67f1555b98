"""Discovery on the lab's discovery scenario: every hidden host is found by exactly the sources the scenario
declares, nothing outside the domain is attributed to it, and no wildcard label is reported as a host."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from typing import Any

import pytest

from domeinwacht.discovery import wordlist
from domeinwacht.discovery.context import DiscoveryContext
from domeinwacht.discovery.found import Discovery
from domeinwacht.discovery.run import discover
from domeinwacht.net.dns import Resolver, ResolverConfig
from domeinwacht.net.guard import AddressGuard

pytestmark = pytest.mark.lab


def _truth(lab: Any) -> dict[str, Any]:
    return dict(lab.scenario.extra["discovery"])


@pytest.fixture(scope="module")
def found(lab: Any) -> dict[str, Discovery]:
    async def run() -> dict[str, Discovery]:
        guard = AddressGuard(allow_non_public=True)
        ctx = DiscoveryContext(
            resolver=Resolver(ResolverConfig(nameservers=(lab.resolver,)), guard=guard),
            guard=guard,
            ca_file=lab.ca_file,
            ct_logs=(lab.status["ct_log"],),
            wordlist=wordlist.labels(),
        )
        return {domain: await discover(domain, ctx) for domain in _truth(lab)}

    return asyncio.run(run())


def _hosts(found: Discovery) -> dict[str, tuple[str, ...]]:
    return {h.name: h.sources for h in found.hosts}


def test_every_hidden_host_is_found_by_exactly_its_declared_sources(lab: Any, found: dict[str, Discovery]) -> None:
    for domain, truth in _truth(lab).items():
        hosts = _hosts(found[domain])
        for name, sources in (truth.get("hosts") or {}).items():
            assert name in hosts, f"{name} not found; found {hosts}; sources {found[domain].sources}"
            assert sorted(hosts[name]) == sorted(sources), f"{name}: found by {hosts[name]}, declared {sources}"


def test_no_host_outside_the_domain_is_reported(found: dict[str, Discovery]) -> None:
    for domain, result in found.items():
        outside = [h.name for h in result.hosts if not h.name.endswith("." + domain)]
        assert outside == [], f"{domain}: {outside}"


def test_names_declared_not_hosts_are_not_reported(lab: Any, found: dict[str, Discovery]) -> None:
    for domain, truth in _truth(lab).items():
        for name in truth.get("not_hosts") or []:
            assert name not in _hosts(found[domain]), f"{domain}: {name} reported as a host"


def test_a_wildcard_zone_is_recognised_and_no_guessed_label_becomes_a_host(found: dict[str, Discovery]) -> None:
    wild = found["disc-wild.test"]
    assert wild.wildcard is True
    assert "192.0.2.251" in wild.wildcard_answer
    assert [h.name for h in wild.hosts if "wordlist" in h.sources] == []
    assert all(not found[d].wildcard for d in found if d != "disc-wild.test")


def test_an_alias_to_an_unclaimed_name_is_found_with_its_dangling_chain(found: dict[str, Discovery]) -> None:
    hosts = {h.name: h for h in found["disc-takeover.test"].hosts}
    app = hosts["app.disc-takeover.test"]
    assert app.rcode == "NXDOMAIN"
    assert app.cname_chain[-1] == "gone-4711.hosting.test"
    assert app.addresses == ()
    assert hosts["shop.disc-takeover.test"].addresses == ("192.0.2.252",)


def test_a_refused_transfer_is_reported_per_server_not_as_an_error(found: dict[str, Discovery]) -> None:
    report = found["disc-nsec.test"].sources["axfr"]
    assert report.error is None
    assert report.names == frozenset()
    assert all(
        "refused" in outcome.lower() or "notauth" in outcome.lower() for outcome in report.detail["servers"].values()
    )


def test_discover_cli_prints_the_json_contract(lab: Any, tmp_path: Any) -> None:
    env = {**os.environ, "DOMEINWACHT_DATA_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "domeinwacht", "discover", "disc-axfr.test", "disc-word.test", "--lab", "--no-store",
         "--format", "json", "--sources", "axfr,wordlist"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert [b["domain"] for b in body] == ["disc-axfr.test", "disc-word.test"]
    for entry in body:
        assert set(entry) >= {"domain", "hosts", "wildcard"}
        for host in entry["hosts"]:
            assert set(host) >= {"name", "sources", "addresses"}
    names = {h["name"] for entry in body for h in entry["hosts"]}
    assert {"zq-archief-2019.disc-axfr.test", "intranet.disc-word.test"} <= names


def _check(args: list[str], tmp_path: Any) -> dict[str, Any]:
    env = {**os.environ, "DOMEINWACHT_DATA_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "domeinwacht", "check", *args, "--lab", "--web", "--format", "json"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    return dict(json.loads(out.stdout))


def test_check_finds_a_dangling_alias_below_the_apex(tmp_path: Any) -> None:
    result = _check(["disc-takeover.test"], tmp_path)["checks"]["hygiene.dangling_cname"]
    assert result["status"] == "fail"
    assert "app.disc-takeover.test" in result["summary"]
    assert "found by discovery" in result["summary"]
    assert result["evidence"]["discovery"]["hosts"]["app.disc-takeover.test"] == ["nsec", "wordlist"]


def test_check_without_discovery_sees_only_the_domain_and_www(tmp_path: Any) -> None:
    result = _check(["disc-takeover.test", "--no-discover"], tmp_path)["checks"]["hygiene.dangling_cname"]
    assert result["status"] == "pass"
    assert "discovery not run" in result["summary"]
