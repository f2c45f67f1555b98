"""Policy profiles: versioned data files saying what each check id means under a policy.

A profile (``policy/profiles/<id>.yaml``, see docs/POLICIES.md for the format) gives, per *standard* (DNSSEC,
HTTPS, TLS, SPF…), the check ids that belong to it with a requirement level, the legal basis and deadline, and the
NCSC TLS profile whose thresholds the checks apply. The ``internetnl`` profile adds Internet.nl's categories and
points. Loading validates everything: an unknown key, level, check id (against the CHECKS.md catalogue,
``checks/catalogue.py``) or a duplicate key is a ``ProfileError`` naming the file and the place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

import yaml

from domeinwacht.checks.catalogue import CHECK_IDS, expand
from domeinwacht.mail.dmarc import RFC7489
from domeinwacht.mail.dmarc import SPECS as DMARC_SPECS

__all__ = [
    "POINTS",
    "TLS_PROFILES",
    "Category",
    "Level",
    "Profile",
    "ProfileError",
    "Requirement",
    "ScoredCheck",
    "Standard",
    "available",
    "load",
    "load_file",
    "parse_profile",
]

TLS_PROFILES: Final = ("ncsc-2025-05", "ncsc-2.1.1")
# Internet.nl's weights (checks/scoring.py there): FULL_WEIGHT_POINTS, HALF_…, LESS_…, NO_POINTS.
POINTS: Final[Mapping[str, int]] = {"full": 10, "half": 5, "partial": 2, "none": 0}
TESTS: Final = ("web", "mail")
SCOPES: Final = ("web", "mail", "web and mail", "domain")


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the offending place."""


class Level(StrEnum):
    """How much a profile demands a check. Declared strongest first."""

    REQUIRED = "required"  # part of compliance; failing is a high-severity finding
    RECOMMENDED = "recommended"  # not part of compliance; failing is a medium-severity finding
    OPTIONAL = "optional"  # not part of compliance; failing is a low-severity finding
    INFORMATIONAL = "informational"  # reported only; never a finding


@dataclass(frozen=True, slots=True)
class Requirement:
    """One check id under one standard.

    Attributes:
        check_id: a CHECKS.md id (wildcards are expanded when loading).
        level: how much the profile demands it.
        warnings_fail: ``True`` when a ``warning`` counts as not met (e.g. the Wdo demands TLS that is "good or
            sufficient", so NCSC "phase-out" — a warning — does not comply); ``False`` when a warning is met.
        deadline: when this requirement had to be met (the standard's deadline unless the check has its own).
    """

    check_id: str
    level: Level
    warnings_fail: bool = False
    deadline: date | None = None


@dataclass(frozen=True, slots=True)
class Standard:
    """A named standard of a profile (``DNSSEC``, ``STARTTLS+DANE``…) and the checks that make it up."""

    name: str
    requirements: tuple[Requirement, ...]
    basis: str = ""
    deadline: date | None = None
    listed_since: date | None = None
    scope: str = "domain"  # "web" / "mail": judged only when that part was scanned; else always

    @property
    def required(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if r.level is Level.REQUIRED)


@dataclass(frozen=True, slots=True)
class ScoredCheck:
    """Points of one check in an Internet.nl category: ``maximum`` when it passes; ``warning``, ``info`` and
    ``fail`` points for those statuses. ``not_applicable`` leaves the check out of the category; ``error`` earns
    nothing (never free points for what was not measured)."""

    check_id: str
    maximum: int
    warning: int
    info: int
    fail: int = 0


@dataclass(frozen=True, slots=True)
class Category:
    """An Internet.nl category of the ``web`` or ``mail`` test."""

    test: str
    name: str
    checks: tuple[ScoredCheck, ...]
    per_server: bool = False  # tested per IP / per MX: the category takes the minimum over servers


@dataclass(frozen=True, slots=True)
class Profile:
    """A loaded, validated policy profile."""

    id: str
    title: str
    version: str
    tls_profile: str
    standards: tuple[Standard, ...]
    description: str = ""
    legal_basis: str = ""
    source: str = ""
    categories: tuple[Category, ...] = ()
    dmarc_spec: str = RFC7489  # the DMARC specification the checks apply: rfc7489 | dmarcbis

    def standard(self, name: str) -> Standard:
        for standard in self.standards:
            if standard.name == name:
                return standard
        raise KeyError(name)

    @property
    def check_ids(self) -> frozenset[str]:
        """Every check id the profile names (standards and scoring)."""
        ids = {r.check_id for s in self.standards for r in s.requirements}
        ids.update(c.check_id for cat in self.categories for c in cat.checks)
        return frozenset(ids)


# --- loading ----------------------------------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (PyYAML silently keeps the last one)."""


def _no_duplicates(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            mark = key_node.start_mark
            raise ProfileError(f"line {mark.line + 1}: duplicate key {key!r}")
        seen.add(key)
    return dict(loader.construct_mapping(node, deep=deep))


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)

