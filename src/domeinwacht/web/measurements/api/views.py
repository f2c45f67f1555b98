"""Measurements API (read-only, finished measurements only): the measurements, their figures, the results per
domain with the checks and their evidence, and the history of one domain and of one organisation."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from domeinwacht.web.api.pagination import FiguresPagination
from domeinwacht.web.api.params import CleanPathMixin
from domeinwacht.web.measurements.api.filters import ResultFilter
from domeinwacht.web.measurements.api.serializers import (
    FiguresSerializer,
    MeasurementSerializer,
    OrganisationFiguresSerializer,
    ResultDetailSerializer,
    ResultSerializer,
)
from domeinwacht.web.measurements.figures import report_data
from domeinwacht.web.measurements.models import Measurement, Result, Status
from domeinwacht.web.measurements.report import Tally
from domeinwacht.web.register.api.views import normalised_domain
from domeinwacht.web.register.models import Organisation

HISTORY_MAX = 100  # measurements in one history answer (two a year: fifty years)
FIGURE_KEYS = ("measurement", "overall", "organisation_types", "change", "furthest_behind")


def finished_measurements() -> QuerySet[Measurement]:
    return Measurement.objects.filter(status=Status.FINISHED).select_related("derived_from")


def figures(measurement: Measurement) -> dict[str, Any]:
    data = report_data(measurement)
    return {key: data[key] for key in FIGURE_KEYS}


def results_of(measurement: Measurement) -> QuerySet[Result]:
    return (
        Result.objects.filter(measurement=measurement)
        .select_related("measurement", "target", "target__organisation")
        .order_by("domain")
    )


class MeasurementViewSet(CleanPathMixin, viewsets.ReadOnlyModelViewSet[Measurement]):
    """Finished measurements, newest first. ``{name}`` is the measurement's name (e.g. ``2026-H2``)."""

    serializer_class = MeasurementSerializer
    lookup_field = "name"
    lookup_value_regex = r"[^/]+"
    queryset = finished_measurements().order_by("-observed_at", "-id")

    @extend_schema(responses=FiguresSerializer)
    @action(detail=True, methods=["get"], pagination_class=None)
    def statistics(self, request: Request, name: str) -> Response:
        """Share compliant per standard, overall and per organisation type; change since the previous measurement;
        the organisations furthest behind. Computed once per measurement and cached."""
        return Response(figures(self.get_object()))

    @extend_schema(responses=OrganisationFiguresSerializer(many=True))
    @action(detail=True, methods=["get"])
    def organisations(self, request: Request, name: str) -> Response:
        """The figures of every organisation in the measurement, by name."""
        measurement = self.get_object()
        rows = [{**_measurement_fields(measurement), **org} for org in report_data(measurement)["organisations"]]
        page = self.paginate_queryset(rows)  # type: ignore[arg-type]
        return self.get_paginated_response(page)


class MeasurementResultsView(CleanPathMixin, generics.ListAPIView[Result]):
    """Every domain's outcome in one measurement: traffic light, outcome per standard, findings; by domain name."""

    serializer_class = ResultSerializer
    filter_backends = (DjangoFilterBackend,)
    filterset_class = ResultFilter
    queryset = Result.objects.none()  # the schema's model; the rows come from get_queryset

    def get_queryset(self) -> QuerySet[Result]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return results_of(get_object_or_404(finished_measurements(), name=self.kwargs["name"]))


class MeasurementResultView(CleanPathMixin, generics.RetrieveAPIView[Result]):
    """One domain in one measurement, with every check: status, summary, evidence, remedy. The domain is
    normalised as lookup does (case, trailing dot, IDN)."""

    serializer_class = ResultDetailSerializer
    queryset = Result.objects.none()

    def get_object(self) -> Result:
        measurement = get_object_or_404(finished_measurements(), name=self.kwargs["name"])
        domain = normalised_domain(self.kwargs["domain"])
        queryset = results_of(measurement).prefetch_related("checks")
        return get_object_or_404(queryset, domain=domain)


class DomainHistoryView(CleanPathMixin, generics.ListAPIView[Result]):
    """One domain's outcome in every finished measurement, newest first (the domain normalised as lookup does)."""

    serializer_class = ResultSerializer
    queryset = Result.objects.none()

    def get_queryset(self) -> QuerySet[Result]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        domain = normalised_domain(self.kwargs["name"])
        return (
            Result.objects.filter(measurement__status=Status.FINISHED, domain=domain)
            .select_related("measurement", "target", "target__organisation")
            .order_by("-measurement__observed_at", "-measurement_id")
        )


def _measurement_fields(measurement: Measurement) -> dict[str, Any]:
    return {
        "measurement": measurement.name,
        "observed_at": measurement.observed_at.isoformat(),
        "simulated": bool(measurement.selection.get("simulated")),
    }


class OrganisationHistoryView(CleanPathMixin, generics.GenericAPIView[Organisation]):
    """One organisation's figures in each finished measurement that measured its domains, newest first (at most
    the latest 100 measurements)."""

    serializer_class = OrganisationFiguresSerializer
    pagination_class = None

    @extend_schema(responses=OrganisationFiguresSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        org = get_object_or_404(Organisation, slug=slug)
        measurements = list(
            finished_measurements()
            .filter(targets__organisation=org)
            .distinct()
            .order_by("-observed_at", "-id")[:HISTORY_MAX]
        )
        tallies: dict[int, Tally] = defaultdict(Tally)
        names: dict[int, tuple[str, str]] = {}
        rows = Result.objects.filter(measurement__in=measurements, target__organisation=org).values_list(
            "measurement_id", "score", "target__organisation_name", "target__organisation_type"
        )
        for measurement_id, score, org_name, org_type in rows.iterator(chunk_size=1000):
            tallies[measurement_id].add(score or {})
            names[measurement_id] = (org_name, org_type)
        body = [
            {
                **_measurement_fields(m),
                "organisation": names[m.pk][0] or None,
                "organisation_type": names[m.pk][1] or None,
                **tallies[m.pk].to_json(),
            }
            for m in measurements
            if m.pk in tallies
        ]
        return Response(body)


class StatisticsView(generics.ListAPIView[Measurement]):
    """Adoption over time: the figures of every finished measurement, newest first (at most 20 per page)."""

    serializer_class = FiguresSerializer
    pagination_class = FiguresPagination

    def get_queryset(self) -> QuerySet[Measurement]:
        return finished_measurements().order_by("-observed_at", "-id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([figures(m) for m in page or []])
