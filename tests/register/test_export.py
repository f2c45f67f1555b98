"""Open-data export of organisations and domains (CSV, JSON) and its CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest

from domeinwacht.cli import main
from domeinwacht.web.register.exporting import export

from .factories import DomainFactory, HostFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture
def register():
    old = OrganisationFactory(slug="gemeente-oud", name="Gemeente Oud", valid_until="2019-01-01")
    new = OrganisationFactory(slug="gemeente-nieuw", name="Gemeente Nieuw")
    old.successor = new
    old.save()
    domain = DomainFactory(name="nieuw.nl", owner=new)
    HostFactory(name="www.nieuw.nl", domain=domain)
    return new


def test_domains_as_csv(register):
    out = io.StringIO()
    assert export("domains", "csv", out) == 1
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["name"] == "nieuw.nl"
    assert rows[0]["owner"] == "gemeente-nieuw"
    assert rows[0]["hosts"] == "www.nieuw.nl"


def test_organisations_as_json_name_successor_and_domains(register):
    out = io.StringIO()
    export("organisations", "json", out)
    by_slug = {o["slug"]: o for o in json.loads(out.getvalue())}
    assert by_slug["gemeente-oud"]["successor"] == "gemeente-nieuw"
    assert by_slug["gemeente-oud"]["valid_until"] == "2019-01-01"
    assert by_slug["gemeente-nieuw"]["domains"] == ["nieuw.nl"]


def test_csv_cells_cannot_start_a_formula():
    OrganisationFactory(slug="formule", name='=HYPERLINK("http://x")')
    out = io.StringIO()
    export("organisations", "csv", out)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["name"].startswith("'=")


def test_unknown_export_is_refused():
    with pytest.raises(ValueError, match="unknown export"):
        export("hosts", "csv", io.StringIO())


def test_cli_export_writes_the_file(register, tmp_path, capsys):
    target = tmp_path / "domeinen.json"
    assert main(["register", "export", "--what", "domains", "--format", "json", "-o", str(target)]) == 0
    assert json.loads(target.read_text())[0]["name"] == "nieuw.nl"
    assert "1 domains written" in capsys.readouterr().err


def test_cli_export_to_an_unwritable_place_is_one_error_line(register, tmp_path, capsys):
    target = tmp_path / "missing-dir" / "x.csv"
    assert main(["register", "export", "--what", "domains", "-o", str(target)]) == 2
    assert "cannot write" in capsys.readouterr().err