_TOP_KEYS: Final = {"id", "title", "version", "tls_profile", "dmarc", "description", "legal_basis", "source"}
_TOP_KEYS_ALL: Final = _TOP_KEYS | {"standards", "scoring"}
_STANDARD_KEYS: Final = {"basis", "deadline", "listed_since", "warnings", "checks", "scope"}
_REQUIREMENT_KEYS: Final = {"level", "warnings", "deadline", "note"}
_SCORED_KEYS: Final = {"max", "warning", "info", "fail"}
_CATEGORY_KEYS: Final = {"per_server", "checks"}


def _fail(where: str, message: str) -> ProfileError:
    return ProfileError(f"{where}: {message}")


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, f"expected a mapping, found {type(value).__name__}")
    return value


def _keys(value: Mapping[str, Any], allowed: set[str] | frozenset[str], where: str) -> None:
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise _fail(where, f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise _fail(where, f"expected text, found {type(value).__name__}")
    return str(value)


def _date(value: Any, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _fail(where, f"expected a date (YYYY-MM-DD), found {value!r}")


def _warnings(value: Any, where: str) -> bool:
    if value not in ("pass", "fail"):
        raise _fail(where, f"warnings must be 'pass' or 'fail', found {value!r}")
    return bool(value == "fail")


def _level(value: Any, where: str) -> Level:
    try:
        return Level(value)
    except ValueError:
        raise _fail(where, f"unknown level {value!r} (allowed: {', '.join(level.value for level in Level)})") from None


def _ids(pattern: Any, where: str) -> tuple[str, ...]:
    if not isinstance(pattern, str):
        raise _fail(where, f"check id must be text, found {pattern!r}")
    try:
        ids = expand(pattern)
    except ValueError as exc:
        raise _fail(where, str(exc)) from None
    unknown = [i for i in ids if i not in CHECK_IDS]
    if unknown:
        raise _fail(where, f"unknown check id {unknown[0]!r} (not in the CHECKS.md catalogue)")
    return ids


def _standard(name: str, raw: Any, where: str) -> Standard:
    body = _mapping(raw, where)
    _keys(body, _STANDARD_KEYS, where)
    deadline = _date(body.get("deadline"), f"{where}.deadline")
    warnings_fail = _warnings(body.get("warnings", "pass"), f"{where}.warnings")
    checks = _mapping(body.get("checks"), f"{where}.checks")
    if not checks:
        raise _fail(f"{where}.checks", "a standard needs at least one check")
    by_id: dict[str, Requirement] = {}
    explicit: set[str] = set()
    for pattern, spec in checks.items():
        place = f"{where}.checks.{pattern}"
        ids = _ids(pattern, place)
        own_deadline = deadline
        own_warnings = warnings_fail
        if isinstance(spec, dict):
            _keys(spec, _REQUIREMENT_KEYS, place)
            if "level" not in spec:
                raise _fail(place, "level missing")
            level = _level(spec["level"], f"{place}.level")
            if "warnings" in spec:
                own_warnings = _warnings(spec["warnings"], f"{place}.warnings")
            if "deadline" in spec:
                own_deadline = _date(spec["deadline"], f"{place}.deadline")
        else:
            level = _level(spec, place)
        for check_id in ids:
            # An explicit id overrides what a wildcard said about it, whatever the order in the file.
            if check_id in explicit and len(ids) > 1:
                continue
            by_id[check_id] = Requirement(check_id, level, own_warnings, own_deadline)
        if len(ids) == 1:
            explicit.add(ids[0])
    scope = body.get("scope", "domain")
    if scope not in SCOPES:
        raise _fail(f"{where}.scope", f"unknown scope {scope!r} (allowed: {', '.join(SCOPES)})")
    return Standard(
        name,
        tuple(by_id.values()),
        scope=scope,
        basis=_text(body.get("basis", ""), f"{where}.basis"),
        deadline=deadline,
        listed_since=_date(body.get("listed_since"), f"{where}.listed_since"),
    )


def _points(value: Any, where: str, points: Mapping[str, int]) -> int:
    if not isinstance(value, str) or value not in points:
        raise _fail(where, f"unknown weight {value!r} (allowed: {', '.join(points)})")
    return points[value]


def _scored(check_id: str, spec: Any, where: str, points: Mapping[str, int]) -> ScoredCheck:
    if isinstance(spec, str):
        maximum = _points(spec, where, points)
        return ScoredCheck(check_id, maximum, warning=maximum, info=maximum)
    body = _mapping(spec, where)
    _keys(body, _SCORED_KEYS, where)
    if "max" not in body:
        raise _fail(where, "max missing")
    maximum = _points(body["max"], f"{where}.max", points)
    scored = ScoredCheck(
        check_id,
        maximum,
        warning=_points(body["warning"], f"{where}.warning", points) if "warning" in body else maximum,
        info=_points(body["info"], f"{where}.info", points) if "info" in body else maximum,
        fail=_points(body.get("fail", "none"), f"{where}.fail", points),
    )
    if max(scored.warning, scored.info, scored.fail) > maximum:
        raise _fail(where, "warning, info and fail points cannot exceed max")
    return scored


def _scoring(raw: Any, where: str) -> tuple[Category, ...]:
    body = _mapping(raw, where)
    _keys(body, {"method", "points", "tests"}, where)
    if body.get("method") != "internetnl":
        raise _fail(f"{where}.method", "the only scoring method is 'internetnl'")
    points = dict(POINTS)
    if "points" in body:
        given = _mapping(body["points"], f"{where}.points")
        _keys(given, set(POINTS), f"{where}.points")
        for name, value in given.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise _fail(f"{where}.points.{name}", f"expected a whole number >= 0, found {value!r}")
            points[name] = value
    tests = _mapping(body.get("tests"), f"{where}.tests")
    _keys(tests, set(TESTS), f"{where}.tests")
    categories: list[Category] = []
    for test, raw_categories in tests.items():
        for name, raw_category in _mapping(raw_categories, f"{where}.tests.{test}").items():
            place = f"{where}.tests.{test}.{name}"
            category = _mapping(raw_category, place)
            _keys(category, _CATEGORY_KEYS, place)
            per_server = category.get("per_server", False)
            if not isinstance(per_server, bool):
                raise _fail(f"{place}.per_server", "expected true or false")
            scored: dict[str, ScoredCheck | None] = {}
            explicit: set[str] = set()
            for pattern, spec in _mapping(category.get("checks"), f"{place}.checks").items():
                ids = _ids(pattern, f"{place}.checks.{pattern}")
                for check_id in ids:
                    if check_id in explicit and len(ids) > 1:
                        continue  # an explicit id overrides a wildcard, whatever the order
                    scored[check_id] = (
                        None if spec == "unscored" else _scored(check_id, spec, f"{place}.checks.{pattern}", points)
                    )
                if len(ids) == 1:
                    explicit.add(ids[0])
            kept = tuple(c for c in scored.values() if c is not None)
            if not kept:
                raise _fail(f"{place}.checks", "a category needs at least one check")
            categories.append(Category(test, str(name), kept, per_server))
    return tuple(categories)


def parse_profile(data: Any, source: str = "<profile>") -> Profile:
    """Validate a profile document (already parsed from YAML) and build the ``Profile``."""
    body = _mapping(data, source)
    _keys(body, _TOP_KEYS_ALL, source)
    for key in ("id", "title", "version", "tls_profile"):
        if key not in body:
            raise _fail(source, f"{key} missing")
    tls_profile = _text(body["tls_profile"], f"{source}: tls_profile")
    if tls_profile not in TLS_PROFILES:
        raise _fail(f"{source}: tls_profile", f"unknown NCSC TLS profile {tls_profile!r} (known: {TLS_PROFILES})")
    dmarc_spec = _text(body.get("dmarc", RFC7489), f"{source}: dmarc")
    if dmarc_spec not in DMARC_SPECS:
        raise _fail(f"{source}: dmarc", f"unknown DMARC specification {dmarc_spec!r} (known: {DMARC_SPECS})")
    standards = _mapping(body.get("standards"), f"{source}: standards")
    if not standards:
        raise _fail(f"{source}: standards", "a profile needs at least one standard")
    return Profile(
        id=_text(body["id"], f"{source}: id"),
        title=_text(body["title"], f"{source}: title"),
        version=_text(body["version"], f"{source}: version"),
        tls_profile=tls_profile,
        dmarc_spec=dmarc_spec,
        standards=tuple(_standard(str(name), raw, f"{source}: standards.{name}") for name, raw in standards.items()),
        description=_text(body.get("description", ""), f"{source}: description"),
        legal_basis=_text(body.get("legal_basis", ""), f"{source}: legal_basis"),
        source=_text(body.get("source", ""), f"{source}: source"),
        categories=_scoring(body["scoring"], f"{source}: scoring") if "scoring" in body else (),
    )


def _parse_text(text: str, source: str) -> Profile:
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except ProfileError as exc:
        raise ProfileError(f"{source}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"{source}: invalid YAML: {exc}") from None
    return parse_profile(data, source)


def load_file(path: Path | str) -> Profile:
    """Load and validate a profile file (``ProfileError`` for any problem, ``OSError`` if unreadable)."""
    path = Path(path)
    return _parse_text(path.read_text(encoding="utf-8"), str(path))


def available() -> tuple[str, ...]:
    """The ids of the profiles shipped in ``policy/profiles/``."""
    folder = resources.files("domeinwacht.policy") / "profiles"
    return tuple(sorted(entry.name.removesuffix(".yaml") for entry in folder.iterdir() if entry.name.endswith(".yaml")))


@cache
def load(name: str) -> Profile:
    """A shipped profile by id (``nl-wdo``…); ``KeyError`` for an unknown id."""
    if name not in available():
        raise KeyError(f"unknown policy profile {name!r} (known: {', '.join(available())})")
    entry = resources.files("domeinwacht.policy") / "profiles" / f"{name}.yaml"
    profile = _parse_text(entry.read_text(encoding="utf-8"), f"profiles/{name}.yaml")
    if profile.id != name:
        raise ProfileError(f"profiles/{name}.yaml: id {profile.id!r} does not match the file name")
    return profile
