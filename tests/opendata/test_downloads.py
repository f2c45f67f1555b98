"""/data/: open data at stable URLs in CSV, JSON and XLSX, streamed, with ETag/Last-Modified and 304."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from domeinwacht.web.register.models import Tag
from measurements.factories import stored
from register.factories import DomainFactory, HostFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

GOOD = {"web.https.available": "pass", "web.hsts": "pass"}
NO_HSTS = {**GOOD, "web.hsts": "fail"}


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def rows_csv(url):
    response = Client().get(url)
    assert response.status_code == 200, response
    return list(csv.DictReader(io.StringIO(body(response).decode())))


@pytest.fixture
def register():
    org = OrganisationFactory(slug="gemeente-proef", name="Gemeente Proef")
    domain = DomainFactory(name="proef.nl", owner=org)
    domain.tags.add(Tag.objects.create(name="zorg"))
    HostFactory(domain=domain, name="www.proef.nl")
    return org


def test_the_page_links_every_data_set_in_every_format_and_states_the_licence(register):
    stored([("proef.nl", "Gemeente Proef", "gemeente", GOOD)], name="2026-H2")
    html = Client().get("/data/").content.decode()
    for slug in ("organisations", "domains", "hosts", "latest-results", "measurements"):
        for fmt in ("csv", "json", "xlsx"):
            assert f'href="/data/{slug}.{fmt}"' in html
    assert 'href="/data/measurements/2026-H2/results.csv"' in html
    assert "CC0 1.0" in html
    assert "<script" not in html and "style=" not in html


def test_the_page_says_explanations_do_not_exist_yet():
    html = Client().get("/data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "does not record explanations" in html
    assert "nog geen toelichtingen" in Client().get("/data/").content.decode()  # Dutch by default
    assert "/data/explanations" not in html


def test_organisations_as_csv_with_successor_and_parent_by_slug(register):
    OrganisationFactory(slug="gemeente-oud", successor=register, parent=register)
    rows = {r["slug"]: r for r in rows_csv("/data/organisations.csv")}
    assert (rows["gemeente-proef"]["name"], rows["gemeente-proef"]["type"]) == ("Gemeente Proef", "gemeente")
    assert (rows["gemeente-oud"]["successor"], rows["gemeente-oud"]["parent"]) == ("gemeente-proef", "gemeente-proef")
    assert rows["gemeente-oud"]["website"] == ""


def test_domains_as_json_with_owner_and_tags(register):
    data = json.loads(body(Client().get("/data/domains.json")))
    assert data["meta"]["licence"] == "CC0 1.0"
    assert data["rows"] == [
        {
            "name": "proef.nl",
            "owner": "gemeente-proef",
            "status": "active",
            "provenance": "imported",
            "source_date": None,
            "verification_state": "unverified",
            "tags": "zorg",
        }
    ]


def test_hosts_as_xlsx(register):
    response = Client().get("/data/hosts.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("name", "domain") and rows[1][:2] == ("www.proef.nl", "proef.nl")


def test_csv_and_json_are_streamed():
    response = Client().get("/data/domains.csv")
    assert response.streaming
    assert Client().get("/data/domains.json").streaming


def test_latest_result_per_domain_and_check_comes_from_the_newest_measurement_of_that_domain():
    stored([("a.example.nl", "A", "gemeente", NO_HSTS), ("b.example.nl", "B", "gemeente", NO_HSTS)], name="H1")
    stored([("a.example.nl", "A", "gemeente", GOOD)], name="H2")
    rows = rows_csv("/data/latest-results.csv")
    got = {(r["domain"], r["check_id"]): (r["measurement"], r["status"]) for r in rows}
    assert got[("a.example.nl", "web.hsts")] == ("H2", "pass")
    assert got[("b.example.nl", "web.hsts")] == ("H1", "fail")
    assert len(rows) == 4


def test_full_history_of_one_measurement_with_evidence():
    stored([("a.example.nl", "A", "gemeente", NO_HSTS)], name="2026 H1", simulated=True)
    rows = rows_csv("/data/measurements/2026%20H1/results.csv")
    hsts = next(r for r in rows if r["check_id"] == "web.hsts")
    assert (hsts["status"], hsts["remedy"], hsts["simulated"]) == ("fail", "fix it", "True")
    assert json.loads(hsts["evidence"]) == {"ip": "192.0.2.1"}


def test_an_unknown_data_set_or_measurement_is_not_found():
    assert Client().get("/data/secrets.csv").status_code == 404
    assert Client().get("/data/measurements/nope/results.csv").status_code == 404
    assert Client().get("/data/domains.exe").status_code == 404


def test_a_conditional_get_of_an_unchanged_file_is_304(register):
    first = Client().get("/data/domains.csv")
    assert first["ETag"] and first["Last-Modified"]
    assert Client().get("/data/domains.csv", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert Client().get("/data/domains.csv", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_the_etag_changes_when_the_data_changes(register):
    before = Client().get("/data/domains.csv")["ETag"]
    DomainFactory(name="nieuw.nl", owner=register)
    after = Client().get("/data/domains.csv", HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and after["ETag"] != before


def test_each_format_has_its_own_etag(register):
    assert Client().get("/data/domains.csv")["ETag"] != Client().get("/data/domains.json")["ETag"]


def test_writing_is_not_allowed():
    assert Client().post("/data/domains.csv").status_code == 405


def test_the_file_name_of_a_download_is_safe_whatever_the_measurement_name():
    stored([("a.example.nl", "A", "gemeente", GOOD)], name='x"; y')
    response = Client().get("/data/measurements/x%22%3B%20y/results.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="measurements-x___y-results.csv"'
