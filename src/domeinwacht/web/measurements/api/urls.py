"""Routes of the measurements API, included by domeinwacht.web.api.urls under /api/v1/."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from domeinwacht.web.measurements.api import views

router = SimpleRouter(trailing_slash=False)
router.register("measurements", views.MeasurementViewSet, basename="measurement")

urlpatterns = [
    path("measurements/<str:name>/results", views.MeasurementResultsView.as_view(), name="measurement-results"),
    path(
        "measurements/<str:name>/results/<str:domain>",
        views.MeasurementResultView.as_view(),
        name="measurement-result",
    ),
    path("domains/<str:name>/results", views.DomainHistoryView.as_view(), name="domain-results"),
    path("organisations/<str:slug>/results", views.OrganisationHistoryView.as_view(), name="organisation-results"),
    path("statistics", views.StatisticsView.as_view(), name="statistics"),
    *router.urls,
]
