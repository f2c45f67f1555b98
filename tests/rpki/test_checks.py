"""The RPKI checks (CHECKS.md "RPKI"), registered for web and for mail."""

from __future__ import annotations

import json

import pytest

from domeinwacht.checks.registry import CheckContext, evaluate, registered
from domeinwacht.checks.result import Status
from domeinwacht.checks.rpki.roa_exists import roa_exists
from domeinwacht.checks.rpki.valid import routes_valid
from domeinwacht.net.bgp import RpkiTables, parse_routes, parse_vrps
from domeinwacht.observations.rpki import RpkiObservation

VRPS = json.dumps(
    {
        "roas": [
            {"asn": "AS64500", "prefix": "192.0.2.0/24", "maxLength": 24},
            {"asn": "AS64501", "prefix": "2001:db8::/32", "maxLength": 32},
        ]
    }
)
ROUTES = [
    "192.0.2.0/24 64500",  # valid
    "198.51.100.0/24 64502",  # not-found (no ROA)
    "2001:db8::/32 64501",  # valid
    "2001:db8:1::/48 64501",  # invalid: longer than maxLength 32
    "203.0.113.0/24 64999",  # covered below by a ROA for another AS
]


def observation(*ips: str, vrps: str | None = VRPS, routes: list[str] | None = ROUTES) -> RpkiObservation:
    tables = RpkiTables(
        parse_vrps(vrps) if vrps is not None else None,
        "vrps.json",
        None if vrps is not None else "no VRP export configured",
        parse_routes(routes) if routes is not None else None,
        "pfx2as.txt",
        None if routes is not None else "no prefix-to-origin table configured",
    )
    return tables.observe(ips)


@pytest.mark.parametrize(
    "check_id", ["web.rpki.roa_exists", "web.rpki.valid", "mail.rpki.roa_exists", "mail.rpki.valid"]
)
def test_each_id_is_registered_on_its_area(check_id):
    area = check_id.split(".")[0] + "_rpki"
    assert registered()[check_id].area == area


def test_evaluate_runs_the_web_checks_on_the_web_rpki_area():
    results = evaluate({"web_rpki": observation("192.0.2.1")}, CheckContext())
    assert {k for k in results if "rpki" in k} == {"web.rpki.roa_exists", "web.rpki.valid"}
    assert results["web.rpki.valid"].status is Status.PASS


# roa_exists


def test_roa_exists_passes_when_every_address_is_covered():
    result = roa_exists(observation("192.0.2.1", "2001:db8::1"), "web.rpki.roa_exists")
    assert result.status is Status.PASS
    assert result.evidence["addresses"][0]["roas"] == ["192.0.2.0/24-24 AS64500"]


def test_roa_exists_warns_naming_each_uncovered_address():
    result = roa_exists(observation("192.0.2.1", "198.51.100.7"), "mail.rpki.roa_exists")
    assert result.status is Status.WARNING
    assert "198.51.100.7" in result.summary
    assert "192.0.2.1" not in result.summary
    assert result.remedy is not None
    assert result.to_json()["evidence"]["per_server"] == {"192.0.2.1": "pass", "198.51.100.7": "warning"}


def test_roa_exists_is_error_without_vrp_data():
    result = roa_exists(observation("192.0.2.1", vrps=None), "web.rpki.roa_exists")
    assert result.status is Status.ERROR
    assert "no VRP export configured" in result.summary


def test_roa_exists_does_not_need_routing_data():
    result = roa_exists(observation("192.0.2.1", routes=None), "web.rpki.roa_exists")
    assert result.status is Status.PASS


def test_roa_exists_is_not_applicable_without_addresses():
    assert roa_exists(observation(), "web.rpki.roa_exists").status is Status.NOT_APPLICABLE


def test_roa_exists_is_error_for_an_address_that_could_not_be_looked_up():
    result = roa_exists(observation("192.0.2.1", "bogus"), "web.rpki.roa_exists")
    assert result.status is Status.ERROR
    assert "bogus" in result.summary


# valid


def test_valid_passes_when_every_route_is_valid():
    result = routes_valid(observation("192.0.2.1"), "web.rpki.valid")
    assert result.status is Status.PASS
    assert result.evidence["addresses"][0]["routes"] == [
        {
            "prefix": "192.0.2.0/24",
            "origin": "AS64500",
            "state": "valid",
            "covering_vrps": ["192.0.2.0/24-24 AS64500"],
        }
    ]


def test_valid_fails_for_a_not_found_route():
    result = routes_valid(observation("192.0.2.1", "198.51.100.9"), "web.rpki.valid")
    assert result.status is Status.FAIL
    assert "198.51.100.0/24 from AS64502: not covered by any ROA" in result.summary
    assert result.to_json()["evidence"]["per_server"] == {"192.0.2.1": "pass", "198.51.100.9": "fail"}


def test_valid_fails_for_a_route_longer_than_max_length():
    result = routes_valid(observation("2001:db8:1::1"), "mail.rpki.valid")
    assert result.status is Status.FAIL
    assert "2001:db8:1::/48 from AS64501: RPKI-invalid (longer than maxLength)" in result.summary
    assert result.remedy is not None
    assert "maxLength" in result.remedy


def test_valid_fails_for_an_unauthorised_origin():
    vrps = json.dumps({"roas": [{"asn": 64500, "prefix": "203.0.113.0/24", "maxLength": 24}]})
    result = routes_valid(observation("203.0.113.1", vrps=vrps), "web.rpki.valid")
    assert result.status is Status.FAIL
    assert "origin AS not authorised" in result.summary


def test_valid_judges_every_covering_route_not_only_the_longest_match():
    routes = ["192.0.2.0/24 64500", "192.0.0.0/16 64500"]  # the /16 is not covered by any ROA
    result = routes_valid(observation("192.0.2.1", routes=routes), "web.rpki.valid")
    assert result.status is Status.FAIL
    assert result.evidence["addresses"][0]["longest_match"] == "192.0.2.0/24"


def test_valid_is_not_applicable_when_no_route_covers_any_address():
    result = routes_valid(observation("100.64.0.1"), "web.rpki.valid")
    assert result.status is Status.NOT_APPLICABLE
    assert result.evidence["unrouted"] == ["100.64.0.1"]


def test_valid_lists_unrouted_addresses_next_to_routed_ones():
    result = routes_valid(observation("192.0.2.1", "100.64.0.1"), "web.rpki.valid")
    assert result.status is Status.PASS
    assert result.evidence["unrouted"] == ["100.64.0.1"]


@pytest.mark.parametrize(
    ("vrps", "routes", "reason"),
    [
        (None, ROUTES, "no VRP export configured"),
        (VRPS, None, "no prefix-to-origin table configured"),
    ],
)
def test_valid_is_error_without_either_data_set(vrps, routes, reason):
    result = routes_valid(observation("192.0.2.1", vrps=vrps, routes=routes), "web.rpki.valid")
    assert result.status is Status.ERROR
    assert reason in result.summary


def test_every_non_pass_result_has_a_remedy():
    for ips in (("198.51.100.1",), ("2001:db8:1::1",)):
        obs = observation(*ips)
        for result in (roa_exists(obs, "web.rpki.roa_exists"), routes_valid(obs, "web.rpki.valid")):
            if result.status is not Status.PASS:
                assert result.remedy
