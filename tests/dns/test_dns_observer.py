"""The DNS observer end to end on loopback: signed zones behind a fake resolver and a fake name server."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import dns.dnssec
import dns.name
import dns.rdatatype
import pytest
from dnszones import NOW, FakeNet, standard_tree
from loopdns import fake_server, serve_zones

import domeinwacht.scan.observe.dns as observe_module
from domeinwacht.checks.registry import CheckContext, evaluate
from domeinwacht.checks.result import Status
from domeinwacht.observations.dns import DnsObservation
from domeinwacht.observations.dnssec import DnssecStatus
from domeinwacht.scan.env import ScanEnv, ScanOptions
from domeinwacht.scan.observe import dump_observations, load_observations, observers


def anchor_file(net: FakeNet, tmp_path: Path) -> Path:
    root = net.zone(".")
    ds = dns.dnssec.make_ds(root.origin, root.ksk.dnskey, 2)
    path = tmp_path / "anchor.ds"
    path.write_text(f". IN DS {ds.to_text()}\n")
    return path


def observe(
    net: FakeNet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, domain: str = "example.test", **extra: Any
) -> Any:
    async def go() -> dict[str, Any]:
        async with fake_server(serve_zones(net)) as port:
            monkeypatch.setattr(observe_module, "NS_PORT", port)
            env = ScanEnv(
                ScanOptions(
                    resolver=(f"127.0.0.1:{port}",),
                    trust_anchor_file=anchor_file(net, tmp_path),
                    allow_non_public=True,
                    io_timeout=0.3,
                    **extra,
                )
            )
            return dict(await observe_module.observe_dns(domain, env))

    return asyncio.run(go())


def world() -> FakeNet:
    net, _root, _test, example = standard_tree()
    example.remove("example.test.", "NS")
    example.add("example.test.", "NS", "ns1.example.test.")
    example.add("ns1.example.test.", "A", "127.0.0.1")
    example.add("ns1.example.test.", "AAAA", "::1")
    example.add("example.test.", "CAA", '0 issue "ca.test"')
    net.rebuild()
    return net


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Validate at the zones' signing time (they are signed around dnszones.NOW)."""
    real = observe_module.validate

    async def at_now(*args: Any, **kwargs: Any) -> Any:
        return await real(*args, **{**kwargs, "now": NOW})

    monkeypatch.setattr(observe_module, "validate", at_now)


def test_with_dnssec_untrusted_no_name_is_validated_and_dnssec_checks_say_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reason = "DNSSEC not validated: the resolver preflight was skipped (--skip-preflight)"
    areas = observe(world(), tmp_path, monkeypatch, dnssec_untrusted=reason)
    assert areas["dns"].dnssec is None
    results = evaluate(areas, CheckContext(now=NOW))
    for check_id in ("dns.dnssec.secure", "dns.dnssec.algorithms"):
        assert results[check_id].status is Status.ERROR
        assert reason in results[check_id].summary
    assert results["dns.caa"].status is Status.PASS  # the rest is measured as usual


def test_the_observer_is_registered_for_web_and_mail() -> None:
    entry = observers()["dns"]
    assert entry.groups == {"web", "mail"}
    assert entry.produces == {"dns": DnsObservation}


def test_a_signed_domain_is_observed_secure_with_its_zone_chain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    obs: DnsObservation = observe(world(), tmp_path, monkeypatch)["dns"]
    assert obs.dnssec is not None
    assert obs.dnssec.status is DnssecStatus.SECURE, obs.dnssec.reason
    assert [link.zone for link in obs.dnssec.chain] == [".", "test.", "example.test."]


def test_every_name_server_address_is_probed_directly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    obs: DnsObservation = observe(world(), tmp_path, monkeypatch)["dns"]
    assert obs.zone == "example.test"
    (server,) = obs.ns
    assert server.name == "ns1.example.test"
    assert (server.ipv4, server.ipv6) == (("127.0.0.1",), ("::1",))
    v4 = next(p for p in server.probes if p.family == 4)
    assert v4.answered and v4.authoritative and v4.transport == "udp"
    v6 = next(p for p in server.probes if p.family == 6)
    assert not v6.authoritative and v6.error  # nothing listens on ::1 at that port


