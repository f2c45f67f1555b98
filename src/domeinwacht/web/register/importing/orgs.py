"""Import organisations from a tree of YAML files (one file per organisation), and derive their domains and hosts.

The format is that of the polder / Register van Overheidsorganisaties export (see docs/REGISTER.md): ``id``,
``type``, ``names[].value``, ``identifiers`` (tooi, oin, organisatiecode, kvk), ``valid_from``, ``valid_until``,
``successor_id``, ``parent_id``, ``geography.aantal_inwoners`` and ``contact`` (website, email, emails[],
internet_addresses[]).

Successors. The data states a successor for most merged municipalities (``successor_id``). Where it does not, or
where the stated successor has itself ended (a renamed municipality), the successor of a municipality is derived
from place names: the one active municipality whose ``geography.bevat_plaatsen`` (or name) contains most of the
ended municipality's places and its own name. Derived successors are marked ``successor_source=derived``; an
ambiguous derivation (a tie) is left empty.

Domains. Every URL in ``contact.website`` and ``contact.internet_addresses`` gives a host and its registered domain.
The domains of an ended organisation move to its current successor (following the chain) where one is known. When
several organisations list one domain, the owner is chosen in this order: an active organisation; one that lists it
itself rather than through a predecessor; one whose key or abbreviation is the domain's first label
(``cbs.nl`` → CBS); one that gives it as its main website; then the lowest key. The others are named in the notes.
A domain whose provenance is not ``imported`` (claimed or discovered) keeps its owner.

Re-importing the same files changes nothing: rows are compared and only changed rows are written.
"""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from domeinwacht.names import InvalidName, hostname_from_url, registered_domain
from domeinwacht.web.register.constants import (
    SOURCE_TYPE_MAP,
    ContactRole,
    ContactSource,
    DomainStatus,
    OrganisationType,
    Provenance,
    SuccessorSource,
    VerificationState,
)
from domeinwacht.web.register.importing.portal import claims_domain
from domeinwacht.web.register.importing.report import ImportError_, RowResult, RowStatus
from domeinwacht.web.register.models import Contact, Domain, Host, Organisation
from domeinwacht.web.register.validators import KVK_RE, OIN_RE, TOOI_PREFIX

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FILES = 100_000
_CHAIN_LIMIT = 50


# The base loader keeps every scalar as text: identifiers such as OIN ``00000001002564440000`` or ICTU ``00738``
# must not turn into (octal!) integers, and it is twice as fast as the safe loader. ``null`` and ``~`` are mapped
# to nothing by _text.
_Loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


@dataclass(frozen=True)
class OrgRecord:
    """One organisation as read from its file, checked and normalised."""

    external_id: str
    slug: str
    name: str
    abbreviation: str
    type: str
    tooi: str | None
    oin: str
    organisatiecode: str
    kvk: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    successor_external_id: str | None
    parent_external_id: str | None
    population: int | None
    website: str
    urls: tuple[tuple[str, bool], ...]  # (url, is the main website)
    emails: tuple[str, ...]
    places: tuple[str, ...]
    source: str
    source_date: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        return self.valid_until is None or self.valid_until > day


@dataclass
class OrgImportReport:
    """Counts per kind (created, updated, unchanged) and one row per problem."""

    files: int = 0
    counts: dict[str, collections.Counter[str]] = field(
        default_factory=lambda: collections.defaultdict(collections.Counter)
    )
    rows: list[RowResult] = field(default_factory=list)

    def count(self, kind: str, action: str, n: int = 1) -> None:
        self.counts[kind][action] += n

    def problem(self, where: str, value: str, reason: str, *, rejected: bool = False) -> None:
        status = RowStatus.REJECTED if rejected else RowStatus.WARNING
        self.rows.append(RowResult(row=where, value=value, status=status, reason=reason))

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.rows if r.status is RowStatus.REJECTED]

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def as_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "counts": {kind: dict(sorted(c.items())) for kind, c in sorted(self.counts.items())},
            "problems": [r.as_dict() for r in self.rows],
        }


