"""The public pages: the map, organisation and domain pages, search and statistics.

Every page renders on the server and works without JavaScript; figures come from ``figures`` (the published
report of a finished measurement, cached per measurement).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from domeinwacht.names import InvalidName, display_name, normalise_hostname
from domeinwacht.policy import profile as profiles
from domeinwacht.web.measurements.models import CheckOutcome, Measurement, Result, Status
from domeinwacht.web.public import charts, evidence, figures, geo
from domeinwacht.web.public.templatetags.public import layer as layer_name
from domeinwacht.web.register.constants import ContactRole
from domeinwacht.web.register.lookup import lookup_payload
from domeinwacht.web.register.models import Contact, Domain, Organisation

MUNICIPALITY = "gemeente"
MAX_QUERY = 2000  # longest search text accepted
HISTORY = 8  # measurements shown in a domain's history per check
SORTS = ("name", "-name", "compliance", "-compliance", "light", "-light")
LIGHT_ORDER = {"red": 0, "orange": 1, "grey": 2, "green": 3}


def _status_label(status: str) -> str:
    """A check status (CHECKS.md) in the reader's language."""
    return {
        "pass": _("pass"),
        "fail": _("fail"),
        "warning": _("warning"),
        "info": _("info"),
        "error": _("error (could not observe)"),
        "not_applicable": _("not applicable"),
        "not_tested": _("not tested"),
    }.get(status, status)


def _light_label(light: str) -> str:
    return {
        "green": _("green: every required standard met"),
        "orange": _("orange: recommended standards not met"),
        "red": _("red: a required standard not met"),
        "grey": _("grey: not measured"),
    }.get(light, light)


def _selection(request: HttpRequest) -> tuple[list[Measurement], Measurement | None]:
    measurements = figures.finished_measurements()
    return measurements, figures.select(measurements, request.GET.get("measurement"))


def _municipalities() -> dict[str, Organisation]:
    """The register's municipalities by CBS code (``gm0363``), from ``organisatiecode`` or the TOOI URI."""
    out: dict[str, Organisation] = {}
    for org in Organisation.objects.filter(type=MUNICIPALITY).order_by(F("valid_until").asc(nulls_first=True), "name"):
        code = (org.organisatiecode or (org.tooi or "").rsplit("/", 1)[-1]).lower()
        if code.startswith("gm") and code not in out:
            out[code] = org
    return out


def map_view(request: HttpRequest) -> HttpResponse:
    measurements, current = _selection(request)
    context: dict[str, Any] = {"measurements": measurements, "current": current}
    if current is None:
        return render(request, "public/map.html", context)
    data = figures.summary(current)
    standard = request.GET.get("standard", "")
    notice = ""
    if standard and standard not in data["standards"]:
        notice = _("There is no standard %(name)s in this measurement; the map shows the traffic light.") % {
            "name": standard[:80]
        }
        standard = ""
    sort = request.GET.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    try:
        boundaries: geo.GeoMap | None = geo.load(settings.GEO_FILE)
    except geo.GeoError as exc:
        boundaries, notice = None, _("The map cannot be drawn: %(reason)s") % {"reason": exc}
    by_org = data["by_org"]
    before = figures.previous(measurements, current)
    overall = data["overall"]

    # What follows is only computed when the template's cached fragment is not (the template calls these).
    @functools.cache
    def shapes() -> list[dict[str, Any]]:
        orgs = _municipalities()
        out = []
        for shape in boundaries.shapes if boundaries else ():
            org = orgs.get(shape.code.lower())
            entry = by_org.get(org.pk) if org else None
            if entry is None:
                light = "grey"
            elif standard:
                light = figures.standard_light(entry["standards"].get(standard))
            else:
                light = entry["traffic_light"]
            name = org.name if org else shape.name
            out.append(
                {
                    "path": shape.path,
                    "light": light,
                    "href": reverse("public:organisation", args=[org.slug]) if org else "",
                    "label": f"{name}: {_light_label(light)}",
                }
            )
        return out

    @functools.cache
    def organisations() -> list[dict[str, Any]]:
        slugs = dict(Organisation.objects.filter(pk__in=list(by_org)).values_list("pk", "slug"))
        return [{**o, "register_slug": slugs.get(o["register_id"], "")} for o in data["organisations"]]

    @functools.cache
    def rows() -> list[dict[str, Any]]:
        out = []
        for entry in organisations():
            if entry["organisation_type"] != MUNICIPALITY:
                continue
            light = figures.standard_light(entry["standards"].get(standard)) if standard else entry["traffic_light"]
            out.append({**entry, "light": light, "light_label": _light_label(light)})
        key, descending = sort.lstrip("-"), sort.startswith("-")
        sorters = {
            "name": lambda r: r["organisation"],
            "compliance": lambda r: (r["compliance"] is None, r["compliance"] or 0, r["organisation"]),
            "light": lambda r: (LIGHT_ORDER.get(r["light"], 9), r["organisation"]),
        }
        return sorted(out, key=sorters[key], reverse=descending)

    @functools.cache
    def layers() -> dict[str, list[dict[str, Any]]]:
        return {
            t: [o for o in organisations() if o["organisation_type"] == t]
            for t in data["organisation_types"]
            if t != MUNICIPALITY
        }

    @functools.cache
    def rankings() -> dict[str, Any]:
        return figures.rankings(data, figures.summary(before) if before else None)

    context.update(
        {
            "data": data,
            "banner_measurement": data["measurement"],
            "standard": standard,
            "sort": sort,
            "sort_columns": [("name", _("Organisation")), ("light", _("Status")), ("compliance", _("Share compliant"))],
            "notice": notice,
            "geo": boundaries,
            "shapes": shapes,
            "rows": rows,
            "headline": _headline(overall),
            "legend": [(light, _light_label(light)) for light in ("green", "orange", "red", "grey")],
            "rankings": rankings,
            "previous": before,
            "layers": layers,
            "register_layers": functools.cache(_register_layers),
        }
    )
    return render(request, "public/map.html", context)


