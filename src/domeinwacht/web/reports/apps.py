from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "domeinwacht.web.reports"
    label = "reports"
    verbose_name = "Reports"
