from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "domeinwacht.web.register"
    label = "register"
    verbose_name = "Register"
