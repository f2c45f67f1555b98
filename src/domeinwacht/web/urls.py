from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/schema", SpectacularAPIView.as_view(), name="openapi-schema"),
    path("api/v1/", include("domeinwacht.web.api.urls")),
    # security.txt, /health, /metrics (web/service/urls.py)
    path("", include("domeinwacht.web.service.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("rapport/", include("domeinwacht.web.reports.urls")),
    path("data/", include("domeinwacht.web.opendata.urls")),
    # issue 11: accounts (login, TOTP, invitations), the portal, the portfolio and API keys
    path("account/", include("domeinwacht.web.accounts.urls")),
    path("portaal/portfolio/", include("domeinwacht.web.portfolio.urls")),
    path("portaal/", include("domeinwacht.web.portal.urls")),
    path("", include("domeinwacht.web.public.urls")),
]
