"""Set Django up for CLI commands that persist or present (never imported by the core)."""

from __future__ import annotations

import os


def setup(migrate: bool = True) -> None:
    """Configure Django, create the data directory and bring the schema up to date."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "domeinwacht.web.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
