from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "domeinwacht.web.public"
    label = "public"
    verbose_name = "Public site"
