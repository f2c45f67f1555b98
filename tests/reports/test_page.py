"""/rapport/<name>/: the report as a page in the public layout, and its downloads."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils.http import http_date

from domeinwacht.web.measurements import report
from measurements.factories import planned, stored

pytestmark = pytest.mark.django_db

GOOD = {"web.https.available": "pass", "web.https.redirect": "pass", "web.hsts": "pass"}
NO_HSTS = {**GOOD, "web.hsts": "fail"}


@pytest.fixture
def measurement():
    return stored(
        [("a.example.nl", "Gemeente A", "gemeente", GOOD), ("b.example.nl", "Gemeente B", "gemeente", NO_HSTS)],
        name="2026-H2",
    )


def test_the_report_page_shows_the_figures_in_the_public_layout(measurement):
    response = Client().get("/rapport/2026-H2/")
    assert response.status_code == 200
    html = response.content.decode()
    # plain names, or hashed ones once a collectstatic manifest exists (serve, the demo)
    assert re.search(r"public/site(\.[0-9a-f]+)?\.css", html) and re.search(r"reports/report(\.[0-9a-f]+)?\.css", html)
    assert "50.0%" in html and "1/2" in html
    assert "Gemeente B" in html
    assert "<script" not in html and "style=" not in html and "<style" not in html


def test_the_report_page_of_a_lab_measurement_shows_the_banner():
    stored([("a.example.nl", "Gemeente A", "gemeente", GOOD)], name="lab", simulated=True)
    assert "GESIMULEERDE LABDATA" in Client().get("/rapport/lab/").content.decode()
    assert report.SIMULATED_BANNER in Client().get("/rapport/lab/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_an_unknown_or_unfinished_measurement_has_no_report():
    planned(name="running")
    assert Client().get("/rapport/running/").status_code == 404
    assert Client().get("/rapport/nope/").status_code == 404


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [
        ("pdf", "application/pdf", b"%PDF"),
        ("xlsx", "application/vnd.openxml", b"PK"),
        ("json", "application/json", b"{"),
    ],
)
def test_the_report_downloads(measurement, fmt, content_type, magic):
    response = Client().get(f"/rapport/2026-H2/{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response.content.startswith(magic)


def test_an_unknown_download_format_is_not_found(measurement):
    assert Client().get("/rapport/2026-H2/exe").status_code == 404


def test_a_conditional_get_of_an_unchanged_report_is_304(measurement):
    first = Client().get("/rapport/2026-H2/")
    assert first["Last-Modified"] == http_date(measurement.finished_at.timestamp())
    again = Client().get("/rapport/2026-H2/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


def test_a_download_is_rendered_once_per_finished_measurement(measurement, monkeypatch):
    calls = []

    def counting(data, language):
        calls.append(data["measurement"]["name"])
        return b"%PDF-counted"

    monkeypatch.setattr("domeinwacht.web.reports.views.render_pdf", counting)
    assert Client().get("/rapport/2026-H2/pdf").content == b"%PDF-counted"
    assert Client().get("/rapport/2026-H2/pdf").content == b"%PDF-counted"
    assert calls == ["2026-H2"]


def test_the_reports_index_links_every_finished_measurement(measurement):
    planned(name="running")
    stored([("a.example.nl", "Gemeente A", "gemeente", GOOD)], name="lab 1", simulated=True)
    html = Client().get("/rapport/").content.decode()
    assert 'href="/rapport/2026-H2/"' in html and 'href="/rapport/lab%201/"' in html
    assert "running" not in html
    assert "gesimuleerde labdata" in html


def test_the_json_download_is_the_report_json(measurement):
    import json

    body = json.loads(Client().get("/rapport/2026-H2/json").content)
    assert body == json.loads(json.dumps(report.build(measurement)))