# --- reading -------------------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    text = str(value).strip()
    return "" if text in _NULLS else text


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _date(value: Any, what: str) -> dt.date | None:
    if not _text(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{what} {value!r} is not a date (YYYY-MM-DD)") from None


def _population(value: Any) -> int | None:
    text = _text(value).replace(".", "").replace(" ", "")
    return int(text) if text.isdigit() else None


def _website(text: str) -> str:
    """The website to store: an http(s) address only (a missing scheme means http), else nothing. An address that
    is not a web address (``mailto:``, ``javascript:``, an IP literal) is reported by the domain derivation."""
    try:
        hostname_from_url(text)
    except InvalidName:
        return ""
    address = text if "://" in text else "http://" + text.lstrip("/")
    return address if len(address) <= 500 else ""


def _slug_for(external_id: str, name: str) -> str:
    base = external_id.split(":", 1)[-1] if external_id else name
    return slugify(base)[:120] or "organisation"


def read_record(path: Path, root: Path) -> OrgRecord:
    """Read and check one YAML file; raises ValueError with the reason when it cannot be used."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"file is larger than {MAX_FILE_BYTES} bytes")
    try:
        data = yaml.load(path.read_bytes(), Loader=_Loader)  # noqa: S506 - the base loader builds no objects
    except yaml.YAMLError as exc:
        raise ValueError(f"not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise ValueError("not an organisation (expected a mapping at the top level)")
    external_id = _text(data.get("id"))
    if not external_id:
        raise ValueError("has no id")
    names = _list(data.get("names"))
    current = next((n for n in names if isinstance(n, dict) and not _text(n.get("valid_until"))), None)
    chosen = current or (names[-1] if names and isinstance(names[-1], dict) else {})
    name = _text(chosen.get("value")) or _text(data.get("name"))
    if not name:
        raise ValueError("has no name")
    source_type = _text(data.get("type")).lower()
    org_type = SOURCE_TYPE_MAP.get(source_type, source_type)
    if org_type not in OrganisationType.values:
        org_type = OrganisationType.OTHER
    identifiers = _mapping(data.get("identifiers"))
    contact = _mapping(data.get("contact"))
    urls: list[tuple[str, bool]] = []
    if _text(contact.get("website")):
        urls.append((_text(contact["website"]), True))
    for item in _list(contact.get("internet_addresses")):
        if isinstance(item, dict) and _text(item.get("url")):
            urls.append((_text(item["url"]), False))
    emails = [_text(contact.get("email"))]
    emails += [_text(e.get("email")) for e in _list(contact.get("emails")) if isinstance(e, dict)]
    geography = _mapping(data.get("geography"))
    places = _list(geography.get("bevat_plaatsen"))
    return OrgRecord(
        external_id=external_id,
        slug=_slug_for(external_id, name),
        name=name[:300],
        abbreviation=_text(chosen.get("abbr"))[:100],
        type=org_type,
        tooi=_text(identifiers.get("tooi")) or None,
        oin=_text(identifiers.get("oin")),
        organisatiecode=_text(identifiers.get("organisatiecode")).lower()[:20],
        kvk=_text(identifiers.get("kvk")),
        valid_from=_date(data.get("valid_from"), "valid_from"),
        valid_until=_date(data.get("valid_until"), "valid_until"),
        successor_external_id=_text(data.get("successor_id")) or None,
        parent_external_id=_text(data.get("parent_id")) or None,
        population=_population(geography.get("aantal_inwoners")),
        website=_website(_text(contact.get("website"))),
        urls=tuple(dict.fromkeys(urls)),
        emails=tuple(dict.fromkeys(e.lower() for e in emails if e)),
        places=tuple(_text(p) for p in places if _text(p)),
        source=str(path.relative_to(root)) if path.is_relative_to(root) else str(path),
        source_date=_date(data.get("last_verified") or data.get("last_mutation"), "last_verified"),
    )


def _yaml_files(root: Path) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    for count, path in enumerate(sorted(p for p in root.rglob("*") if p.suffix in {".yaml", ".yml"})):
        if count >= MAX_FILES:
            raise ImportError_(f"{root} holds more than {MAX_FILES} YAML files")
        yield path


def read_records(root: Path, report: OrgImportReport) -> list[OrgRecord]:
    """All usable records under ``root``; unusable files are reported, never fatal."""
    if not root.exists():
        raise ImportError_(f"{root} does not exist")
    records: list[OrgRecord] = []
    seen: dict[str, str] = {}
    slugs: set[str] = set()
    base = root if root.is_dir() else root.parent
    for path in _yaml_files(root):
        report.files += 1
        where = str(path.relative_to(base))
        try:
            record = read_record(path, base)
        except (OSError, ValueError) as exc:
            report.problem(where, "", str(exc), rejected=True)
            continue
        if record.external_id in seen:
            report.problem(where, record.external_id, f"id already used by {seen[record.external_id]}", rejected=True)
            continue
        seen[record.external_id] = where
        if record.slug in slugs:
            record = _replace(record, slug=slugify(f"{record.slug}-{path.stem}")[:120])
        slugs.add(record.slug)
        records.append(_checked_identifiers(record, where, report))
    if report.files == 0:
        raise ImportError_(f"{root} holds no YAML files")
    return records


def _replace(record: OrgRecord, **changes: Any) -> OrgRecord:
    import dataclasses

    return dataclasses.replace(record, **changes)


def _checked_identifiers(record: OrgRecord, where: str, report: OrgImportReport) -> OrgRecord:
    changes: dict[str, Any] = {}
    if record.oin and not OIN_RE.match(record.oin):
        report.problem(where, record.oin, "OIN is not 20 digits; ignored")
        changes["oin"] = ""
    if record.kvk and not KVK_RE.match(record.kvk):
        report.problem(where, record.kvk, "KvK number is not 8 digits; ignored")
        changes["kvk"] = ""
    if record.tooi and not record.tooi.startswith(TOOI_PREFIX):
        report.problem(where, record.tooi, f"TOOI URI does not start with {TOOI_PREFIX}; ignored")
        changes["tooi"] = None
    return _replace(record, **changes) if changes else record


# --- successors ----------------------------------------------------------------------------------------------------


class Successors:
    """Stated and derived successors, and the current (active) successor of an ended organisation."""

    def __init__(self, records: dict[str, OrgRecord], today: dt.date) -> None:
        self.records = records
        self.today = today
        self._by_place: dict[str, set[str]] = collections.defaultdict(set)
        self._predecessors: dict[str, list[str]] = collections.defaultdict(list)
        for record in records.values():
            if record.successor_external_id:
                self._predecessors[record.successor_external_id].append(record.external_id)
        for record in records.values():
            if record.type == OrganisationType.GEMEENTE and record.active_on(today):
                for place in (*record.places, record.abbreviation, record.name.removeprefix("Gemeente ")):
                    if place:
                        self._by_place[place.casefold()].add(record.external_id)

    def stated(self, external_id: str) -> str | None:
        successor = self.records[external_id].successor_external_id
        return successor if successor in self.records and successor != external_id else None

    def derived(self, external_id: str) -> str | None:
        """The one active municipality holding most of this ended municipality's places and its name."""
        record = self.records[external_id]
        if record.type != OrganisationType.GEMEENTE or record.active_on(self.today):
            return None
        votes: collections.Counter[str] = collections.Counter()
        own_name = record.abbreviation or record.name.removeprefix("Gemeente ")
        places = list(record.places)
        if not places:  # e.g. a merger that was renamed soon after: use the places of its predecessors
            places = [p for pred in self._predecessors.get(external_id, ()) for p in self.records[pred].places]
        for place in {p.casefold() for p in (*places, own_name) if p}:
            votes.update(self._by_place.get(place, ()))
        votes.pop(external_id, None)
        ranked = votes.most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]

    def successor(self, external_id: str) -> tuple[str | None, str]:
        """The successor to store, with its source (data or derived)."""
        stated = self.stated(external_id)
        if stated:
            return stated, SuccessorSource.DATA
        derived = self.derived(external_id)
        return (derived, SuccessorSource.DERIVED) if derived else (None, SuccessorSource.NONE)

    def current(self, external_id: str) -> str | None:
        """The active organisation that carries on an ended one: follow stated successors, deriving where the
        chain stops at an ended municipality. None when unknown (or when the organisation is itself active)."""
        current = external_id
        seen = {current}
        for _ in range(_CHAIN_LIMIT):
            if self.records[current].active_on(self.today):
                return None if current == external_id else current
            nxt = self.stated(current) or self.derived(current)
            if nxt is None or nxt in seen:
                return None
            seen.add(nxt)
            current = nxt
        return None


