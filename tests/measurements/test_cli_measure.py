"""`domeinwacht measure`: plans, runs and stores; user mistakes end in one line and exit 2."""

from __future__ import annotations

import pytest

from domeinwacht.cli import main
from domeinwacht.web.measurements.models import Measurement, Result, Status
from measurements.conftest import PLUGIN

pytestmark = pytest.mark.django_db

FAKE = ["--plugin", PLUGIN, "--group", "fakescan", "--resolver", "127.0.0.1:9", "--no-progress", "--skip-preflight"]


@pytest.fixture
def no_setup(monkeypatch):
    """pytest-django has set Django up; the CLI must not migrate inside the test transaction."""
    monkeypatch.setattr("domeinwacht.web.django_setup.setup", lambda migrate=True: None)


@pytest.fixture
def listing(tmp_path):
    path = tmp_path / "domains.txt"
    path.write_text("# test\nalpha.example.nl\nbeta.example.nl\nALPHA.example.nl\n")
    return path


def test_measure_stores_a_finished_measurement(fakescan, no_setup, listing, capsys):
    assert main(["measure", "--domains", str(listing), "--name", "cli", "--policy", "nl-wdo", *FAKE]) == 0
    measurement = Measurement.objects.get(name="cli")
    assert measurement.status == Status.FINISHED
    assert sorted(Result.objects.filter(measurement=measurement).values_list("domain", flat=True)) == [
        "alpha.example.nl",
        "beta.example.nl",
    ]
    assert "finished 'cli': 2 domains" in capsys.readouterr().out


def test_measure_keeps_the_selection_and_options(fakescan, no_setup, listing):
    main(["measure", "--domains", str(listing), "--name", "cli", "--timeout", "7", *FAKE])
    measurement = Measurement.objects.get(name="cli")
    assert measurement.selection == {"domains_file": str(listing)}
    assert measurement.options["scan"]["target_timeout"] == 7.0
    assert measurement.options["executor"]["groups"] == ["fakescan"]


def test_a_bad_line_in_the_list_is_a_one_line_error(fakescan, no_setup, tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text("good.example.nl\nhttps://www.example.nl/\n")
    assert main(["measure", "--domains", str(bad), *FAKE]) == 2
    err = capsys.readouterr().err
    assert err.startswith("domeinwacht: error: --domains") and "line 2" in err
    assert not Measurement.objects.exists()


def test_a_missing_list_is_a_one_line_error(no_setup, tmp_path, capsys):
    assert main(["measure", "--domains", str(tmp_path / "none.txt")]) == 2
    assert "No such file" in capsys.readouterr().err


def test_an_unknown_profile_is_a_one_line_error(fakescan, no_setup, listing, capsys):
    assert main(["measure", "--domains", str(listing), "--policy", "nl-nope", *FAKE]) == 2
    assert "unknown profile 'nl-nope'" in capsys.readouterr().err


def test_resume_without_an_unfinished_measurement_is_a_one_line_error(no_setup, capsys):
    assert main(["measure", "--resume"]) == 2
    assert capsys.readouterr().err == "domeinwacht: error: there is no unfinished measurement to resume\n"


def test_measure_needs_a_selection(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["measure", "--policy", "nl-wdo"])
    assert exit_info.value.code == 2


def test_stats_file_has_rate_and_probe_counters(fakescan, no_setup, listing, tmp_path):
    stats = tmp_path / "stats.json"
    main(["measure", "--domains", str(listing), "--name", "cli", "--stats", str(stats), *FAKE])
    import json

    figures = json.loads(stats.read_text())
    assert figures["domains"] == 2 and figures["domains_per_minute"] > 0
    assert figures["counters"]["fake.mx_probes"] >= 1


def test_report_dir_gets_the_summary_and_three_files(fakescan, no_setup, listing, tmp_path, capsys):
    main(["measure", "--domains", str(listing), "--name", "cli", "--report-dir", str(tmp_path / "out"), *FAKE])
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["cli.csv", "cli.json", "cli.txt"]
    assert "Share of domains compliant, per standard" in capsys.readouterr().out


def test_lab_without_a_running_lab_is_a_one_line_error(no_setup, listing, monkeypatch, capsys):
    monkeypatch.setattr("domeinwacht.lab.is_up", lambda: False)
    assert main(["measure", "--domains", str(listing), "--lab"]) == 2
    assert "the lab is not up" in capsys.readouterr().err


def test_lab_takes_the_lab_resolver_and_marks_the_data_simulated(fakescan, no_setup, listing, monkeypatch, tmp_path):
    import domeinwacht.lab

    status = {
        "resolver": ["203.0.113.53:53"],
        "trust_anchor_file": str(tmp_path / "root.ds"),
        "ca_file": str(tmp_path / "ca.pem"),
        "vrp_file": str(tmp_path / "vrp.json"),
        "pfx2as_file": str(tmp_path / "pfx2as"),
    }
    monkeypatch.setattr(domeinwacht.lab, "is_up", lambda: True)
    monkeypatch.setattr(domeinwacht.lab, "status", lambda: status)
    fake = [a for a in FAKE if a not in ("--resolver", "127.0.0.1:9")]
    assert main(["measure", "--domains", str(listing), "--name", "lab", "--lab", *fake]) == 0
    measurement = Measurement.objects.get(name="lab")
    assert measurement.options["scan"]["resolver"] == ["203.0.113.53:53"]
    assert measurement.options["scan"]["allow_non_public"] is True
    assert measurement.selection["simulated"] is True


def test_list_shows_the_stored_measurements(fakescan, no_setup, listing, capsys):
    main(["measure", "--domains", str(listing), "--name", "listed-run", "--policy", "nl-wdo", *FAKE])
    capsys.readouterr()
    assert main(["measure", "--list"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "listed-run" in line)
    assert "finished" in row and "2/2" in row and "nl-wdo" in row


def test_report_list_shows_the_same_table_as_measure_list(fakescan, no_setup, listing, capsys):
    main(["measure", "--domains", str(listing), "--name", "listed-run", *FAKE])
    capsys.readouterr()
    main(["measure", "--list"])
    by_measure = capsys.readouterr().out
    assert main(["report", "--list"]) == 0
    assert capsys.readouterr().out == by_measure


def test_list_without_measurements_says_so(no_setup, capsys):
    assert main(["measure", "--list"]) == 0
    assert "no measurements stored yet" in capsys.readouterr().out


def test_an_unknown_org_type_is_one_line_listing_the_valid_ones(no_setup, capsys):
    assert main(["measure", "--org-type", "gemeenten"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "'gemeenten' is not an organisation type" in err
    assert "gemeente, provincie, waterschap, ministerie, agentschap, zbo" in err
    assert not Measurement.objects.exists()


def test_report_list_in_json_gives_one_object_per_measurement(fakescan, no_setup, listing, capsys):
    import json

    main(["measure", "--domains", str(listing), "--name", "listed-run", *FAKE])
    capsys.readouterr()
    assert main(["report", "--list", "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["name"], row["status"], row["done"], row["targets"]) == ("listed-run", "finished", 2, 2)
