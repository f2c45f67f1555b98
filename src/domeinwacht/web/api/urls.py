"""REST API v1. Each app contributes its routes here; ``/api/v1/`` lists them."""

from django.urls import include, path

from domeinwacht.web.api import views

urlpatterns = [
    path("", views.api_root, name="api-root"),
    path("health", views.health, name="api-health"),
    path("docs", views.docs, name="api-docs"),
    path("", include("domeinwacht.web.register.api.urls")),
    path("", include("domeinwacht.web.measurements.api.urls")),
]
