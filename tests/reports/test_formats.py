"""The half-yearly report as HTML, PDF and XLSX: the same figures as `report --format json`, charts as inline SVG,
the lab banner, and nothing fetched from elsewhere."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from domeinwacht.cli import main
from domeinwacht.web.measurements import report
from domeinwacht.web.reports.document import render_document
from measurements.factories import stored

pytestmark = pytest.mark.django_db

GOOD = {"web.https.available": "pass", "web.https.redirect": "pass", "web.hsts": "pass"}
NO_HSTS = {**GOOD, "web.hsts": "fail"}
HSTS_ERROR = {**GOOD, "web.hsts": "error"}
NO_REDIRECT = {**GOOD, "web.https.redirect": "fail"}


@pytest.fixture
def two_measurements():
    stored(
        [
            ("a.example.nl", "Gemeente A", "gemeente", NO_HSTS),
            ("b.example.nl", "Gemeente B", "gemeente", NO_HSTS),
            ("c.example.nl", "Provincie C", "provincie", GOOD),
        ],
        name="2026-H1",
    )
    return stored(
        [
            ("a.example.nl", "Gemeente A", "gemeente", GOOD),
            ("a2.example.nl", "Gemeente A", "gemeente", NO_REDIRECT),
            ("b.example.nl", "Gemeente B", "gemeente", NO_HSTS),
            ("c.example.nl", "Provincie C", "provincie", HSTS_ERROR),
            ("loose.example.nl", "", "", GOOD),
        ],
        name="2026-H2",
    )


@pytest.fixture
def no_setup(monkeypatch):
    monkeypatch.setattr("domeinwacht.web.django_setup.setup", lambda migrate=True: None)


def cli_json(name, capsys):
    assert main(["report", name, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def expected_rows(data):
    """Per standard, the figures the JSON gives, formatted as the report prints them."""
    rows = {}
    for name, share in data["overall"]["standards"].items():
        counted = share["compliant"] + share["not_compliant"] + share["not_measured"]
        change = data["change"]["overall"][name]
        rows[name] = [
            f"{share['percentage']:.1f}%",
            f"{share['compliant']}/{counted}",
            str(share["not_compliant"]),
            str(share["not_measured"]),
            str(share["not_applicable"]),
            f"{change['previous']:.1f}%",
            f"{change['change']:+.1f}",
        ]
    return rows


@pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("pdftoppm"), reason="needs poppler-utils")
def test_the_pdf_renders_and_every_figure_equals_the_json(two_measurements, no_setup, tmp_path, capsys):
    data = cli_json("2026-H2", capsys)
    pdf = tmp_path / "report.pdf"
    assert main(["report", "2026-H2", "--format", "pdf", "-o", str(pdf)]) == 0
    # It renders: pdftoppm draws the first page.
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    pages = list(tmp_path.glob("page*.png"))
    assert pages and pages[0].stat().st_size > 1000
    text = pdf_text(pdf)
    lines = text.splitlines()
    # The table per standard: the row of each standard holds exactly the JSON's figures, in order.
    for name, figures in expected_rows(data).items():
        row = next(line for line in lines if line.strip().startswith(name) and "/" in line)
        found = re.findall(r"n/a|[+-]?\d+(?:\.\d+)?(?:%| pp)?(?:/\d+)?", row[row.index(name) + len(name) :])
        assert found == figures, (name, row)
    # Per layer: each type's share per standard.
    standards = list(data["overall"]["standards"])
    for org_type, tally in data["organisation_types"].items():
        row = next(line for line in lines if line.strip().startswith(org_type[:20]))
        cells = [
            f"{tally['standards'][s]['percentage']:.1f}%" if tally["standards"][s]["percentage"] is not None else "n/a"
            for s in standards
        ]
        assert re.findall(r"n/a|\d+\.\d%", row) == cells, (org_type, row)
    # The organisations furthest behind, with their mean share.
    for entry in data["furthest_behind"]:
        assert re.search(rf"{re.escape(entry['organisation'])}\s+{entry['compliance']:.1f}%", text), entry
    # And no figure anywhere in the PDF (tables, charts, text) that the JSON does not have.
    body = "\n".join(line for line in lines if not re.fullmatch(r"\s*\d+\s*/\s*\d+\s*", line))  # page numbers
    figures = set(re.findall(r"[+-]?\d+\.\d(?:%| pp)|\b\d+/\d+\b", body))
    assert figures and figures <= json_figures(data), figures - json_figures(data)


def json_figures(data):
    """Every share (n.n%), change (+n.n pp, and the bare +n.n of the tables) and count (c/n) in the JSON."""
    out = set()

    def share(s):
        out.add(f"{s['compliant']}/{s['compliant'] + s['not_compliant'] + s['not_measured']}")
        if s["percentage"] is not None:
            out.add(f"{s['percentage']:.1f}%")

    for tally in [data["overall"], *data["organisation_types"].values()]:
        for s in tally["standards"].values():
            share(s)
    for per_standard in [data["change"]["overall"], *data["change"]["organisation_types"].values()]:
        for c in per_standard.values():
            if c["previous"] is not None:
                out.add(f"{c['previous']:.1f}%")
            if c["change"] is not None:
                out.add(f"{c['change']:+.1f} pp")
    for o in data["furthest_behind"]:
        out.add(f"{o['compliance']:.1f}%")
    return out


def test_the_report_html_has_inline_svg_charts_and_no_script_or_inline_style(two_measurements):
    html = render_document(report.build(two_measurements))
    # adoption per standard, change since the previous measurement, one per standard across the layers
    assert html.count("<svg") == 2 + len(report.build(two_measurements)["overall"]["standards"])
    assert "<script" not in html and "<style" not in html and "style=" not in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html


def test_a_lab_measurement_shows_the_simulated_banner_in_html_and_pdf(no_setup, tmp_path):
    stored([("a.example.nl", "Gemeente A", "gemeente", GOOD)], name="lab", simulated=True)
    html = tmp_path / "r.html"
    assert main(["report", "lab", "--format", "html", "--language", "en", "-o", str(html)]) == 0
    assert report.SIMULATED_BANNER in html.read_text()
    if shutil.which("pdftotext"):
        pdf = tmp_path / "r.pdf"
        assert main(["report", "lab", "--format", "pdf", "-o", str(pdf)]) == 0
        assert "GESIMULEERDE LABDATA" in pdf_text(pdf)  # Dutch by default


def test_without_a_previous_measurement_the_report_says_so():
    measurement = stored([("a.example.nl", "Gemeente A", "gemeente", GOOD)], name="first")
    html = render_document(report.build(measurement), "en")
    assert "no earlier finished measurement" in html
    assert 'id="chart-change' not in html


def test_the_xlsx_holds_the_json_figures_as_numbers(two_measurements, no_setup, tmp_path, capsys):
    data = cli_json("2026-H2", capsys)
    path = tmp_path / "r.xlsx"
    assert main(["report", "2026-H2", "--format", "xlsx", "-o", str(path)]) == 0
    wb = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
    rows = list(wb["Per standard"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in body}
    for name, share in data["overall"]["standards"].items():
        assert by_name[name]["percentage"] == share["percentage"]
        assert by_name[name]["compliant"] == share["compliant"]
        assert by_name[name]["change (pp)"] == data["change"]["overall"][name]["change"]
    assert len(list(wb["Domains"].iter_rows())) == 1 + len(data["domains"])


def test_the_report_is_dutch_by_default_and_english_on_request(two_measurements):
    data = report.build(two_measurements)
    assert "<h1>Halfjaarrapportage: 2026-H2</h1>" in render_document(data)
    assert 'lang="nl"' in render_document(data)
    assert "<h1>Half-yearly report: 2026-H2</h1>" in render_document(data, "en")


def test_cli_report_of_an_unfinished_name_is_still_a_one_line_error(no_setup, capsys):
    assert main(["report", "nope", "--format", "pdf"]) == 2
    assert capsys.readouterr().err.strip() == "domeinwacht: error: no measurement 'nope'"


def test_cli_writes_html_to_stdout(two_measurements, no_setup, capsys):
    assert main(["report", "2026-H2", "--format", "html", "--language", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("<!DOCTYPE html>") and "Half-yearly report: 2026-H2" in out
