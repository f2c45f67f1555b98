"""The measurements API: finished measurements, their figures, results per domain and per organisation."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from domeinwacht.web.measurements import report
from measurements.factories import planned, stored
from register.factories import DomainFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

GOOD = {"web.https.available": "pass", "web.https.redirect": "pass", "web.hsts": "pass"}
NO_HSTS = {**GOOD, "web.hsts": "fail"}


@pytest.fixture
def measurement():
    return stored(
        [
            ("a.example.nl", "Gemeente A", "gemeente", GOOD),
            ("b.example.nl", "Gemeente B", "gemeente", NO_HSTS),
            ("c.example.nl", "Provincie C", "provincie", GOOD),
        ],
        name="2026-H1",
    )


def get(url, **query):
    response = APIClient().get(url, query)
    assert response.status_code == 200, response.content
    return response.json()


def test_only_finished_measurements_are_listed(measurement):
    planned(name="running")
    assert [m["name"] for m in get("/api/v1/measurements")["results"]] == ["2026-H1"]


def test_an_unfinished_measurement_is_not_found(measurement):
    planned(name="running")
    assert APIClient().get("/api/v1/measurements/running").status_code == 404


def test_statistics_are_the_report_figures(measurement):
    body = get("/api/v1/measurements/2026-H1/statistics")
    data = report.build(measurement)
    assert body["overall"] == data["overall"]
    assert body["organisation_types"] == data["organisation_types"]
    assert body["change"] == data["change"]
    assert body["furthest_behind"] == data["furthest_behind"]


def test_statistics_over_time_list_every_finished_measurement(measurement):
    stored([("a.example.nl", "Gemeente A", "gemeente", GOOD)], name="2026-H2")
    body = get("/api/v1/statistics")
    assert [s["measurement"]["name"] for s in body["results"]] == ["2026-H2", "2026-H1"]
    assert body["results"][0]["change"]["overall"]["HSTS"]["change"] == 33.3


def test_results_list_every_domain_with_its_outcome(measurement):
    body = get("/api/v1/measurements/2026-H1/results")
    rows = {r["domain"]: r for r in body["results"]}
    assert body["count"] == 3
    assert rows["b.example.nl"]["standards"]["HSTS"] == "not_compliant"
    assert rows["b.example.nl"]["findings"] == ["web.hsts"]
    assert rows["b.example.nl"]["traffic_light"] == "red"


def test_results_filter_by_type_and_traffic_light(measurement):
    assert [r["domain"] for r in get("/api/v1/measurements/2026-H1/results", type="provincie")["results"]] == [
        "c.example.nl"
    ]
    red = get("/api/v1/measurements/2026-H1/results", traffic_light="red")["results"]
    assert [r["domain"] for r in red] == ["b.example.nl"]


def test_results_search_matches_domain_or_organisation(measurement):
    found = get("/api/v1/measurements/2026-H1/results", search="provincie")["results"]
    assert [r["domain"] for r in found] == ["c.example.nl"]


def test_one_result_lists_every_check_with_evidence(measurement):
    body = get("/api/v1/measurements/2026-H1/results/B.Example.NL.")
    checks = {c["check_id"]: c for c in body["checks"]}
    assert set(checks) == set(NO_HSTS)
    assert checks["web.hsts"]["status"] == "fail"
    assert checks["web.hsts"]["evidence"] == {"ip": "192.0.2.1"}
    assert checks["web.hsts"]["remedy"] == "fix it"


def test_a_domain_history_lists_its_outcome_per_measurement_newest_first(measurement):
    later = stored([("b.example.nl", "Gemeente B", "gemeente", GOOD)], name="2026-H2")
    body = get("/api/v1/domains/B.EXAMPLE.NL/results")
    assert [(r["measurement"], r["findings"]) for r in body["results"]] == [("2026-H2", []), ("2026-H1", ["web.hsts"])]
    assert body["results"][0]["traffic_light"] == report.build(later)["domains"][0]["traffic_light"]


def test_organisation_figures_per_measurement(measurement):
    body = get("/api/v1/measurements/2026-H1/organisations")
    by_name = {o["organisation"]: o for o in body["results"]}
    assert by_name["Gemeente B"]["compliance"] == report.build(measurement)["organisations"][1]["compliance"]


def test_organisation_history_from_the_register_link():
    org = OrganisationFactory(slug="gemeente-proef", name="Gemeente Proef")
    DomainFactory(name="proef.nl", owner=org)
    stored([("proef.nl", "Gemeente Proef", "gemeente", NO_HSTS)], name="2026-H1", organisation_ids={"proef.nl": org.pk})
    body = get("/api/v1/organisations/gemeente-proef/results")
    assert [(r["measurement"], r["traffic_light"], r["domains"]) for r in body] == [("2026-H1", "red", 1)]
