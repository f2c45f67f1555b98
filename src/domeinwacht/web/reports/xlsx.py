"""The report as an XLSX workbook (openpyxl): one sheet per part of the report, figures as numbers (not text), the
same values as the JSON."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook

from domeinwacht.web.measurements.report import SIMULATED_BANNER

SHARE_FIELDS = ("percentage", "compliant", "not_compliant", "not_measured", "not_applicable", "not_tested")


def render_xlsx(data: Mapping[str, Any]) -> bytes:
    wb = Workbook(write_only=True)
    m = data["measurement"]
    about = wb.create_sheet("Measurement")
    if m["simulated"]:
        about.append([SIMULATED_BANNER])
    for key in ("name", "profile", "status", "observed_at", "finished_at", "targets", "measured", "simulated"):
        about.append([key, m[key]])
    previous = (data.get("change") or {}).get("previous")
    about.append(["compared with", previous["name"] if previous else None])

    overall = wb.create_sheet("Per standard")
    overall.append(["standard", *SHARE_FIELDS, "previous", "change (pp)"])
    changes = (data.get("change") or {}).get("overall", {})
    for name, share in data["overall"]["standards"].items():
        change = changes.get(name) or {}
        overall.append([name, *(share[f] for f in SHARE_FIELDS), change.get("previous"), change.get("change")])

    layers = wb.create_sheet("Per layer")
    layers.append(["organisation type", "domains", "standard", *SHARE_FIELDS, "change (pp)"])
    type_changes = (data.get("change") or {}).get("organisation_types", {})
    for org_type, tally in data["organisation_types"].items():
        for name, share in tally["standards"].items():
            change = (type_changes.get(org_type) or {}).get(name) or {}
            layers.append([org_type, tally["domains"], name, *(share[f] for f in SHARE_FIELDS), change.get("change")])

    behind = wb.create_sheet("Furthest behind")
    behind.append(["organisation", "mean share compliant", "traffic light"])
    for o in data["furthest_behind"]:
        behind.append([o["organisation"], o["compliance"], o["traffic_light"]])

    orgs = wb.create_sheet("Organisations")
    orgs.append(["organisation", "type", "domains", "mean share compliant", "traffic light"])
    for o in data["organisations"]:
        orgs.append([o["organisation"], o["organisation_type"], o["domains"], o["compliance"], o["traffic_light"]])

    domains = wb.create_sheet("Domains")
    standards = list(data["overall"]["standards"])
    domains.append(["domain", "organisation", "type", "traffic light", "Internet.nl", *standards, "findings"])
    for d in data["domains"]:
        domains.append(
            [
                d["domain"],
                d["organisation"],
                d["organisation_type"],
                d["traffic_light"],
                d["internetnl"],
                *(d["standards"].get(s) for s in standards),
                " ".join(d["findings"]),
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