# --- domains -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    record: OrgRecord
    owner: OrgRecord
    host: str
    primary: bool

    def rank(self, domain: str, today: dt.date) -> tuple[int, int, int, int, str]:
        label = domain.split(".", 1)[0]
        owner = self.owner
        words = set(owner.slug.split("-")) | {owner.abbreviation.casefold(), owner.organisatiecode}
        return (
            0 if owner.active_on(today) else 1,
            0 if owner is self.record else 1,
            0 if label in words else 1,
            0 if self.primary else 1,
            owner.external_id,
        )


def _claims(
    records: Iterable[OrgRecord], successors: Successors, report: OrgImportReport
) -> tuple[dict[str, list[_Claim]], dict[str, str]]:
    by_domain: dict[str, list[_Claim]] = collections.defaultdict(list)
    host_domain: dict[str, str] = {}
    for record in records:
        current = successors.current(record.external_id)
        owner = successors.records[current] if current else record
        names = {_names(record), _names(owner)}
        warned: set[str] = set()  # the same address as website and as internet address: one warning
        for url, primary in record.urls:
            try:
                host = hostname_from_url(url)
                domain = registered_domain(host)
            except InvalidName as exc:
                report.problem(record.source, url, f"website not usable: {exc.reason}")
                continue
            if not claims_domain(url, domain, [n for group in names for n in group]):
                if url in warned:
                    continue
                warned.add(url)
                report.problem(
                    record.source,
                    url,
                    f"a page on a shared host, not the organisation's own site: {domain} not claimed",
                )
                continue
            by_domain[domain].append(_Claim(record, owner, host, primary))
            host_domain[host] = domain
    return by_domain, host_domain


