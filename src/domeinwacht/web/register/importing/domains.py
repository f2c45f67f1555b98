"""Import a list of domains (CSV or XLSX) with their owning organisations.

Columns (header row required, names case-insensitive, Dutch or English):
- ``domain`` (or ``domein``, ``name``, ``host``): a domain or host name; a host is reduced to its registered domain
  and kept as a host. A web address (``https://www.amsterdam.nl/afval``) is accepted: its host is used, with a note.
  Two such columns are an error.
- ``organisation`` (or ``organisatie``, ``owner``, ``eigenaar``, ``organisation_id``): the owner, given as slug,
  source key (``org:gemeente-amsterdam``), TOOI URI, organisation code (``gm0363``), OIN or exact name.
- ``tags`` (optional): words separated by commas, semicolons, bars or spaces.

Rows are numbered as in the file (the header is row 1, blank lines count; XLSX: the sheet's row numbers). The
file is read as a stream and at most ``MAX_ROWS`` data rows are read. Every row gets a result: accepted (created,
updated or unchanged), duplicate (the domain is earlier in the file) or rejected with the reason. Bad rows never
cost good rows. The whole file is written in one transaction (a crash writes nothing), and importing the same file
again changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from domeinwacht.names import InvalidName, host_or_url, registered_domain
from domeinwacht.web.register.constants import Provenance
from domeinwacht.web.register.importing.report import ImportError_, RowResult, RowStatus
from domeinwacht.web.register.models import Domain, Host, Organisation, Tag

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_CELL = 1000

_DOMAIN_HEADERS = ("domain", "domein", "domeinnaam", "domain_name", "name", "host", "hostname")
_ORG_HEADERS = (
    "organisation",
    "organization",
    "organisatie",
    "organisation_id",
    "organisation_identifier",
    "owner",
    "eigenaar",
)
_TAG_HEADERS = ("tags", "tag", "labels")
_TAG_SPLIT = re.compile(r"[,;|\s]+")


@dataclass
class DomainImportReport:
    """One result per data row, in file order."""

    source: str
    rows: list[RowResult] = field(default_factory=list)

    def of(self, status: RowStatus) -> list[RowResult]:
        return [r for r in self.rows if r.status is status]

    @property
    def accepted(self) -> list[RowResult]:
        return self.of(RowStatus.ACCEPTED)

    @property
    def rejected(self) -> list[RowResult]:
        return self.of(RowStatus.REJECTED)

    @property
    def duplicates(self) -> list[RowResult]:
        return self.of(RowStatus.DUPLICATE)

    @property
    def changed(self) -> int:
        return sum(1 for r in self.accepted if r.action in {"created", "updated"})

    def summary(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "accepted": len(self.accepted),
            "rejected": len(self.rejected),
            "duplicate": len(self.duplicates),
            "created": sum(1 for r in self.accepted if r.action == "created"),
            "updated": sum(1 for r in self.accepted if r.action == "updated"),
            "unchanged": sum(1 for r in self.accepted if r.action == "unchanged"),
        }

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source, "summary": self.summary(), "rows": [r.as_dict() for r in self.rows]}


# --- reading -------------------------------------------------------------------------------------------------------

PROGRESS_EVERY = 10_000  # rows between two calls of an import's progress callback

Progress = Callable[[int], None]


def read_rows(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, list[str]]]:
    """The non-blank rows of a CSV or XLSX file as (row number in the file, text cells), read as a stream.

    Row numbers are the file's own: the header is row 1 and blank lines count (a CSV record with a quoted line
    break is one row, as in a spreadsheet; an XLSX row is its sheet row). More than ``MAX_ROWS`` data rows stop the
    reading there, so memory stays bounded. An unreadable file raises ImportError_ with one clear line.
    """
    if not path.is_file():
        raise ImportError_(f"{path} does not exist or is not a file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ImportError_(f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    with path.open("rb") as fh:
        head = fh.read(4096)
    is_zip = head[:4] == b"PK\x03\x04"
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"} or is_zip:
        if not is_zip:
            raise ImportError_(f"{path} is not an XLSX workbook (not a zip container); save it as .xlsx or .csv")
        rows = _read_xlsx(path)
    elif suffix == ".xls" or head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportError_(f"{path} is an old Excel (.xls) file; save it as .xlsx or as UTF-8 .csv")
    else:
        rows = _read_csv(path, head)
    count = 0
    for number, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        count += 1
        if count > MAX_ROWS + 1:  # the header and MAX_ROWS data rows
            raise ImportError_(f"{path} has more than {MAX_ROWS} rows (stopped reading at row {number})")
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
        yield number, cells
    if count == 0:
        raise ImportError_(f"{path} is empty")


def read_table(path: Path) -> list[list[str]]:
    """The non-blank rows of ``path`` as text cells (small files; the importer streams with read_rows)."""
    return [cells for _, cells in read_rows(path)]


def _utf8_lines(path: Path) -> Iterator[str]:
    """The lines of ``path`` decoded as UTF-8 (BOM dropped), one at a time; a bad byte is one clear error."""
    offset = 0
    with path.open("rb") as fh:
        for raw in fh:
            line = raw[3:] if offset == 0 and raw.startswith(b"\xef\xbb\xbf") else raw
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError as exc:
                at = offset + (len(raw) - len(line)) + exc.start
                raise ImportError_(
                    f"{path} is not UTF-8 encoded (byte 0x{line[exc.start]:02x} at offset {at}); save it as UTF-8 CSV"
                ) from None
            offset += len(raw)


def _read_csv(path: Path, head: bytes) -> Iterator[tuple[int, list[str]]]:
    if b"\x00" in head:
        hint = " (it looks like UTF-16; save it as UTF-8)" if head[:2] in {b"\xff\xfe", b"\xfe\xff"} else ""
        raise ImportError_(f"{path} is not a text CSV file{hint}")
    lines = _utf8_lines(path)
    first = next(lines, "")
    # The header row decides the separator (Dutch spreadsheets write ';'); quoting stays standard CSV.
    delimiter = max(",;\t", key=lambda d: (first.count(d), d == ","))
    try:
        reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
        yield from enumerate(reader, start=1)  # a blank line is a record of no cells: counted, as in a spreadsheet
    except csv.Error as exc:
        raise ImportError_(f"{path} is not a valid CSV file: {exc}") from None


def _read_xlsx(path: Path) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    with path.open("rb") as fh:  # a file, not a name: openpyxl would judge a name by its suffix
        try:
            workbook = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise ImportError_(f"{path} is not a readable XLSX workbook: {exc}") from None
        try:
            sheet = workbook.worksheets[0]
            for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
                yield number, [_xlsx_cell(v) for v in values]
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise ImportError_(f"{path} is not a readable XLSX workbook: {exc}") from None
        finally:
            workbook.close()


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number typed into a spreadsheet cell, such as an OIN or KvK number
    return str(value)


def _column(path: Path, header: Sequence[str], names: Sequence[str], what: str) -> int | None:
    """The index of the one column named like ``names``; two such columns are an error (which one is meant?)."""
    wanted = [h.strip().lower().replace(" ", "_") for h in header]
    found = [i for i, h in enumerate(wanted) if h in names]
    if len(found) > 1:
        columns = ", ".join(f"{header[i].strip()!r} (column {i + 1})" for i in found)
        raise ImportError_(f"{path}: more than one {what} column: {columns}; keep one")
    return found[0] if found else None


# --- organisations -------------------------------------------------------------------------------------------------


class OrganisationIndex:
    """Finds an organisation by any of its identifiers or its exact name (case-insensitive)."""

    def __init__(self) -> None:
        self._keys: dict[str, set[int]] = {}
        self.by_pk: dict[int, Organisation] = {}
        for org in Organisation.objects.all():
            self.by_pk[org.pk] = org
            keys = {org.slug, org.name, org.external_id, org.tooi, org.organisatiecode, org.oin}
            if org.tooi:
                keys.add(org.tooi.rsplit("/", 1)[-1])
            for key in keys:
                if key:
                    self._keys.setdefault(key.strip().casefold(), set()).add(org.pk)

    def find(self, text: str) -> Organisation:
        """The one organisation ``text`` names; raises LookupError with the reason."""
        key = text.strip().casefold()
        found = self._keys.get(key, set())
        if not found and key.isdigit() and len(key) < 20:
            found = self._keys.get(key.zfill(20), set())  # an OIN whose leading zeros a spreadsheet dropped
        if not found:
            raise LookupError(f"unknown organisation {text!r}")
        if len(found) > 1:
            names = ", ".join(sorted(self.by_pk[pk].slug for pk in found))
            raise LookupError(f"organisation {text!r} is ambiguous ({names}); use the slug or TOOI URI")
        return self.by_pk[next(iter(found))]


# --- the import ----------------------------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    value: str
    domain: str
    host: str | None
    owner: Organisation
    tags: tuple[str, ...]
    note: str = ""


def import_domains(
    path: Path,
    *,
    provenance: str = Provenance.IMPORTED,
    today: dt.date | None = None,
    reason: str | None = None,
    progress: Progress | None = None,
) -> DomainImportReport:
    """Import the domain list at ``path``; see the module docstring. Raises ImportError_ for an unusable file.
    ``progress`` is called with the number of rows read every ``PROGRESS_EVERY`` rows."""
    rows = read_rows(path, progress)
    _, header = next(rows)
    domain_col = _column(path, header, _DOMAIN_HEADERS, "domain")
    org_col = _column(path, header, _ORG_HEADERS, "organisation")
    tag_col = _column(path, header, _TAG_HEADERS, "tags")
    if domain_col is None or org_col is None:
        raise ImportError_(
            f"{path}: the first row must name the columns; need 'domain' and 'organisation' (found: "
            f"{', '.join(repr(h) for h in header[:10])})"
        )
    today = today or dt.date.today()  # noqa: DTZ011 - a calendar date
    reason = reason or f"import-domains {path.name}"
    report = DomainImportReport(source=str(path))
    index = OrganisationIndex()
    seen: dict[str, int] = {}
    good: list[_Row] = []
    for number, cells in rows:

        def cell(col: int | None, cells: list[str] = cells) -> str:
            return cells[col].strip()[:MAX_CELL] if col is not None and col < len(cells) else ""

        value = cell(domain_col)
        try:
            if not value:
                raise ValueError("no domain given")
            host, note = host_or_url(value)
            domain = registered_domain(host)
            owner_text = cell(org_col)
            if not owner_text:
                raise ValueError("no organisation given")
            owner = index.find(owner_text)
            tags = _tags(cell(tag_col))
        except InvalidName as exc:
            report.rows.append(RowResult(number, value, RowStatus.REJECTED, f"invalid name: {exc.reason}"))
            continue
        except (LookupError, ValueError) as exc:
            report.rows.append(RowResult(number, value, RowStatus.REJECTED, str(exc.args[0])))
            continue
        if domain in seen:
            report.rows.append(
                RowResult(number, value, RowStatus.DUPLICATE, f"same domain as row {seen[domain]}", domain)
            )
            continue
        seen[domain] = number
        good.append(_Row(number, value, domain, host if host != domain else None, owner, tags, note))
    try:
        with transaction.atomic():
            results = _apply(good, provenance, today, reason)
    except IntegrityError as exc:  # another writer added the same name between our check and our insert
        raise ImportError_(
            f"the register changed during the import ({exc}); nothing was written, run it again"
        ) from None
    report.rows.extend(results)
    report.rows.sort(key=lambda r: int(r.row))
    return report


def _tags(text: str) -> tuple[str, ...]:
    tags = []
    for word in _TAG_SPLIT.split(text):
        if not word:
            continue
        tag = slugify(word)[:60]
        if not tag:
            raise ValueError(f"tag {word!r} has no usable characters")
        tags.append(tag)
    return tuple(dict.fromkeys(tags))


def _apply(rows: list[_Row], provenance: str, today: dt.date, reason: str) -> list[RowResult]:
    names = [r.domain for r in rows]
    # Lock the rows this import may change: a concurrent edit waits instead of being overwritten.
    existing = {d.name: d for d in Domain.objects.select_for_update().filter(name__in=names).select_related("owner")}
    current_tags: dict[int, set[str]] = {}
    for domain_id, tag in Domain.tags.through.objects.filter(domain__name__in=names).values_list(
        "domain_id", "tag__name"
    ):
        current_tags.setdefault(domain_id, set()).add(tag)
    results: list[RowResult] = []
    new: list[Domain] = []
    accepted: list[tuple[_Row, str]] = []
    for row in rows:
        domain = existing.get(row.domain)
        if domain is None:
            new.append(
                Domain(name=row.domain, owner=row.owner, provenance=provenance, source=reason, source_date=today)
            )
            accepted.append((row, "created"))
        elif domain.owner_id != row.owner.pk:
            results.append(
                RowResult(
                    row.number,
                    row.value,
                    RowStatus.REJECTED,
                    f"{row.domain} is registered to {domain.owner.name} ({domain.owner.slug}), not {row.owner.slug}",
                    row.domain,
                    note=row.note,
                )
            )
        else:
            missing = set(row.tags) - current_tags.get(domain.pk, set())
            accepted.append((row, "updated" if missing else "unchanged"))
    if new:
        bulk_create_with_history(new, Domain, batch_size=500, default_change_reason=reason)
    domains = {d.name: d for d in Domain.objects.filter(name__in=names)}
    _add_tags(accepted, domains, current_tags, reason)
    _add_hosts([row for row, _ in accepted], domains, reason)
    now = timezone.now()
    touched = [domains[row.domain].pk for row, action in accepted if action == "updated"]
    if touched:
        Domain.objects.filter(pk__in=touched).update(updated=now)
    for row, action in accepted:
        results.append(RowResult(row.number, row.value, RowStatus.ACCEPTED, "", row.domain, action, row.note))
    return results


def _add_tags(
    accepted: list[tuple[_Row, str]], domains: dict[str, Domain], current: dict[int, set[str]], reason: str
) -> None:
    wanted = {tag for row, _ in accepted for tag in row.tags}
    if not wanted:
        return
    Tag.objects.bulk_create([Tag(name=t) for t in sorted(wanted)], ignore_conflicts=True)
    tag_ids = dict(Tag.objects.filter(name__in=wanted).values_list("name", "pk"))
    through = Domain.tags.through
    links = []
    changed: dict[str, list[Domain]] = {}
    for row, action in accepted:
        domain = domains[row.domain]
        missing = [t for t in row.tags if t not in current.get(domain.pk, set())]
        links += [through(domain_id=domain.pk, tag_id=tag_ids[t]) for t in missing]
        if missing and action != "created":
            changed.setdefault(", ".join(missing), []).append(domain)
    through.objects.bulk_create(links, ignore_conflicts=True)
    # One history record per changed domain, naming the tags added (bulk: no per-row signals).
    for tags, changed_domains in changed.items():
        Domain.history.bulk_history_create(changed_domains, default_change_reason=f"{reason}: tags added: {tags}")


def _add_hosts(rows: list[_Row], domains: dict[str, Domain], reason: str) -> None:
    hosts = {row.host: row.domain for row in rows if row.host}
    if not hosts:
        return
    existing = set(Host.objects.filter(name__in=list(hosts)).values_list("name", flat=True))
    new = [
        Host(name=host, domain=domains[domain], provenance=Provenance.IMPORTED, source=reason)
        for host, domain in sorted(hosts.items())
        if host not in existing
    ]
    if new:
        bulk_create_with_history(new, Host, batch_size=500, default_change_reason=reason)
