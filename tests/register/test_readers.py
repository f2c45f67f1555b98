"""The file readers of the importers never fail in an unexpected way, whatever the bytes (property tests)."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from domeinwacht.web.register.importing.domains import _tags, read_table
from domeinwacht.web.register.importing.orgs import read_record
from domeinwacht.web.register.importing.report import ImportError_

_settings = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_settings
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ".xls"]))
def test_any_bytes_give_rows_or_one_clear_error(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("t") / f"lijst{suffix}"
    path.write_bytes(data)
    try:
        rows = read_table(path)
    except ImportError_ as exc:
        assert str(exc).startswith(str(path))
    else:
        assert all(isinstance(cell, str) for row in rows for cell in row)


_cell = st.text(alphabet=string.printable + "ëï€ß", max_size=20)


@_settings
@given(rows=st.lists(st.lists(_cell, min_size=1, max_size=4), min_size=1, max_size=8))
def test_utf8_csv_text_is_read_back_cell_for_cell(tmp_path_factory, rows):
    import csv

    assume(not any(";" in cell or "\t" in cell for cell in rows[0]))  # the first row decides the separator
    path = tmp_path_factory.mktemp("t") / "lijst.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    try:
        table = read_table(path)
    except ImportError_ as exc:
        assert "is empty" in str(exc)  # only white space
        assert not any(cell.strip() for row in rows for cell in row)
        return
    assert table == [row for row in rows if any(cell.strip() for cell in row)]


@given(st.text(max_size=80))
def test_tags_are_slugs_or_the_row_is_refused(text):
    try:
        tags = _tags(text)
    except ValueError as exc:
        assert "tag" in str(exc)
    else:
        assert all(tag and tag == tag.lower() and " " not in tag for tag in tags)
        assert len(tags) == len(set(tags))


_yaml_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=15),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)
_keys = st.sampled_from(["id", "type", "names", "identifiers", "contact", "valid_from", "valid_until", "geography"])


@_settings
@given(st.dictionaries(_keys, _yaml_value, max_size=8))
def test_any_organisation_document_gives_a_record_or_a_reason(tmp_path_factory, document):
    import yaml

    root = tmp_path_factory.mktemp("o")
    path = root / "org.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    try:
        record = read_record(path, root)
    except ValueError as exc:
        assert str(exc)
    else:
        assert record.external_id and record.name and record.slug


@_settings
@given(st.binary(max_size=300))
def test_any_bytes_as_an_organisation_file_give_a_record_or_a_reason(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("o")
    path = root / "org.yaml"
    path.write_bytes(data)
    try:
        read_record(path, root)
    except ValueError as exc:
        assert str(exc)
