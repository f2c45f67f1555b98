from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    name = "domeinwacht.web.opendata"
    label = "opendata"
    verbose_name = "Open data"
