"""Who owns a host: CLI and API give the same answer, built by one serialiser."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from domeinwacht.cli import main
from domeinwacht.web.register.lookup import candidate_names, lookup_payload

from .factories import DomainFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # the CLI's setup() creates it


def api_lookup(host):
    return APIClient().get("/api/v1/lookup", {"host": host})


def cli(capsys, *args):
    code = main(["register", *args])
    return code, capsys.readouterr().out


def test_cli_lookup_names_amsterdam_with_its_tooi(imported, capsys):
    code, out = cli(capsys, "lookup", "www.amsterdam.nl")
    assert code == 0
    assert "Gemeente Amsterdam" in out
    assert "https://identifier.overheid.nl/tooi/id/gemeente/gm0363" in out


def test_cli_json_equals_the_api_body(imported, capsys):
    code, out = cli(capsys, "lookup", "www.amsterdam.nl", "--format", "json")
    response = api_lookup("www.amsterdam.nl")
    assert code == 0
    assert response.status_code == 200
    assert json.loads(out) == response.json()
    assert response.json()["organisation"]["identifiers"]["tooi"].endswith("gm0363")
    assert response.json()["domain"] == {
        "name": "amsterdam.nl",
        "display_name": "amsterdam.nl",
        "status": "active",
        "provenance": "imported",
        "verification_state": "unverified",
    }


def test_api_lookup_of_an_unknown_name_is_a_clear_404(imported):
    response = api_lookup("www.example.com")
    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "detail": "www.example.com is not under a known government domain",
        "host": "www.example.com",
    }


def test_cli_json_of_an_unknown_name_equals_the_api_404_body(imported, capsys):
    code, out = cli(capsys, "lookup", "www.example.com", "--format", "json")
    assert code == 1
    assert json.loads(out) == api_lookup("www.example.com").json()


def test_api_lookup_of_a_malformed_name_is_a_400_with_the_reason(imported):
    response = api_lookup("ftp://www.amsterdam.nl/")
    assert response.status_code == 400
    assert "is not a web address" in response.json()["detail"]


def test_api_lookup_without_host_is_a_400(imported):
    assert APIClient().get("/api/v1/lookup").status_code == 400


def test_cli_lookup_of_a_malformed_name_is_one_error_line(imported, capsys):
    assert main(["register", "lookup", "a..b.nl"]) == 2
    assert "empty label" in capsys.readouterr().err


def test_lookup_of_a_historic_municipality_domain_names_the_successor(imported):
    status, body = lookup_payload("www.aalburg.nl")
    assert status == 200
    assert body["organisation"]["slug"] == "gemeente-altena"


def test_lookup_normalises_the_name(imported):
    status, body = lookup_payload("WWW.Amsterdam.NL.")
    assert status == 200
    assert body["host"] == "www.amsterdam.nl"
    assert body["host_registered"] is True


def test_longest_registered_suffix_wins():
    parent = DomainFactory(name="voorbeeld.nl")
    child = DomainFactory(name="afdeling.voorbeeld.nl", owner=OrganisationFactory(name="Afdeling"))
    status, body = lookup_payload("a.b.afdeling.voorbeeld.nl")
    assert status == 200
    assert body["domain"]["name"] == child.name
    assert body["organisation"]["name"] == "Afdeling"
    assert lookup_payload("www.voorbeeld.nl")[1]["organisation"]["name"] == parent.owner.name


def test_idn_lookup_shows_the_u_label():
    DomainFactory(name="xn--bcher-kva.nl")
    status, body = lookup_payload("www.bücher.nl")
    assert status == 200
    assert body["host"] == "www.xn--bcher-kva.nl"
    assert body["host_display"] == "www.bücher.nl"
    assert body["domain"]["display_name"] == "bücher.nl"


def test_candidate_names_are_longest_first_and_stop_at_two_labels():
    assert candidate_names("a.b.example.nl") == ["a.b.example.nl", "b.example.nl", "example.nl", "nl"][:3]


def test_a_web_address_is_looked_up_by_its_host_with_a_note(imported):
    status, body = lookup_payload("https://www.amsterdam.nl/afval/containers?wijk=3")
    assert status == 200
    assert body["host"] == "www.amsterdam.nl"
    assert body["note"] == "a web address: its host www.amsterdam.nl was used"
    assert body["organisation"]["slug"] == "gemeente-amsterdam"


def test_cli_text_lookup_of_a_web_address_shows_the_note(imported, capsys):
    code, out = cli(capsys, "lookup", "https://www.amsterdam.nl/afval")
    assert code == 0
    assert "note: a web address: its host www.amsterdam.nl was used" in out
    assert "Gemeente Amsterdam" in out


def test_the_government_directory_host_is_nobodys(imported):
    status, body = lookup_payload("organisaties.overheid.nl")
    assert status == 404
    assert body["error"] == "not_found"