def _names(record: OrgRecord) -> tuple[str, ...]:
    """What a body is called: its key, name, abbreviation and organisation code."""
    return (record.external_id.split(":", 1)[-1], record.name, record.abbreviation, record.organisatiecode)


# --- writing -------------------------------------------------------------------------------------------------------

_ORG_FIELDS = (
    "slug",
    "name",
    "abbreviation",
    "type",
    "tooi",
    "oin",
    "organisatiecode",
    "kvk",
    "valid_from",
    "valid_until",
    "population",
    "website",
)


def _org_values(record: OrgRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in _ORG_FIELDS}


def import_orgs(root: Path, *, today: dt.date | None = None, reason: str | None = None) -> OrgImportReport:
    """Import (or update) every organisation under ``root`` with its domains, hosts and contacts, in one
    transaction. Returns the report; raises ImportError_ when the path holds nothing usable."""
    today = today or dt.date.today()  # noqa: DTZ011 - a calendar date
    report = OrgImportReport()
    records = read_records(root, report)
    by_id = {r.external_id: r for r in records}
    successors = Successors(by_id, today)
    reason = reason or f"import-orgs {root}"
    try:
        with transaction.atomic():
            orgs = _write_organisations(records, report, reason)
            _write_links(records, orgs, successors, report, reason)
            claims, host_domain = _claims(records, successors, report)
            domains = _write_domains(claims, orgs, today, report, reason)
            _release_unclaimed(claims, records, report, reason)
            _write_hosts(host_domain, domains, report, reason)
            _write_contacts(records, orgs, report, reason)
    except IntegrityError as exc:  # another writer added the same key between our check and our insert
        raise ImportError_(
            f"the register changed during the import ({exc}); nothing was written, run it again"
        ) from None
    return report


