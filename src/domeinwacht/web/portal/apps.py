from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "domeinwacht.web.portal"
    label = "portal"
    verbose_name = "Organisation portal"
    default_auto_field = "django.db.models.BigAutoField"
