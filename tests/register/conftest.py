"""Register fixtures: the organisation data imported once per test module (each test still runs in its own
transaction on top of it), and a wipe afterwards so other modules see an empty register."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from domeinwacht.cli import main
from domeinwacht.web.register.models import Domain, Organisation


def wipe_register() -> None:
    """Empty the register tables with plain DELETEs (the ORM's delete would write a history row per object)."""
    Organisation.objects.update(successor=None, parent=None)
    tables = [
        "register_historicaldomain_tags",
        "register_historicalcontact",
        "register_historicalhost",
        "register_historicaldomain",
        "register_historicalorganisation",
        "register_contact",
        "register_host",
        Domain.tags.through._meta.db_table,
        "register_domain",
        "register_tag",
        "register_organisation",
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker, shared_data, tmp_path_factory) -> dict[str, Any]:
    """`domeinwacht register import-orgs <shared>/organisaties` run into the test database for the tests of one
    module; returns the JSON report."""
    out = io.StringIO()
    with (
        django_db_blocker.unblock(),
        override_settings(DATA_DIR=tmp_path_factory.mktemp("data")),
        contextlib.redirect_stdout(out),
    ):
        wipe_register()
        code = main(["register", "import-orgs", str(shared_data / "organisaties"), "--format", "json"])
    assert code == 0, out.getvalue()[-2000:]
    yield json.loads(out.getvalue())
    with django_db_blocker.unblock():
        wipe_register()