def _write_organisations(records: list[OrgRecord], report: OrgImportReport, reason: str) -> dict[str, Organisation]:
    existing = {
        o.external_id: o
        for o in Organisation.objects.select_for_update().filter(external_id__in=[r.external_id for r in records])
    }
    tooi_owner = dict(Organisation.objects.exclude(tooi=None).values_list("tooi", "external_id"))
    slug_owner = dict(Organisation.objects.values_list("slug", "external_id"))
    new: list[Organisation] = []
    changed: list[Organisation] = []
    now = timezone.now()
    changed_fields: set[str] = set()
    for record in records:
        values = _org_values(record)
        if record.tooi and tooi_owner.setdefault(record.tooi, record.external_id) != record.external_id:
            report.problem(record.source, record.tooi, f"TOOI URI already used by {tooi_owner[record.tooi]}; ignored")
            values["tooi"] = None
        org = existing.get(record.external_id)
        if org is None:
            if slug_owner.setdefault(values["slug"], record.external_id) != record.external_id:
                values["slug"] = slugify(f"{values['slug']}-{record.source}")[:120]
            new.append(Organisation(external_id=record.external_id, **values))
            continue
        values.pop("slug")  # a slug, once given, is stable
        diff = {name for name, value in values.items() if getattr(org, name) != value}
        if diff:
            for name in diff:
                setattr(org, name, values[name])
            org.updated = now
            changed.append(org)
            changed_fields |= diff
    if new:
        bulk_create_with_history(new, Organisation, batch_size=500, default_change_reason=reason)
    if changed:
        bulk_update_with_history(
            changed, Organisation, sorted(changed_fields | {"updated"}), batch_size=500, default_change_reason=reason
        )
    report.count("organisations", "created", len(new))
    report.count("organisations", "updated", len(changed))
    report.count("organisations", "unchanged", len(records) - len(new) - len(changed))
    ids = [r.external_id for r in records]
    return {o.external_id: o for o in Organisation.objects.filter(external_id__in=ids) if o.external_id}


def _write_links(
    records: list[OrgRecord],
    orgs: dict[str, Organisation],
    successors: Successors,
    report: OrgImportReport,
    reason: str,
) -> None:
    changed: dict[int, Organisation] = {}
    now = timezone.now()
    for record in records:
        org = orgs[record.external_id]
        successor_id, source = successors.successor(record.external_id)
        if record.successor_external_id and record.successor_external_id not in orgs:
            report.problem(record.source, record.successor_external_id, "successor_id names an unknown organisation")
        parent = orgs.get(record.parent_external_id) if record.parent_external_id else None
        if record.parent_external_id and parent is None:
            report.problem(record.source, record.parent_external_id, "parent_id names an unknown organisation")
        successor = orgs.get(successor_id) if successor_id else None
        wanted = {
            "successor_id": successor.pk if successor else None,
            "successor_source": str(source),
            "parent_id": parent.pk if parent else None,
        }
        for name, value in wanted.items():
            if getattr(org, name) != value:
                setattr(org, name, value)
                org.updated = now
                changed[org.pk] = org
    if changed:
        bulk_update_with_history(
            list(changed.values()),
            Organisation,
            ["successor", "successor_source", "parent", "updated"],
            batch_size=500,
            default_change_reason=reason,
        )
    report.count("links", "updated", len(changed))


def _write_domains(
    claims: dict[str, list[_Claim]],
    orgs: dict[str, Organisation],
    today: dt.date,
    report: OrgImportReport,
    reason: str,
) -> dict[str, Domain]:
    existing = {d.name: d for d in Domain.objects.select_for_update().filter(name__in=list(claims))}
    new: list[Domain] = []
    changed: list[Domain] = []
    unchanged = 0
    for name, domain_claims in sorted(claims.items()):
        best = min(domain_claims, key=lambda c: c.rank(name, today))
        owner = orgs[best.owner.external_id]
        notes = _domain_notes(best, domain_claims)
        domain = existing.get(name)
        if domain is None:
            new.append(
                Domain(
                    name=name,
                    owner=owner,
                    provenance=Provenance.IMPORTED,
                    source=best.record.source,
                    source_date=best.record.source_date,
                    notes=notes,
                )
            )
            continue
        if domain.provenance != Provenance.IMPORTED:
            if domain.owner_id != owner.pk:
                report.problem(
                    best.record.source, name, f"domain is {domain.provenance} by another organisation; owner kept"
                )
            unchanged += 1
            continue
        wanted = {
            "owner_id": owner.pk,
            "source": best.record.source,
            "source_date": best.record.source_date,
            "notes": notes,
        }
        diff = [k for k, v in wanted.items() if getattr(domain, k) != v]
        if diff:
            for k in diff:
                setattr(domain, k, wanted[k])
            domain.updated = timezone.now()
            changed.append(domain)
        else:
            unchanged += 1
    if new:
        bulk_create_with_history(new, Domain, batch_size=500, default_change_reason=reason)
    if changed:
        bulk_update_with_history(
            changed,
            Domain,
            ["owner", "source", "source_date", "notes", "updated"],
            batch_size=500,
            default_change_reason=reason,
        )
    report.count("domains", "created", len(new))
    report.count("domains", "updated", len(changed))
    report.count("domains", "unchanged", unchanged)
    return {d.name: d for d in Domain.objects.filter(name__in=list(claims))}


