from django.urls import path

from domeinwacht.web.reports import views

urlpatterns = [
    path("", views.report_index, name="reports"),
    path("<str:name>/", views.report_page, name="report"),
    path("<str:name>/<str:fmt>", views.report_download, name="report-download"),
]
