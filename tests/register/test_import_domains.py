"""Importing domain lists (CSV, XLSX): a result per row, bad rows never cost good ones, re-import is a no-op."""

from __future__ import annotations

import csv
import json
import random

import openpyxl
import pytest

from domeinwacht.cli import main
from domeinwacht.web.register.importing import domains as domain_import
from domeinwacht.web.register.importing.domains import import_domains
from domeinwacht.web.register.importing.report import ImportError_, RowStatus
from domeinwacht.web.register.models import Domain, Host, Organisation

pytestmark = pytest.mark.django_db

BAD_VALUES = [
    ("a..example.nl", "empty label"),
    ("x" * 64 + ".nl", "at most 63"),
    ("192.0.2.10", "IP address"),
    ("ftp://www.example.nl/", "not a web address"),
    ("http://192.0.2.10/contact", "IP address"),
    ("www.example.nl:8443", "port"),
    ("co.uk", "public suffix"),
    ("xn--abc.nl", "not valid IDNA"),
    ("p\u0430ypal-gemeente.nl", "mixes scripts"),
]


def write_csv(path, rows, delimiter=","):
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerows(rows)
    return path


def identifier(org, i):
    """Rows name their organisation in the different ways people do."""
    choices = [org.slug, org.tooi, org.organisatiecode, org.name]
    return next((c for c in choices[i % 4 :] + choices if c), org.slug)


@pytest.fixture
def thousand_rows(imported, tmp_path):
    """900 good rows (registered domains and new ones) and 100 crafted bad rows, shuffled."""
    good = []
    for i, domain in enumerate(Domain.objects.select_related("owner").order_by("name")):
        good.append([domain.name, identifier(domain.owner, i), "gemeente" if i % 3 == 0 else ""])
    orgs = list(Organisation.objects.filter(valid_until=None).exclude(tooi=None).order_by("slug"))
    i = 0
    while len(good) < 900:
        org = orgs[i % len(orgs)]
        good.append([f"extra{i}-{org.slug}.nl", org.tooi, "nieuw;test"])
        i += 1
    bad = []
    for n in range(100):
        kind = n % 11
        if kind < len(BAD_VALUES):
            bad.append([BAD_VALUES[kind][0], "gemeente-amsterdam", ""])
        elif kind == 9:
            bad.append([f"onbekend{n}.nl", "Gemeente Nergenshuizen", ""])
        else:
            bad.append([f"zonder-eigenaar{n}.nl", "", ""])
    rows = good + bad
    random.Random(7).shuffle(rows)
    return write_csv(tmp_path / "domeinen.csv", [["domain", "organisation", "tags"], *rows])


def test_thousand_rows_with_hundred_malformed(thousand_rows):
    report = import_domains(thousand_rows)
    assert len(report.rows) == 1000
    assert len(report.accepted) == 900
    assert len(report.rejected) == 100
    assert all(r.reason for r in report.rejected)


