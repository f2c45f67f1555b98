from django.urls import path, re_path

from domeinwacht.web.opendata import views

urlpatterns = [
    path("", views.index, name="opendata"),
    re_path(
        r"^measurements/(?P<name>[^/]+)/results\.(?P<fmt>csv|json|xlsx)$",
        views.download,
        name="opendata-measurement",
    ),
    re_path(r"^(?P<slug>[a-z-]+)\.(?P<fmt>csv|json|xlsx)$", views.download, name="opendata-download"),
]
