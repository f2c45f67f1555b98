from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "domeinwacht.web.api"
    label = "api"
    verbose_name = "REST API"
