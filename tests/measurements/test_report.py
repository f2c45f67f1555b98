"""The published figures: share compliant per standard, per organisation type and organisation, and the CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest

from domeinwacht.cli import main
from domeinwacht.web.measurements import report
from measurements.factories import stored

pytestmark = pytest.mark.django_db

GOOD = {"web.https.available": "pass", "web.https.redirect": "pass", "web.hsts": "pass"}
NO_HSTS = {**GOOD, "web.hsts": "fail"}
HSTS_ERROR = {**GOOD, "web.hsts": "error"}


@pytest.fixture
def measurement():
    return stored(
        [
            ("a.example.nl", "Gemeente A", "gemeente", GOOD),
            ("a2.example.nl", "Gemeente A", "gemeente", GOOD),
            ("b.example.nl", "Gemeente B", "gemeente", NO_HSTS),
            ("c.example.nl", "Provincie C", "provincie", HSTS_ERROR),
            ("loose.example.nl", "", "", GOOD),
        ]
    )


@pytest.fixture
def no_setup(monkeypatch):
    """The CLI's Django setup is already done by pytest-django (and must not migrate inside the test)."""
    monkeypatch.setattr("domeinwacht.web.django_setup.setup", lambda migrate=True: None)


def test_share_compliant_per_standard_counts_compliant_over_measured(measurement):
    hsts = report.build(measurement)["overall"]["standards"]["HSTS"]
    assert (hsts["compliant"], hsts["not_compliant"], hsts["not_measured"], hsts["percentage"]) == (3, 1, 1, 60.0)


def test_a_domain_that_could_not_be_measured_does_not_count_as_compliant(measurement):
    provincie = report.build(measurement)["organisation_types"]["provincie"]["standards"]["HSTS"]
    assert provincie["percentage"] == 0.0 and provincie["not_measured"] == 1


def test_shares_per_organisation_type(measurement):
    gemeente = report.build(measurement)["organisation_types"]["gemeente"]
    assert gemeente["domains"] == 3
    assert gemeente["standards"]["HSTS"]["percentage"] == 66.7


def test_domains_without_organisation_are_grouped_as_not_in_register(measurement):
    assert report.build(measurement)["organisation_types"][report.UNKNOWN_TYPE]["domains"] == 1


def test_an_organisation_light_is_the_worst_light_of_its_domains(measurement):
    organisations = {o["organisation"]: o for o in report.build(measurement)["organisations"]}
    assert organisations["Gemeente B"]["traffic_light"] == "red"
    assert organisations["Gemeente B"]["lights"]["red"] == 1


def test_furthest_behind_lists_the_lowest_compliance_first(measurement):
    behind = [o["organisation"] for o in report.build(measurement)["furthest_behind"]]
    assert behind.index("Gemeente B") < behind.index("Gemeente A")


def test_every_domain_is_listed_with_its_outcome_per_standard(measurement):
    domains = {d["domain"]: d for d in report.build(measurement)["domains"]}
    assert domains["b.example.nl"]["standards"]["HSTS"] == "not_compliant"
    assert domains["b.example.nl"]["findings"] == ["web.hsts"]


def test_csv_has_rows_for_every_level(measurement):
    rows = list(csv.DictReader(io.StringIO(report.render_csv(report.build(measurement)))))
    assert {r["level"] for r in rows} == {"overall", "organisation_type", "organisation", "domain"}
    overall_hsts = next(r for r in rows if r["level"] == "overall" and r["standard"] == "HSTS")
    assert overall_hsts["percentage"] == "60.0"


def test_text_shows_percentage_with_counts(measurement):
    text = report.render_text(report.build(measurement))
    assert "HSTS" in text and "60.0% (3/5)" in text


def test_simulated_lab_data_is_labelled():
    measurement = stored([("a.example.nl", "Gemeente A", "gemeente", GOOD)], simulated=True)
    built = report.build(measurement)
    assert built["measurement"]["simulated"] is True
    assert report.SIMULATED_BANNER in report.render_text(built)


def test_cli_writes_json_to_a_file(measurement, no_setup, tmp_path, capsys):
    target = tmp_path / "report.json"
    assert main(["report", measurement.name, "--format", "json", "-o", str(target)]) == 0
    assert json.loads(target.read_text())["overall"]["standards"]["HSTS"]["percentage"] == 60.0


def test_cli_report_of_an_unknown_measurement_is_a_one_line_error(no_setup, capsys):
    assert main(["report", "nope", "--format", "text"]) == 2
    assert capsys.readouterr().err.strip() == "domeinwacht: error: no measurement 'nope'"


def test_cli_report_under_another_profile_reevaluates_without_rescanning(measurement, no_setup, capsys):
    assert main(["report", measurement.name, "--format", "json", "--policy", "us-bod-18-01"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["measurement"]["profile"] == "us-bod-18-01"
    assert data["measurement"]["measured"] == 5


def test_publish_writes_text_csv_and_json(measurement, tmp_path):
    paths = report.publish(measurement, tmp_path / "out")
    assert sorted(p.suffix for p in paths.values()) == [".csv", ".json", ".txt"]
    assert json.loads(paths["json"].read_text())["measurement"]["name"] == measurement.name


def test_the_summary_leaves_out_the_list_of_every_organisation(measurement):
    text = report.summary(report.build(measurement))
    assert "furthest behind" in text and "Per organisation\n" not in text


def _nxdomain_web(domain: str) -> dict[str, object]:
    lookup = {"rcode": "NXDOMAIN", "addresses": []}
    hosts = [{"name": h, "a": {"rdtype": "A", **lookup}, "aaaa": {"rdtype": "AAAA", **lookup}} for h in (domain,)]
    return {"web": {"domain": domain, "hosts": hosts}}


def test_most_domains_failing_the_same_way_is_said_at_the_top_of_the_report():
    rows = [(f"d{i}.example.nl", "Gemeente D", "gemeente", GOOD) for i in range(5)]
    dead = {domain: _nxdomain_web(domain) for domain, *_ in rows[:4]}
    built = report.build(stored(rows, name="dead", observations=dead))
    assert built["run_signal"].startswith("WHOLE RUN: 4 of 5 domains (80%): every DNS lookup answered NXDOMAIN")
    assert report.render_text(built).startswith("WHOLE RUN: 4 of 5 domains")


def test_a_healthy_run_has_no_whole_run_signal(measurement):
    assert report.build(measurement)["run_signal"] is None


def test_change_is_none_without_a_previous_measurement(measurement):
    change = report.build(measurement)["change"]
    assert change["previous"] is None
    assert change["overall"]["HSTS"] == {"percentage": 60.0, "previous": None, "change": None}


def test_change_since_the_previous_measurement_in_percentage_points(measurement):
    later = stored(
        [
            ("a.example.nl", "Gemeente A", "gemeente", GOOD),
            ("b.example.nl", "Gemeente B", "gemeente", GOOD),
        ],
        name="later",
    )
    change = report.build(later)["change"]
    assert change["previous"]["name"] == measurement.name
    assert change["overall"]["HSTS"] == {"percentage": 100.0, "previous": 60.0, "change": 40.0}
    assert change["organisation_types"]["gemeente"]["HSTS"]["change"] == 33.3


def test_text_report_states_the_change(measurement):
    later = stored([("a.example.nl", "Gemeente A", "gemeente", GOOD)], name="later")
    assert "+40.0 pp since the previous measurement" in report.render_text(report.build(later))
