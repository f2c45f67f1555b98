from django.urls import path

from domeinwacht.web.public import views

app_name = "public"

urlpatterns = [
    path("", views.map_view, name="map"),
    path("organisatie/<slug:slug>/", views.organisation_view, name="organisation"),
    path("domein/<str:name>/", views.domain_view, name="domain"),
    path("zoeken/", views.search_view, name="search"),
    path("statistiek/", views.statistics_view, name="statistics"),
]
