from django.apps import AppConfig


class MeasurementsConfig(AppConfig):
    name = "domeinwacht.web.measurements"
    label = "measurements"
    verbose_name = "Measurements"
    default_auto_field = "django.db.models.BigAutoField"
