"""Routes of the register API, included by domeinwacht.web.api.urls under /api/v1/."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from domeinwacht.web.register.api import views

router = SimpleRouter(trailing_slash=False)
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("domains", views.DomainViewSet, basename="domain")

urlpatterns = [
    path("lookup", views.lookup, name="register-lookup"),
    *router.urls,
]
