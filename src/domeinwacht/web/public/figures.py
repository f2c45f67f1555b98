"""The figures the public pages show, per finished measurement, computed once and cached.

Everything comes from ``measurements.report.build()`` (the published figures: shares per standard, per
organisation type and per organisation, computed from the stored scores) — the pages never count differently.
A finished measurement is immutable, so its figures are cached under its id for as long as the cache keeps them;
an unfinished one is never shown on the public pages.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.cache import cache

from domeinwacht.web.measurements import report
from domeinwacht.web.measurements.models import Measurement, Status

CACHE_SECONDS = 24 * 3600
VERSION = 1  # bump when the cached shape changes


def finished_measurements() -> list[Measurement]:
    """Every finished measurement, oldest first (the order of the time control and the charts)."""
    return list(Measurement.objects.filter(status=Status.FINISHED).order_by("finished_at", "id"))


def select(measurements: Sequence[Measurement], wanted: str | None) -> Measurement | None:
    """The measurement a page shows: ``wanted`` (an id from the time control) when it is one of them, else the
    latest. ``None`` when there is none."""
    if wanted:
        for m in measurements:
            if str(m.pk) == wanted:
                return m
    return measurements[-1] if measurements else None


def previous(measurements: Sequence[Measurement], current: Measurement) -> Measurement | None:
    """The finished measurement under the same profile before ``current`` (for "change since the previous
    measurement"; figures under another profile measure other requirements and are not compared)."""
    before = None
    for m in measurements:
        if m.pk == current.pk:
            return before
        if m.profile == current.profile:
            before = m
    return None


def standard_light(share: Mapping[str, Any] | None) -> str:
    """An organisation's light for one standard: green when every counted domain complies, red when one does not
    (or could not be measured), grey when none of its domains was judged on it."""
    if not share or share.get("percentage") is None:
        return "grey"
    return "green" if share["not_compliant"] == 0 and share["not_measured"] == 0 else "red"


_MEMO: OrderedDict[int, dict[str, Any]] = OrderedDict()  # this process's last few summaries, not unpickled again
MEMO_SIZE = 8


def summary(measurement: Measurement) -> dict[str, Any]:
    """The report of a finished measurement without its per-domain rows, plus an index by register id.

    Callers must not change the returned mapping (it is shared by the requests of this process)."""
    finished = measurement.status == Status.FINISHED
    if finished and measurement.pk in _MEMO:
        _MEMO.move_to_end(measurement.pk)
        return _MEMO[measurement.pk]
    key = f"public:summary:{VERSION}:{measurement.pk}"
    cached = cache.get(key)
    if cached is not None:
        return _remember(measurement.pk, cached)
    data = report.build(measurement)
    organisations = data["organisations"]
    result = {
        "measurement": data["measurement"],
        "overall": data["overall"],
        "organisation_types": data["organisation_types"],
        "organisations": organisations,
        "furthest_behind": data["furthest_behind"],
        "standards": list(data["overall"]["standards"]),
        "by_org": {o["register_id"]: o for o in organisations if o["register_id"] is not None},
    }
    if finished:
        cache.set(key, result, CACHE_SECONDS)
        _remember(measurement.pk, result)
    return result


def _remember(pk: int, data: dict[str, Any]) -> dict[str, Any]:
    _MEMO[pk] = data
    while len(_MEMO) > MEMO_SIZE:
        _MEMO.popitem(last=False)
    return data


def forget() -> None:
    """Drop this process's memo (tests: databases that reuse measurement ids)."""
    _MEMO.clear()


def rankings(current: Mapping[str, Any], before: Mapping[str, Any] | None, size: int = 10) -> dict[str, Any]:
    """Per organisation type: the organisations furthest behind (lowest mean share compliant, the report's order)
    and the most improved since the previous measurement (largest rise of that share)."""
    per_type: dict[str, dict[str, list[dict[str, Any]]]] = {}
    earlier = (before or {}).get("by_org", {})
    for org in current["organisations"]:
        if org["compliance"] is None:
            continue
        entry = per_type.setdefault(org["organisation_type"] or report.UNKNOWN_TYPE, {"behind": [], "improved": []})
        entry["behind"].append(org)
        old = earlier.get(org["register_id"])
        if old and old["compliance"] is not None:
            delta = round(org["compliance"] - old["compliance"], 1)
            if delta > 0:
                entry["improved"].append({**org, "delta": delta, "before": old["compliance"]})
    for entry in per_type.values():
        entry["behind"] = sorted(
            entry["behind"], key=lambda o: (o["compliance"], -o["lights"]["red"], o["organisation"])
        )[:size]
        entry["improved"] = sorted(entry["improved"], key=lambda o: (-o["delta"], o["organisation"]))[:size]
    return dict(sorted(per_type.items()))


def change(current: Mapping[str, Any], before: Mapping[str, Any] | None) -> dict[str, float | None]:
    """Per standard: the change of the national share compliant since the previous measurement, in points."""
    out: dict[str, float | None] = {}
    old = (before or {}).get("overall", {}).get("standards", {})
    for name, share in current["overall"]["standards"].items():
        was = old.get(name, {}).get("percentage")
        now = share["percentage"]
        out[name] = round(now - was, 1) if now is not None and was is not None else None
    return out
