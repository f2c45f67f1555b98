"""Register fixtures: the organisation data imported once per test module (each test still runs in its own
transaction on top of it), and a wipe afterwards so other modules see an empty register."""

from __future__ import annotations

import pytest

from domeinwacht.web.register.importing.orgs import OrgImportReport, import_orgs
from domeinwacht.web.register.models import Contact, Domain, Host, Organisation, Tag


def wipe_register() -> None:
    for model in (Contact, Host, Domain, Tag, Organisation):
        if hasattr(model, "history"):
            model.history.all().delete()
        model.objects.all().delete()


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker, shared_data) -> OrgImportReport:
    """The shared organisation data, imported into the test database for the tests of one module."""
    with django_db_blocker.unblock():
        wipe_register()
        report = import_orgs(shared_data / "organisaties")
    yield report
    with django_db_blocker.unblock():
        wipe_register()
