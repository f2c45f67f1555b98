"""Streamed renderings of a data set: CSV and JSON are written row by row as the response is sent (bounded memory
whatever the size); XLSX is written by openpyxl's write-only mode into a temporary file that spills to disk, then
sent in blocks. XLSX has a hard row limit (Excel's), stated in the error when a set is larger."""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header
SPOOL = 8 * 1024 * 1024  # XLSX bytes kept in memory before the temporary file moves to disk
BLOCK = 64 * 1024

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class TooLarge(Exception):
    """The data set has more rows than the format can hold."""


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


class _Line:
    def write(self, value: str) -> str:
        return value


def csv_stream(columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> Iterator[str]:
    writer = csv.writer(_Line(), lineterminator="\n")
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([_cell(v) for v in row])


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def json_stream(columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]], meta: dict[str, Any]) -> Iterator[str]:
    """``{"meta": {...}, "rows": [{column: value}, ...]}``, one row per chunk."""
    yield '{"meta": ' + json.dumps(meta, ensure_ascii=False) + ', "rows": ['
    first = True
    for row in rows:
        item = json.dumps(
            {c: _json_value(v) for c, v in zip(columns, row, strict=True)}, ensure_ascii=False, default=str
        )
        yield ("\n" if first else ",\n") + item
        first = False
    yield "\n]}\n"


def xlsx_file(title: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> Any:
    """A temporary file (positioned at 0) holding the workbook; raises TooLarge past Excel's row limit."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(title[:31])
    sheet.append(list(columns))
    for n, row in enumerate(rows, start=1):
        if n > XLSX_MAX_ROWS:
            raise TooLarge(f"more than {XLSX_MAX_ROWS} rows: use CSV or JSON")
        sheet.append([_cell(v) for v in row])
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 - handed to the response, which closes it
    wb.save(out)
    out.seek(0)
    return out


def blocks(handle: Any) -> Iterator[bytes]:
    try:
        while chunk := handle.read(BLOCK):
            yield chunk
    finally:
        handle.close()
