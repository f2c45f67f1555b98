from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "domeinwacht.web.findings"
    label = "findings"
    verbose_name = "Findings and alerts"
    default_auto_field = "django.db.models.BigAutoField"