def test_caa_is_found_by_climbing_and_through_the_www_alias(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    obs: DnsObservation = observe(world(), tmp_path, monkeypatch)["dns"]
    apex, www = obs.caa
    assert (apex.host, apex.owner, apex.records) == ("example.test", "example.test", ('0 issue "ca.test"',))
    assert www.records == ('0 issue "ca.test"',)


def test_cname_chains_are_followed_to_their_addresses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    obs: DnsObservation = observe(world(), tmp_path, monkeypatch)["dns"]
    apex, www = obs.cnames
    assert apex.chain == ()
    assert www.chain == ("www.example.test", "example.test")
    assert www.addresses == ("192.0.2.1",)


def test_a_www_alias_to_a_missing_name_is_observed_as_nxdomain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    net = world()
    example = net.zone("example.test.")
    example.remove("www.example.test.", "CNAME")
    example.add("www.example.test.", "CNAME", "gone.example.test.")
    net.rebuild()
    obs: DnsObservation = observe(net, tmp_path, monkeypatch)["dns"]
    www = obs.cnames[1]
    assert www.rcode == "NXDOMAIN"
    assert www.chain == ("www.example.test", "gone.example.test")


def test_the_observation_survives_storage_and_the_checks_judge_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bag = observe(world(), tmp_path, monkeypatch)
    reloaded = load_observations(dump_observations(bag))
    assert reloaded == bag
    results = evaluate(reloaded, CheckContext(now=NOW), only_areas={"dns"})
    assert results["dns.dnssec.secure"].status is Status.PASS
    assert results["dns.caa"].status is Status.PASS
    assert results["dns.ns.ipv4_reach"].status is Status.PASS
    assert results["dns.ns.ipv6"].status is Status.FAIL  # one name server only
    assert results["dns.ns.ipv6_reach"].status is Status.FAIL
    assert results["hygiene.dangling_cname"].status is Status.PASS


def test_an_unusable_trust_anchor_is_recorded_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    net = world()

    async def go() -> DnsObservation:
        async with fake_server(serve_zones(net)) as port:
            monkeypatch.setattr(observe_module, "NS_PORT", port)
            bad = tmp_path / "bad.ds"
            bad.write_text("this is not a DS record\n")
            env = ScanEnv(
                ScanOptions(
                    resolver=(f"127.0.0.1:{port}",), trust_anchor_file=bad, allow_non_public=True, io_timeout=0.3
                )
            )
            return (await observe_module.observe_dns("example.test", env))["dns"]  # type: ignore[no-any-return]

    obs = asyncio.run(go())
    assert obs.dnssec is None
    assert obs.dnssec_error.startswith("trust anchor unusable")


def test_a_silent_resolver_gives_reasons_everywhere_within_the_budget(tmp_path: Path) -> None:
    async def go() -> DnsObservation:
        async with fake_server(lambda d, t: None) as port:
            env = ScanEnv(ScanOptions(resolver=(f"127.0.0.1:{port}",), allow_non_public=True, io_timeout=0.3))
            env.resolver.config = type(env.resolver.config)(
                nameservers=(f"127.0.0.1:{port}",), timeout=0.2, attempts=1, lifetime=0.5
            )
            return (await observe_module.observe_dns("example.test", env))["dns"]  # type: ignore[no-any-return]

    obs = asyncio.run(go())
    assert obs.ns_error.startswith("NS lookup for example.test failed")
    assert obs.dnssec is not None and obs.dnssec.status is DnssecStatus.INDETERMINATE
    assert all(c.error for c in obs.cnames)
    assert all(c.error for c in obs.caa)


def test_a_loop_the_resolver_refuses_is_walked_and_caa_climbs_past_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    net = world()
    example = net.zone("example.test.")
    example.remove("www.example.test.", "CNAME")
    example.add("www.example.test.", "CNAME", "loop1.example.test.")
    example.add("loop1.example.test.", "CNAME", "loop2.example.test.")
    example.add("loop2.example.test.", "CNAME", "loop1.example.test.")
    net.rebuild()
    www = dns.name.from_text("www.example.test.")
    for rdtype in (dns.rdatatype.A, dns.rdatatype.CAA):
        net.servfail.add((www, rdtype))  # what Unbound answers for a loop
    obs: DnsObservation = observe(net, tmp_path, monkeypatch)["dns"]
    chain = obs.cnames[1]
    assert chain.rcode == "CNAME_LOOP"
    assert chain.chain == ("www.example.test", "loop1.example.test", "loop2.example.test", "loop1.example.test")
    caa = obs.caa[1]
    assert (caa.owner, caa.skipped) == ("example.test", ("www.example.test",))


def test_name_server_addresses_go_through_the_address_guard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    net = world()

    async def go() -> DnsObservation:
        async with fake_server(serve_zones(net)) as port:
            monkeypatch.setattr(observe_module, "NS_PORT", port)
            options = ScanOptions(resolver=(f"127.0.0.1:{port}",), trust_anchor_file=anchor_file(net, tmp_path))
            return (await observe_module.observe_dns("example.test", ScanEnv(options)))["dns"]  # type: ignore[no-any-return]

    obs = asyncio.run(go())
    probe = obs.ns[0].probes[0]
    assert not probe.answered
    assert probe.error.startswith("refusing to connect to 127.0.0.1: loopback address")
    result = evaluate({"dns": obs}, CheckContext(now=NOW), only_areas={"dns"})["dns.ns.ipv4_reach"]
    assert result.status is Status.ERROR
