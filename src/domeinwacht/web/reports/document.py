"""The half-yearly report as one HTML document, from the figures of ``report.build`` (never recomputed here), for
the page (/rapport/<name>/), the HTML file and the PDF (WeasyPrint draws the same HTML with a print stylesheet).

Numbers are formatted in one place (:func:`pct`, :func:`pp`) so that the PDF's text can be compared with the JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from domeinwacht.web.reports.charts import Bar, change_bars, percentage_bars

STATIC = Path(__file__).resolve().parent / "static" / "reports"
PRINT_CSS = STATIC / "print.css"


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def pp(value: float | None) -> str:
    """A change in percentage points (the unit is in the column header)."""
    return "n/a" if value is None else f"{value:+.1f}"


def _share_row(name: str, share: Mapping[str, Any], change: Mapping[str, Any] | None) -> dict[str, Any]:
    return {
        "standard": name,
        "percentage": pct(share["percentage"]),
        "compliant": share["compliant"],
        "counted": share["compliant"] + share["not_compliant"] + share["not_measured"],
        "not_compliant": share["not_compliant"],
        "not_measured": share["not_measured"],
        "not_applicable": share["not_applicable"],
        "previous": pct(change["previous"]) if change else "n/a",
        "change": pp(change["change"]) if change else "n/a",
    }


def _layer_chart(index: int, standard: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """One standard's share compliant per organisation type, with its visible caption."""
    title = _("%(standard)s: share of domains compliant, per organisation type") % {"standard": standard}
    bars = [
        Bar(org_type, (tally["standards"].get(standard) or {}).get("percentage"))
        for org_type, tally in data["organisation_types"].items()
    ]
    svg = percentage_bars(title, bars, f"chart-layer-{index}")
    return {"title": title, "svg": mark_safe(svg)}  # noqa: S308 - built by charts.py, every text escaped there


def context(data: Mapping[str, Any]) -> dict[str, Any]:
    """What the templates show, every value already formatted."""
    overall = data["overall"]
    change = data.get("change") or {"previous": None, "overall": {}, "organisation_types": {}}
    standards = list(overall["standards"])
    layers = []
    for org_type, tally in data["organisation_types"].items():
        cells = []
        for name in standards:
            share = tally["standards"].get(name)
            cells.append(pct(share["percentage"]) if share else "—")
        layers.append({"type": org_type, "domains": tally["domains"], "cells": cells})
    layer_changes = []
    if change["previous"]:
        for org_type, per_standard in change["organisation_types"].items():
            layer_changes.append(
                {"type": org_type, "cells": [pp((per_standard.get(n) or {}).get("change")) for n in standards]}
            )
    charts = {
        "overall": mark_safe(  # noqa: S308 - built by charts.py, every text escaped there
            percentage_bars(
                _("Share of domains compliant, per standard"),
                [Bar(n, s["percentage"]) for n, s in overall["standards"].items()],
                "chart-overall",
            )
        ),
        "change": mark_safe(  # noqa: S308 - as above
            change_bars(
                _("Change since the previous measurement, per standard"),
                [Bar(n, (change["overall"].get(n) or {}).get("change")) for n in standards],
                "chart-change",
            )
        )
        if change["previous"]
        else "",
        "layers": [_layer_chart(i, name, data) for i, name in enumerate(standards)],
    }
    return {
        "m": data["measurement"],
        "banner": _("SIMULATED LAB DATA — not a measurement of real domains"),
        "overall_rows": [_share_row(n, s, change["overall"].get(n)) for n, s in overall["standards"].items()],
        "lights": overall["lights"],
        "internetnl": overall["internetnl_total"],
        "standards": standards,
        "layers": layers,
        "layer_changes": layer_changes,
        "previous": change["previous"],
        "furthest_behind": [{**o, "compliance": pct(o["compliance"])} for o in data["furthest_behind"]],
        "charts": charts,
    }


def render_page(data: Mapping[str, Any], request: Any = None) -> str:
    """The report inside the public site's layout."""
    return render_to_string("reports/page.html", context(data), request=request)


LANGUAGES = ("nl", "en")


def render_document(data: Mapping[str, Any], language: str = "nl") -> str:
    """The report as a standalone HTML document (the HTML file and the PDF's source), in Dutch or English."""
    with translation.override(language):
        return render_to_string("reports/document.html", {**context(data), "language": language})
