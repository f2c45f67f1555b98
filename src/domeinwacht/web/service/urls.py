"""The service's own endpoints: security.txt, health and metrics."""

from django.urls import path

from domeinwacht.web.service import health, metrics, securitytxt

urlpatterns = [
    path(".well-known/security.txt", securitytxt.security_txt, name="security-txt"),
    path("security.txt", securitytxt.legacy_security_txt, name="security-txt-legacy"),
    path("health", health.health, name="health"),
    path("metrics", metrics.metrics, name="metrics"),
]