def test_rejected_rows_are_listed_with_their_row_number_and_reason(thousand_rows):
    report = import_domains(thousand_rows)
    with thousand_rows.open(encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    for result in report.rejected:
        assert lines[result.row - 1][0] == result.value
    reasons = " | ".join(r.reason for r in report.rejected)
    for _, part in BAD_VALUES:
        assert part in reasons
    assert "unknown organisation 'Gemeente Nergenshuizen'" in reasons
    assert "no organisation given" in reasons


def test_importing_the_same_file_again_changes_nothing(thousand_rows):
    import_domains(thousand_rows)
    before = (Domain.objects.count(), Domain.history.count(), Host.objects.count(), Domain.tags.through.objects.count())
    again = import_domains(thousand_rows)
    assert len(again.accepted) == 900
    assert {r.action for r in again.accepted} == {"unchanged"}
    assert again.changed == 0
    after = (Domain.objects.count(), Domain.history.count(), Host.objects.count(), Domain.tags.through.objects.count())
    assert before == after


def test_new_domains_are_created_with_their_tags(thousand_rows):
    report = import_domains(thousand_rows)
    created = [r for r in report.accepted if r.action == "created"]
    assert created
    domain = Domain.objects.get(name=created[0].domain)
    assert set(domain.tags.values_list("name", flat=True)) == {"nieuw", "test"}


def test_xlsx_list(imported, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Domein", "Organisatie", "Tags"])
    sheet.append(["amsterdam.nl", "gm0363", "hoofd"])
    sheet.append(["www.nieuw-amsterdam-voorbeeld.nl", "gemeente-amsterdam", None])
    sheet.append(["a..b.nl", "gemeente-amsterdam", None])
    sheet.append([None, None, None])
    path = tmp_path / "lijst.xlsx"
    workbook.save(path)
    report = import_domains(path)
    assert [(r.row, r.status) for r in report.rows] == [
        (2, RowStatus.ACCEPTED),
        (3, RowStatus.ACCEPTED),
        (4, RowStatus.REJECTED),
    ]
    assert Host.objects.get(name="www.nieuw-amsterdam-voorbeeld.nl").domain.name == "nieuw-amsterdam-voorbeeld.nl"
    assert "hoofd" in Domain.objects.get(name="amsterdam.nl").tags.values_list("name", flat=True)


def test_semicolon_separated_csv_is_read(imported, tmp_path):
    path = write_csv(tmp_path / "nl.csv", [["domein", "organisatie"], ["amsterdam.nl", "Gemeente Amsterdam"]], ";")
    assert len(import_domains(path).accepted) == 1


def test_a_domain_twice_in_one_file_is_a_duplicate(imported, tmp_path):
    rows = [["domain", "organisation"], ["amsterdam.nl", "gm0363"], ["www.amsterdam.nl", "gm0363"]]
    report = import_domains(write_csv(tmp_path / "d.csv", rows))
    assert report.rows[1].status is RowStatus.DUPLICATE
    assert "row 2" in report.rows[1].reason


def test_a_domain_of_another_organisation_is_rejected(imported, tmp_path):
    rows = [["domain", "organisation"], ["amsterdam.nl", "gemeente-rotterdam"]]
    report = import_domains(write_csv(tmp_path / "d.csv", rows))
    assert report.rows[0].status is RowStatus.REJECTED
    assert "registered to Gemeente Amsterdam" in report.rows[0].reason
    assert Domain.objects.get(name="amsterdam.nl").owner.slug == "gemeente-amsterdam"


def test_an_ambiguous_organisation_is_rejected(imported, tmp_path):
    Organisation.objects.filter(slug="gemeente-rotterdam").update(organisatiecode="gm0363")
    rows = [["domain", "organisation"], ["nieuw-voorbeeld.nl", "gm0363"]]
    report = import_domains(write_csv(tmp_path / "d.csv", rows))
    assert "ambiguous" in report.rows[0].reason


def test_adding_a_tag_is_an_update_with_history(imported, tmp_path):
    history = Domain.objects.get(name="amsterdam.nl").history.count()
    rows = [["domain", "organisation", "tags"], ["amsterdam.nl", "gm0363", "portaal"]]
    report = import_domains(write_csv(tmp_path / "d.csv", rows))
    assert report.rows[0].action == "updated"
    assert Domain.objects.get(name="amsterdam.nl").history.count() > history


def test_a_crash_writes_nothing(imported, tmp_path, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(domain_import, "_add_hosts", crash)
    rows = [["domain", "organisation"], ["www.half-geschreven.nl", "gm0363"]]
    with pytest.raises(RuntimeError):
        import_domains(write_csv(tmp_path / "d.csv", rows))
    assert not Domain.objects.filter(name="half-geschreven.nl").exists()


def test_a_file_in_another_encoding_is_one_clear_error(imported, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("domain,organisation\nfriesland.nl,Provincie Fryslân\n".encode("cp1252"))
    with pytest.raises(ImportError_, match="not UTF-8 encoded"):
        import_domains(path)


def test_utf16_is_one_clear_error(imported, tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes("domain,organisation\namsterdam.nl,gm0363\n".encode("utf-16"))
    with pytest.raises(ImportError_, match="UTF-16"):
        import_domains(path)


def test_a_text_file_named_xlsx_is_one_clear_error(imported, tmp_path):
    path = tmp_path / "nep.xlsx"
    path.write_text("domain,organisation\n")
    with pytest.raises(ImportError_, match="not an XLSX workbook"):
        import_domains(path)


def test_a_broken_zip_is_one_clear_error(imported, tmp_path):
    path = tmp_path / "kapot.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ImportError_, match="not a readable XLSX workbook"):
        import_domains(path)


def test_missing_columns_is_one_clear_error(imported, tmp_path):
    path = write_csv(tmp_path / "d.csv", [["naam", "iets"], ["amsterdam.nl", "x"]])
    with pytest.raises(ImportError_, match="need 'domain' and 'organisation'"):
        import_domains(path)


def test_a_missing_file_is_one_clear_error(imported, tmp_path):
    with pytest.raises(ImportError_, match="does not exist"):
        import_domains(tmp_path / "weg.csv")


def test_cli_lists_rejected_rows_and_exits_1(imported, tmp_path, capsys, settings):
    settings.DATA_DIR = tmp_path
    rows = [["domain", "organisation"], ["amsterdam.nl", "gm0363"], ["a..b.nl", "gm0363"]]
    code = main(["register", "import-domains", str(write_csv(tmp_path / "d.csv", rows))])
    out = capsys.readouterr().out
    assert code == 1
    assert "2 rows: 1 accepted" in out
    assert "row 3: rejected: 'a..b.nl': invalid name: empty label" in out


def test_cli_json_report_has_every_row(imported, tmp_path, capsys, settings):
    settings.DATA_DIR = tmp_path
    rows = [["domain", "organisation"], ["amsterdam.nl", "gm0363"]]
    assert main(["register", "import-domains", str(write_csv(tmp_path / "d.csv", rows)), "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["summary"]["accepted"] == 1
    assert body["rows"][0]["action"] == "unchanged"


def test_cli_wrong_encoding_is_one_line_and_exit_2(imported, tmp_path, capsys, settings):
    settings.DATA_DIR = tmp_path
    path = tmp_path / "latin1.csv"
    path.write_bytes("domain,organisation\nfriesland.nl,Fryslân\n".encode("cp1252"))
    assert main(["register", "import-domains", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "not UTF-8 encoded" in err


def test_a_concurrent_insert_of_the_same_domain_is_one_clear_error_and_writes_nothing(imported, tmp_path, monkeypatch):
    real = domain_import.bulk_create_with_history
    amsterdam = Organisation.objects.get(slug="gemeente-amsterdam")

    def racing(objs, model, **kwargs):
        Domain.objects.create(name=objs[0].name, owner=amsterdam)  # another writer got there first
        return real(objs, model, **kwargs)

    monkeypatch.setattr(domain_import, "bulk_create_with_history", racing)
    rows = [["domain", "organisation"], ["race-een.nl", "gm0363"], ["race-twee.nl", "gm0363"]]
    with pytest.raises(ImportError_, match="changed during the import"):
        import_domains(write_csv(tmp_path / "d.csv", rows))
    assert not Domain.objects.filter(name__startswith="race-").exists()


def test_an_oin_typed_as_a_number_in_a_spreadsheet_is_found(imported, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["domain", "organisation"])
    workbook.active.append(["amsterdam.nl", 1002564440000])  # 00000001002564440000 without its leading zeros
    path = tmp_path / "oin.xlsx"
    workbook.save(path)
    report = import_domains(path)
    assert report.rows[0].status is RowStatus.ACCEPTED, report.rows[0].reason


def test_a_web_address_is_accepted_by_its_host_with_a_note(imported, tmp_path):
    rows = [["domain", "organisation"], ["https://www.nieuw-voorbeeld.nl/afval?wijk=3", "gm0363"]]
    report = import_domains(write_csv(tmp_path / "d.csv", rows))
    (row,) = report.rows
    assert (row.status, row.domain) == (RowStatus.ACCEPTED, "nieuw-voorbeeld.nl")
    assert row.note == "a web address: its host www.nieuw-voorbeeld.nl was used"
    assert Host.objects.get(name="www.nieuw-voorbeeld.nl").domain.name == "nieuw-voorbeeld.nl"


def test_csv_rows_keep_the_files_own_numbers_with_blank_lines_counted(imported, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("domain,organisation\n\namsterdam.nl,gm0363\n\n\na..b.nl,gm0363\n", encoding="utf-8")
    report = import_domains(path)
    assert [(r.row, r.status) for r in report.rows] == [(3, RowStatus.ACCEPTED), (6, RowStatus.REJECTED)]


def test_xlsx_rows_keep_their_sheet_row_numbers(imported, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"], sheet["B1"] = "domain", "organisation"
    sheet["A4"], sheet["B4"] = "amsterdam.nl", "gm0363"
    sheet["A9"], sheet["B9"] = "a..b.nl", "gm0363"
    path = tmp_path / "gaten.xlsx"
    workbook.save(path)
    report = import_domains(path)
    assert [(r.row, r.status) for r in report.rows] == [(4, RowStatus.ACCEPTED), (9, RowStatus.REJECTED)]


@pytest.mark.parametrize("second", ["host", "domein"])
def test_a_second_domain_column_is_one_clear_error(imported, tmp_path, second):
    rows = [["domain", "organisation", second], ["amsterdam.nl", "gm0363", "www.amsterdam.nl"]]
    with pytest.raises(ImportError_, match=f"more than one domain column: 'domain' \\(column 1\\), '{second}'"):
        import_domains(write_csv(tmp_path / "d.csv", rows))
    assert not Domain.objects.filter(name="amsterdam.nl", tags__name="x").exists()


def test_the_row_cap_stops_the_reading_at_the_first_row_too_many(imported, tmp_path, monkeypatch):
    monkeypatch.setattr(domain_import, "MAX_ROWS", 5)
    rows = [["domain", "organisation"]] + [[f"d{i}.nl", "gm0363"] for i in range(1000)]
    read = []
    original = domain_import._utf8_lines

    def counted(path):
        for line in original(path):
            read.append(line)
            yield line

    monkeypatch.setattr(domain_import, "_utf8_lines", counted)
    with pytest.raises(ImportError_, match="more than 5 rows \\(stopped reading at row 7\\)"):
        import_domains(write_csv(tmp_path / "d.csv", rows))
    assert len(read) < 20  # the other 990 lines were never read
    assert not Domain.objects.filter(name="d0.nl").exists()


def test_large_imports_report_progress_while_reading(imported, tmp_path, monkeypatch):
    monkeypatch.setattr(domain_import, "PROGRESS_EVERY", 10)
    rows = [["domain", "organisation"]] + [[f"voortgang{i}.nl", "gm0363"] for i in range(35)]
    seen = []
    import_domains(write_csv(tmp_path / "d.csv", rows), progress=seen.append)
    assert seen == [10, 20, 30]


def test_cli_lists_a_row_with_a_note(imported, tmp_path, capsys, settings):
    settings.DATA_DIR = tmp_path
    rows = [["domain", "organisation"], ["https://www.amsterdam.nl/afval", "gm0363"]]
    assert main(["register", "import-domains", str(write_csv(tmp_path / "d.csv", rows))]) == 0
    out = capsys.readouterr().out
    assert "row 2: accepted: 'https://www.amsterdam.nl/afval': unchanged; a web address: its host" in out
