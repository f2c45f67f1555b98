from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "domeinwacht.web.portfolio"
    label = "portfolio"
    verbose_name = "Portfolio, API keys and batch measurements"
    default_auto_field = "django.db.models.BigAutoField"
