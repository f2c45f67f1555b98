"""The figures a measurement publishes: per standard the share of domains compliant — nationally, per organisation
type, per organisation — the organisations furthest behind, and every domain's outcome.

Computed from the stored per-domain scores (the policy engine's ``score_domain(...).to_json()``), streamed row by
row. Shares follow the policy engine's ``StandardShare``: compliant / (compliant + not compliant + not measured); a
domain that could not be measured never counts as compliant, not applicable and not tested domains are left out.
Organisation traffic lights are the worst light of their domains.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from domeinwacht.policy.scoring import Outcome, StandardShare, TrafficLight
from domeinwacht.scan.run_signal import domain_symptoms, run_signal
from domeinwacht.web.measurements.models import Measurement, Observation, Result, Status

UNKNOWN_TYPE = "(not in register)"
FURTHEST_BEHIND = 10
SIMULATED_BANNER = "SIMULATED LAB DATA — not a measurement of real domains"


@dataclass
class Tally:
    """Domains taken together (the whole measurement, one organisation type, one organisation)."""

    domains: int = 0
    outcomes: dict[str, Counter[str]] = field(default_factory=dict)
    lights: Counter[str] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)
    internetnl_sum: int = 0
    internetnl_count: int = 0

    def add(self, score: Mapping[str, Any]) -> None:
        self.domains += 1
        for name, standard in score.get("standards", {}).items():
            self.outcomes.setdefault(name, Counter())[standard.get("outcome", Outcome.NOT_MEASURED.value)] += 1
        self.lights[score.get("traffic_light", TrafficLight.GREY.value)] += 1
        self.findings.update(score.get("findings_by_severity", {}))
        total = (score.get("internetnl") or {}).get("total")
        if isinstance(total, int):
            self.internetnl_sum += total
            self.internetnl_count += 1

    def shares(self) -> dict[str, StandardShare]:
        return {
            name: StandardShare(
                name,
                compliant=counts[Outcome.COMPLIANT.value],
                not_compliant=counts[Outcome.NOT_COMPLIANT.value],
                not_measured=counts[Outcome.NOT_MEASURED.value],
                not_applicable=counts[Outcome.NOT_APPLICABLE.value],
                not_tested=counts[Outcome.NOT_TESTED.value],
            )
            for name, counts in sorted(self.outcomes.items())
            if counts[Outcome.NOT_REQUIRED.value] < sum(counts.values())
        }

    @property
    def traffic_light(self) -> str:
        present = [TrafficLight(light) for light, n in self.lights.items() if n]
        return TrafficLight.worst(present).value

    @property
    def compliance(self) -> float | None:
        """Mean share compliant over the standards (for ranking organisations)."""
        values = [s.percentage for s in self.shares().values() if s.percentage is not None]
        return round(sum(values) / len(values), 1) if values else None

    @property
    def internetnl(self) -> int | None:
        return int(self.internetnl_sum / self.internetnl_count) if self.internetnl_count else None

    def to_json(self) -> dict[str, Any]:
        return {
            "domains": self.domains,
            "compliance": self.compliance,
            "traffic_light": self.traffic_light,
            "lights": {light.value: self.lights.get(light.value, 0) for light in TrafficLight},
            "findings_by_severity": dict(sorted(self.findings.items())),
            "internetnl_total": self.internetnl,
            "standards": {name: share.to_json() for name, share in self.shares().items()},
        }


def _rows(measurement: Measurement) -> Iterator[tuple[Any, ...]]:
    return (
        Result.objects.filter(measurement=measurement)
        .order_by("domain")
        .values_list(
            "domain",
            "score",
            "failures",
            "target__organisation_id",
            "target__organisation_name",
            "target__organisation_type",
            "observations",  # references to the stored blobs (storage.compact): for the whole-run signal
        )
        .iterator(chunk_size=1000)
    )


def _symptoms(refs_per_domain: list[Mapping[str, Any]]) -> list[set[str]]:
    """``scan.run_signal.domain_symptoms`` per domain, from the web observation (else the DNS one), read in
    batches of blobs (one MX or web blob shared by many domains is read and judged once)."""
    chosen: list[tuple[str, str | None]] = []
    for refs in refs_per_domain:
        area = "web" if isinstance(refs.get("web"), str) else "dns"
        ref = refs.get(area)
        chosen.append((area, ref if isinstance(ref, str) else None))
    wanted = {ref: area for area, ref in chosen if ref is not None}
    found: dict[str, set[str]] = {}
    keys = list(wanted)
    for start in range(0, len(keys), 500):
        rows = Observation.objects.filter(sha256__in=keys[start : start + 500]).values_list("sha256", "data")
        for key, data in rows.iterator(chunk_size=100):
            found[key] = domain_symptoms({wanted[key]: data})
    return [found.get(ref, set()) if ref is not None else set() for _area, ref in chosen]


def previous_of(measurement: Measurement) -> Measurement | None:
    """The measurement a report compares with: the latest finished one under the same profile observed before it."""
    return (
        Measurement.objects.filter(
            status=Status.FINISHED, profile=measurement.profile, observed_at__lt=measurement.observed_at
        )
        .exclude(pk=measurement.pk)
        .order_by("-observed_at", "-id")
        .first()
    )


def _tallies(measurement: Measurement) -> tuple[Tally, dict[str, Tally]]:
    overall = Tally()
    by_type: dict[str, Tally] = {}
    for _, stored_score, _, _, _, org_type, _ in _rows(measurement):
        overall.add(stored_score or {})
        by_type.setdefault(org_type or UNKNOWN_TYPE, Tally()).add(stored_score or {})
    return overall, by_type


def _delta(now: float | None, then: float | None) -> float | None:
    return None if now is None or then is None else round(now - then, 1)


def change(
    measurement: Measurement, overall: Mapping[str, Any], types: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """Change since the previous measurement (``previous_of``), in percentage points, per standard overall and per
    organisation type; ``previous`` is None when there is none (then every change is None)."""
    previous = previous_of(measurement)
    if previous is None:
        before_overall: dict[str, Any] = {"standards": {}}
        before_types: dict[str, dict[str, Any]] = {}
    else:
        then, then_types = _tallies(previous)
        before_overall = then.to_json()
        before_types = {name: tally.to_json() for name, tally in then_types.items()}

    def compare(now: Mapping[str, Any], before: Mapping[str, Any]) -> dict[str, Any]:
        out = {}
        for name, share in now["standards"].items():
            then_share = before["standards"].get(name)
            then_pct = then_share["percentage"] if then_share else None
            out[name] = {
                "percentage": share["percentage"],
                "previous": then_pct,
                "change": _delta(share["percentage"], then_pct),
            }
        return out

    return {
        "previous": None
        if previous is None
        else {"name": previous.name, "observed_at": previous.observed_at.isoformat()},
        "overall": compare(overall, before_overall),
        "organisation_types": {
            name: compare(tally, before_types.get(name, {"standards": {}})) for name, tally in types.items()
        },
    }


def build(measurement: Measurement) -> dict[str, Any]:
    """The whole report as JSON-ready data."""
    overall = Tally()
    by_type: dict[str, Tally] = {}
    by_org: dict[tuple[Any, str, str], Tally] = {}
    domains = []
    refs = []
    for domain, stored_score, failures, org_id, org_name, org_type, observed in _rows(measurement):
        refs.append(observed or {})
        score = stored_score or {}
        overall.add(score)
        by_type.setdefault(org_type or UNKNOWN_TYPE, Tally()).add(score)
        if org_name:
            by_org.setdefault((org_id, org_name, org_type), Tally()).add(score)
        domains.append(
            {
                "domain": domain,
                "organisation": org_name or None,
                "organisation_type": org_type or None,
                "traffic_light": score.get("traffic_light"),
                "internetnl": (score.get("internetnl") or {}).get("total"),
                "standards": {name: s.get("outcome") for name, s in sorted(score.get("standards", {}).items())},
                "findings": [f["check_id"] for f in score.get("findings", []) if not f.get("explained")],
                "observer_failures": dict(failures or {}),
            }
        )
    organisations = [
        {"organisation": name, "organisation_type": org_type, "register_id": org_id, **tally.to_json()}
        for (org_id, name, org_type), tally in sorted(by_org.items(), key=lambda item: item[0][1])
    ]
    ranked = sorted(
        (o for o in organisations if o["compliance"] is not None),
        key=lambda o: (o["compliance"], -o["lights"]["red"], o["organisation"]),
    )
    signal = run_signal(_symptoms(refs))
    overall_json = overall.to_json()
    types_json = {name: tally.to_json() for name, tally in sorted(by_type.items())}
    return {
        "run_signal": signal.message if signal is not None else None,
        "measurement": {
            "name": measurement.name,
            "profile": measurement.profile,
            "status": measurement.status,
            "observed_at": measurement.observed_at.isoformat(),
            "finished_at": measurement.finished_at.isoformat() if measurement.finished_at else None,
            "targets": measurement.target_count,
            "measured": overall.domains,
            "simulated": bool(measurement.selection.get("simulated")),
            "selection": measurement.selection,
        },
        "overall": overall_json,
        "organisation_types": types_json,
        "change": change(measurement, overall_json, types_json),
        "organisations": organisations,
        "furthest_behind": [
            {"organisation": o["organisation"], "compliance": o["compliance"], "traffic_light": o["traffic_light"]}
            for o in ranked[:FURTHEST_BEHIND]
        ],
        "domains": domains,
    }


def publish(measurement: Measurement, directory: Path) -> dict[str, Path]:
    """Write the report as text, CSV and JSON into ``directory`` (``<name>.txt|csv|json``); returns the paths."""
    data = build(measurement)
    directory.mkdir(parents=True, exist_ok=True)
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in measurement.name)
    paths = {fmt: directory / f"{stem}.{fmt}" for fmt in ("txt", "csv", "json")}
    paths["txt"].write_text(render_text(data), encoding="utf-8")
    paths["csv"].write_text(render_csv(data), encoding="utf-8")
    paths["json"].write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return paths


def summary(data: Mapping[str, Any]) -> str:
    """The short version printed after a run: shares per standard and the organisations furthest behind."""
    text = render_text({**data, "organisations": []})
    return text


# --- renderings ------------------------------------------------------------------------------------------------


def _pct(share: Mapping[str, Any]) -> str:
    counted = share["compliant"] + share["not_compliant"] + share["not_measured"]
    value = "  n/a " if share["percentage"] is None else f"{share['percentage']:5.1f}%"
    return f"{value} ({share['compliant']}/{counted})"


def render_text(report: Mapping[str, Any]) -> str:
    m = report["measurement"]
    out = io.StringIO()
    if m["simulated"]:
        out.write(f"*** {SIMULATED_BANNER} ***\n")
    if report.get("run_signal"):  # most domains failed the same way: read this before the figures
        out.write(f"{report['run_signal']}\n\n")
    out.write(f"Measurement {m['name']} — profile {m['profile']} — {m['measured']} of {m['targets']} domains")
    out.write(f" — observed {m['observed_at'][:16]} — {m['status']}\n\n")
    overall = report["overall"]
    out.write("Share of domains compliant, per standard\n")
    changes = report.get("change", {}).get("overall", {})
    for name, share in overall["standards"].items():
        extra = f", {share['not_measured']} not measured" if share["not_measured"] else ""
        delta = (changes.get(name) or {}).get("change")
        if delta is not None:
            extra += f", {delta:+.1f} pp since the previous measurement"
        out.write(f"  {name:<28} {_pct(share)}{extra}\n")
    previous = report.get("change", {}).get("previous")
    if previous:
        out.write(f"  (compared with {previous['name']}, observed {previous['observed_at'][:16]})\n")
    lights = overall["lights"]
    out.write(f"  traffic lights: {', '.join(f'{k} {v}' for k, v in lights.items())}\n")
    if overall["internetnl_total"] is not None:
        out.write(f"  mean Internet.nl score: {overall['internetnl_total']}%\n")
    types = report["organisation_types"]
    if types:
        names = list(overall["standards"])
        out.write("\nPer organisation type (share compliant per standard)\n")
        out.write(f"  {'type':<22} {'domains':>7}  " + "  ".join(f"{n[:14]:>14}" for n in names) + "\n")
        for org_type, tally in types.items():
            cells = []
            for name in names:
                share = tally["standards"].get(name)
                cells.append(
                    f"{share['percentage']:>13.1f}%" if share and share["percentage"] is not None else " " * 14
                )
            out.write(f"  {org_type[:22]:<22} {tally['domains']:>7}  " + "  ".join(cells) + "\n")
    if report["furthest_behind"]:
        out.write("\nOrganisations furthest behind (mean share compliant over the standards)\n")
        for entry in report["furthest_behind"]:
            out.write(f"  {entry['compliance']:5.1f}%  {entry['traffic_light']:<6}  {entry['organisation']}\n")
    if report["organisations"]:
        out.write("\nPer organisation\n")
        for org in report["organisations"]:
            compliance = "  n/a " if org["compliance"] is None else f"{org['compliance']:5.1f}%"
            out.write(
                f"  {compliance}  {org['traffic_light']:<6}  {org['domains']:>3} domains  {org['organisation']}"
                f" ({org['organisation_type']})\n"
            )
    if m["simulated"]:
        out.write(f"\n*** {SIMULATED_BANNER} ***\n")
    return out.getvalue()


CSV_FIELDS = (
    "level",
    "organisation_type",
    "organisation",
    "domain",
    "standard",
    "percentage",
    "compliant",
    "not_compliant",
    "not_measured",
    "not_applicable",
    "not_tested",
    "outcome",
    "traffic_light",
    "simulated",
)


def render_csv(report: Mapping[str, Any]) -> str:
    """One row per (level, group, standard): levels ``overall``, ``organisation_type``, ``organisation``,
    ``domain`` (with the domain's outcome per standard)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    simulated = report["measurement"]["simulated"]

    def shares(level: str, tally: Mapping[str, Any], **where: Any) -> None:
        for name, share in tally["standards"].items():
            writer.writerow(
                {
                    "level": level,
                    "standard": name,
                    "traffic_light": tally["traffic_light"],
                    "simulated": simulated,
                    **where,
                    **{k: v for k, v in share.items() if k in CSV_FIELDS},
                }
            )

    shares("overall", report["overall"])
    for org_type, tally in report["organisation_types"].items():
        shares("organisation_type", tally, organisation_type=org_type)
    for org in report["organisations"]:
        shares("organisation", org, organisation_type=org["organisation_type"], organisation=org["organisation"])
    for domain in report["domains"]:
        for name, outcome in domain["standards"].items():
            writer.writerow(
                {
                    "level": "domain",
                    "organisation_type": domain["organisation_type"] or "",
                    "organisation": domain["organisation"] or "",
                    "domain": domain["domain"],
                    "standard": name,
                    "outcome": outcome,
                    "traffic_light": domain["traffic_light"],
                    "simulated": simulated,
                }
            )
    return out.getvalue()
