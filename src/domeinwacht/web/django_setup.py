"""Set Django up for CLI commands that persist or present (never imported by the core)."""

from __future__ import annotations

import os


def setup(migrate: bool = True) -> None:
    """Configure Django, create the data directory (0700) and a private (0600) SQLite file, and bring the schema
    up to date."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "domeinwacht.web.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
    from domeinwacht.web.service.dbfile import create_private, sqlite_path

    database = sqlite_path(settings.DATABASES["default"])
    if database is not None:
        create_private(database)
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
