from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "domeinwacht.web.service"
    label = "service"
    verbose_name = "Service"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from domeinwacht.web.service.dbfile import tighten_on_connect

        connection_created.connect(tighten_on_connect, dispatch_uid="domeinwacht-private-sqlite")