def _release_unclaimed(
    claims: dict[str, list[_Claim]], records: list[OrgRecord], report: OrgImportReport, reason: str
) -> None:
    """Domains an earlier import derived from these files that no web address claims any more (a page on a
    shared host, like overheid.nl for the CBG; an address the data dropped). A domain nobody has touched since —
    no tags, contacts, verification or status of its own, only imported hosts — is removed; any other is kept
    and reported, for a person to decide."""
    sources = {r.source for r in records}
    stale = (
        Domain.objects.select_for_update()
        .filter(provenance=Provenance.IMPORTED, source__in=sources)
        .exclude(name__in=list(claims))
        .select_related("owner")
    )
    removed = kept = 0
    for domain in stale:
        touched = (
            domain.status != DomainStatus.ACTIVE
            or domain.verification_state != VerificationState.UNVERIFIED
            or domain.tags.exists()
            or domain.contacts.exists()
            or domain.hosts.exclude(provenance=Provenance.IMPORTED).exists()
        )
        if touched:
            kept += 1
            report.problem(
                domain.source,
                domain.name,
                f"no longer claimed by an organisation's own site, but edited since; kept for {domain.owner.slug}",
            )
            continue
        domain._change_reason = f"{reason}: no longer claimed"  # type: ignore[attr-defined]  # simple_history
        domain.delete()
        removed += 1
        report.problem(domain.source, domain.name, "no longer claimed by an organisation's own site; removed")
    if removed:
        report.count("domains", "removed", removed)
    if kept:
        report.count("domains", "kept unclaimed", kept)


def _domain_notes(best: _Claim, claims: list[_Claim]) -> str:
    lines = []
    if best.owner is not best.record:
        ended = best.record.valid_until.isoformat() if best.record.valid_until else "?"
        lines.append(f"Taken over from {best.record.name} (ended {ended}).")
    others = sorted({c.record.name for c in claims if c.record is not best.record})
    if others:
        lines.append("Also listed by: " + "; ".join(others) + ".")
    return "\n".join(lines)


def _write_hosts(host_domain: dict[str, str], domains: dict[str, Domain], report: OrgImportReport, reason: str) -> None:
    existing = set(Host.objects.filter(name__in=list(host_domain)).values_list("name", flat=True))
    new = [
        Host(name=host, domain=domains[domain], provenance=Provenance.IMPORTED, source="organisation website")
        for host, domain in sorted(host_domain.items())
        if host not in existing and domain in domains
    ]
    if new:
        bulk_create_with_history(new, Host, batch_size=500, default_change_reason=reason)
    report.count("hosts", "created", len(new))
    report.count("hosts", "unchanged", len(existing))


def _write_contacts(
    records: list[OrgRecord], orgs: dict[str, Organisation], report: OrgImportReport, reason: str
) -> None:
    existing = set(
        Contact.objects.filter(domain=None, organisation__in=list(orgs.values())).values_list(
            "organisation_id", "email", "role"
        )
    )
    new: list[Contact] = []
    for record in records:
        org = orgs[record.external_id]
        for email in record.emails:
            try:
                validate_email(email)
            except ValidationError:
                report.problem(record.source, email, "e-mail address is not valid; skipped")
                continue
            key = (org.pk, email, ContactRole.GENERAL.value)
            if key in existing:
                continue
            existing.add(key)
            new.append(Contact(organisation=org, email=email, role=ContactRole.GENERAL, source=ContactSource.REGISTER))
    if new:
        bulk_create_with_history(new, Contact, batch_size=500, default_change_reason=reason)
    report.count("contacts", "created", len(new))
