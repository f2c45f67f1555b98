"""observe_rpki: tables loaded once per run from the configured files; missing data is recorded, not raised."""

from __future__ import annotations

import asyncio
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domeinwacht.net import bgp
from domeinwacht.net.bgp import RpkiTables, load_tables, observe_rpki, parse_routes, parse_vrps
from domeinwacht.observations.rpki import (
    IpRpki,
    RouteValidation,
    RovState,
    RpkiObservation,
    Vrp,
)
from domeinwacht.scan.env import ScanEnv, ScanOptions
from domeinwacht.serde import from_jsonable, to_jsonable

VRPS = {"roas": [{"asn": "AS64500", "prefix": "192.0.2.0/24", "maxLength": 24, "ta": "lab"}]}
ROUTES = "192.0.2.0/24 64500\n198.51.100.0/24 64501\n"


@pytest.fixture
def data_files(tmp_path):
    vrp_file = tmp_path / "vrps.json"
    vrp_file.write_text(json.dumps(VRPS))
    routes_file = tmp_path / "pfx2as.txt"
    routes_file.write_text(ROUTES)
    return vrp_file, routes_file


def observe(options: ScanOptions, ips, **kwargs) -> RpkiObservation:
    async def run() -> RpkiObservation:
        return await observe_rpki(ips, ScanEnv(options), **kwargs)

    return asyncio.run(run())


def test_configured_files_give_roas_and_validated_routes(data_files):
    vrp_file, routes_file = data_files
    obs = observe(ScanOptions(vrp_file=vrp_file, pfx2as_file=routes_file), ["192.0.2.5"])
    (address,) = obs.addresses
    assert address.roas == (Vrp("192.0.2.0/24", 24, 64500, "lab"),)
    assert [(r.prefix, r.origin, r.state) for r in address.routes] == [("192.0.2.0/24", 64500, RovState.VALID)]
    assert (obs.vrp_count, obs.route_count) == (1, 2)


def test_hosts_name_the_addresses(data_files):
    vrp_file, routes_file = data_files
    obs = observe(
        ScanOptions(vrp_file=vrp_file, pfx2as_file=routes_file),
        ["192.0.2.5"],
        hosts={"192.0.2.5": "mx.example.nl"},
    )
    assert obs.addresses[0].host == "mx.example.nl"


def test_tables_are_loaded_once_per_run(data_files, monkeypatch):
    vrp_file, routes_file = data_files
    calls = []
    real = bgp.load_tables

    def counting(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(bgp, "load_tables", counting)

    async def run() -> None:
        env = ScanEnv(ScanOptions(vrp_file=vrp_file, pfx2as_file=routes_file))
        await asyncio.gather(*(observe_rpki(["192.0.2.1"], env) for _ in range(5)))

    asyncio.run(run())
    assert len(calls) == 1


def test_unconfigured_files_are_recorded_as_errors():
    obs = observe(ScanOptions(), ["192.0.2.5"])
    assert "no VRP export configured" in (obs.vrp_error or "")
    assert "no prefix-to-origin table configured" in (obs.routes_error or "")
    assert obs.addresses[0].routes == ()


def test_unreadable_file_is_recorded_with_its_path(tmp_path):
    missing = tmp_path / "absent.json"
    obs = observe(ScanOptions(vrp_file=missing, pfx2as_file=missing), ["192.0.2.5"])
    assert obs.vrp_error is not None
    assert "unreadable" in obs.vrp_error
    assert str(missing) in obs.vrp_error


def test_malformed_file_is_recorded_with_line_and_reason(tmp_path):
    routes = tmp_path / "pfx2as.txt"
    routes.write_text("192.0.2.0/24 64500\n192.0.2.0/99 1\n")
    tables = load_tables(None, routes)
    assert tables.routes_error is not None
    assert "line 2" in tables.routes_error
    assert "prefix length 99" in tables.routes_error


def test_address_that_is_not_an_ip_is_recorded_per_address():
    tables = RpkiTables(parse_vrps(json.dumps(VRPS)), "v", None, parse_routes([]), "r", None)
    obs = tables.observe(["not-an-ip", "192.0.2.1"])
    assert obs.addresses[0].error == "'not-an-ip' is not an IPv4 address"
    assert obs.addresses[1].error is None


def test_observation_round_trips_through_json(data_files):
    vrp_file, routes_file = data_files
    obs = observe(
        ScanOptions(vrp_file=vrp_file, pfx2as_file=routes_file),
        ["192.0.2.5", "198.51.100.1", "2001:db8::1"],
    )
    assert from_jsonable(RpkiObservation, json.loads(json.dumps(to_jsonable(obs)))) == obs


vrp_values = st.builds(
    Vrp, st.sampled_from(["192.0.2.0/24", "2001:db8::/32"]), st.integers(0, 128), st.integers(0, 2**32 - 1), st.text()
)
route_values = st.builds(
    RouteValidation,
    st.text(),
    st.one_of(st.none(), st.integers(0, 2**32 - 1)),
    st.sampled_from(RovState),
    st.lists(st.integers(0, 2**32 - 1), max_size=3).map(tuple),
    st.lists(vrp_values, max_size=3).map(tuple),
)
observations = st.builds(
    RpkiObservation,
    st.lists(
        st.builds(
            IpRpki,
            st.text(),
            st.one_of(st.none(), st.text()),
            st.lists(vrp_values, max_size=3).map(tuple),
            st.lists(route_values, max_size=3).map(tuple),
            st.one_of(st.none(), st.text()),
        ),
        max_size=3,
    ).map(tuple),
    st.one_of(st.none(), st.text()),
    st.one_of(st.none(), st.text()),
    st.integers(0, 10**6),
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # shared machine
@given(observations)
def test_any_observation_round_trips_through_json(obs):
    assert from_jsonable(RpkiObservation, to_jsonable(obs)) == obs


def test_an_address_is_looked_up_once_per_run_and_named_per_caller():
    tables = RpkiTables(parse_vrps(json.dumps(VRPS)), "v", None, parse_routes(ROUTES.splitlines()), "r", None)
    first = tables.observe(["192.0.2.5"], hosts={"192.0.2.5": "www.a.nl"})
    second = tables.observe(["192.0.2.5"], hosts={"192.0.2.5": "www.b.nl"})
    assert first.addresses[0].host == "www.a.nl"
    assert second.addresses[0].host == "www.b.nl"
    assert first.addresses[0].routes is second.addresses[0].routes