def _headline(overall: Mapping[str, Any]) -> dict[str, Any]:
    domains = overall["domains"]
    green = overall["lights"].get("green", 0)
    return {"green": green, "domains": domains, "percentage": round(100 * green / domains, 1) if domains else None}


def _register_layers() -> list[tuple[str, int]]:
    from django.db.models import Count

    counts = (
        Organisation.objects.filter(valid_until__isnull=True)
        .exclude(type=MUNICIPALITY)
        .values("type")
        .annotate(n=Count("id"))
        .order_by("type")
    )
    return [(c["type"], c["n"]) for c in counts]


def organisation_view(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_object_or_404(Organisation, slug=slug)
    measurements, current = _selection(request)
    context: dict[str, Any] = {"org": org, "measurements": measurements, "current": current}
    context["register_domains"] = list(Domain.objects.filter(owner=org).order_by("name").prefetch_related("hosts"))
    context["security_contacts"] = list(
        Contact.objects.filter(organisation=org, role=ContactRole.SECURITY).order_by("email")
    )
    if current is not None:
        data = figures.summary(current)
        entry = data["by_org"].get(org.pk)
        context["entry"] = entry
        context["entry_light_label"] = _light_label(entry["traffic_light"]) if entry else ""
        context["banner_measurement"] = data["measurement"]
        results = Result.objects.filter(measurement=current, target__organisation=org).order_by("domain")
        context["results"] = [
            {
                "domain": r.domain,
                "light": r.score.get("traffic_light", "grey"),
                "light_label": _light_label(r.score.get("traffic_light", "grey")),
                "standards": {n: s.get("outcome") for n, s in sorted(r.score.get("standards", {}).items())},
                "findings": [f["check_id"] for f in r.score.get("findings", []) if not f.get("explained")],
            }
            for r in results
        ]
        context["security_txt"] = _security_txt_contacts(current, org)
        if entry:
            context["standards"] = [
                {"name": n, "share": s, "light": figures.standard_light(s)} for n, s in entry["standards"].items()
            ]
    labels, values = [], []
    for m in measurements:
        if current is not None and m.profile != current.profile:
            continue
        found = figures.summary(m)["by_org"].get(org.pk)
        if found is not None:
            labels.append(m.name[:40])
            values.append(found["compliance"])
    context["history"] = charts.line_chart(labels, {_("mean share compliant"): values}) if labels else None
    context["history_rows"] = list(zip(labels, values, strict=True))
    return render(request, "public/organisation.html", context)


def _security_txt_contacts(measurement: Measurement, org: Organisation) -> list[dict[str, Any]]:
    """The contacts the organisation's measured domains publish in security.txt (RFC 9116 ``Contact:``), per domain.

    They come from scanned servers: only ``mailto:`` and ``https:`` become links."""
    out = []
    outcomes = CheckOutcome.objects.filter(
        measurement=measurement, result__target__organisation=org, check_id="web.security_txt"
    ).values_list("result__domain", "evidence")
    for domain, stored_evidence in outcomes.order_by("result__domain"):
        seen: list[str] = []
        endpoints = stored_evidence.get("endpoints") if isinstance(stored_evidence, dict) else None
        for endpoint in endpoints if isinstance(endpoints, list) else []:
            contacts = endpoint.get("contacts") if isinstance(endpoint, dict) else None
            for contact in contacts if isinstance(contacts, list) else []:
                if isinstance(contact, str) and contact not in seen:
                    seen.append(contact)
        if seen:
            links = [(c, c.lower().startswith(("mailto:", "https://"))) for c in seen[:10]]
            out.append({"domain": domain, "contacts": links})
    return out


def _legal_sources(profile_id: str) -> dict[str, list[str]]:
    try:
        loaded = profiles.load(profile_id)
    except (KeyError, ValueError, OSError):
        return {}
    out: dict[str, list[str]] = {}
    for standard in loaded.standards:
        basis = standard.basis or loaded.legal_basis
        for requirement in standard.requirements:
            text = f"{standard.name} ({requirement.level.value})" + (f": {basis}" if basis else "")
            out.setdefault(requirement.check_id, []).append(text)
    return out


def domain_view(request: HttpRequest, name: str) -> HttpResponse:
    try:
        host = normalise_hostname(name)
    except InvalidName as exc:
        raise Http404(exc.reason) from exc
    results = list(
        Result.objects.filter(domain=host, measurement__status=Status.FINISHED)
        .select_related("measurement", "target")
        .order_by("measurement__finished_at", "measurement_id")
    )
    if not results:
        raise Http404(_("%(name)s was not measured") % {"name": display_name(host)})
    wanted = request.GET.get("measurement")
    result = next((r for r in results if str(r.measurement_id) == wanted), results[-1])
    current = result.measurement
    legal = _legal_sources(current.profile)
    checks = [
        {
            "check": c,
            "status_label": _status_label(c.status),
            "rows": [(row, _status_label(row.status)) for row in evidence.rows(c.evidence)],
            "raw": evidence.as_text(c.evidence),
            "legal": legal.get(c.check_id, []),
        }
        for c in CheckOutcome.objects.filter(result=result).order_by("check_id")
    ]
    recent = results[-HISTORY:]
    statuses: dict[str, dict[int, str]] = {}
    for check_id, measurement_id, status in CheckOutcome.objects.filter(result__in=recent).values_list(
        "check_id", "result__measurement_id", "status"
    ):
        statuses.setdefault(check_id, {})[measurement_id] = status
    history = [
        {
            "check_id": check_id,
            "cells": [(per.get(r.measurement_id, ""), _status_label(per.get(r.measurement_id, ""))) for r in recent],
        }
        for check_id, per in sorted(statuses.items())
    ]
    org = result.target.organisation
    context = {
        "host": host,
        "host_display": display_name(host),
        "result": result,
        "current": current,
        "measurements": [r.measurement for r in results],
        "banner_measurement": current,
        "checks": checks,
        "first_seen": results[0].measurement,
        "last_seen": results[-1].measurement,
        "recent": [r.measurement for r in recent],
        "history": history,
        "org": org,
        "org_name": result.target.organisation_name,
        "light": result.score.get("traffic_light", "grey"),
        "light_label": _light_label(result.score.get("traffic_light", "grey")),
    }
    return render(request, "public/domain.html", context)


def host_of(text: str) -> str:
    """The host name in what someone typed: a bare name, or a URL (``https://www.amsterdam.nl/pad``)."""
    text = text.strip()
    if "://" in text or text.startswith("//"):
        try:
            return urlsplit(text if "://" in text else "http:" + text).hostname or ""
        except ValueError:  # e.g. an unclosed IPv6 bracket: no host, the lookup says why
            return ""
    return text.split("/", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0] if "/" in text or "@" in text else text


def search_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    context: dict[str, Any] = {"query": query[:MAX_QUERY]}
    status = 200
    if len(query) > MAX_QUERY:
        context["error"] = _("That text is too long to be a host name or URL.")
        status = 400
    elif query.strip():
        code, body = lookup_payload(host_of(query) or query)
        context["code"], context["body"] = code, body
        if code == 400:
            context["error"] = _("That is not a host name or URL: %(reason)s") % {"reason": body["detail"]}
            status = 400
        elif code == 200:
            context["org"] = Organisation.objects.filter(slug=body["organisation"]["slug"]).first()
            measured = (
                Result.objects.filter(domain=body["domain"]["name"], measurement__status=Status.FINISHED)
                .order_by("-measurement__finished_at")
                .first()
            )
            context["measured_domain"] = measured.domain if measured else None
    return render(request, "public/search.html", context, status=status)


def statistics_view(request: HttpRequest) -> HttpResponse:
    measurements, current = _selection(request)
    context: dict[str, Any] = {"measurements": measurements, "current": current}
    if current is None:
        return render(request, "public/statistics.html", context)
    data = figures.summary(current)
    before = figures.previous(measurements, current)
    before_data = figures.summary(before) if before else None
    shown = [  # the same profile's measurements up to the shown one: other profiles judge other requirements
        m for m in measurements[: measurements.index(current) + 1] if m.profile == current.profile
    ]
    summaries = [figures.summary(m) for m in shown]
    labels = [m.name[:40] for m in shown]
    per_standard = []
    for name in data["standards"]:
        layers = sorted({t for s in summaries for t in s["organisation_types"]})
        series = {
            layer_name(layer).capitalize(): [
                (s["organisation_types"].get(layer, {}).get("standards", {}).get(name) or {}).get("percentage")
                for s in summaries
            ]
            for layer in layers
        }
        per_standard.append(
            {
                "name": name,
                "chart": charts.line_chart(labels, series),
                "share": data["overall"]["standards"][name],
                "change": figures.change(data, before_data).get(name),
                "layers": [
                    (layer, (data["organisation_types"].get(layer, {}).get("standards", {}).get(name) or {}))
                    for layer in layers
                ],
            }
        )
    context.update(
        {"data": data, "banner_measurement": data["measurement"], "previous": before, "per_standard": per_standard}
    )
    return render(request, "public/statistics.html", context)
