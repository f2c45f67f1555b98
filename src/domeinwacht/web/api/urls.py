"""REST API v1. Each app contributes its routes here."""

from django.urls import include, path

from domeinwacht.web.api import views

urlpatterns = [
    path("health", views.health, name="api-health"),
    path("", include("domeinwacht.web.register.api.urls")),
]
