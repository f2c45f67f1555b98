"""Two writers at the same moment on a real database server: the second waits for the first, nothing is lost.

Runs in the PostgreSQL pass of scripts/test.sh. SQLite has no row locks (it locks the whole database), so there the
test skips; tests/register/test_services.py covers the same rule with stale copies.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from domeinwacht.web.register import services
from domeinwacht.web.register.models import Domain

from .factories import DomainFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_edit_waits_for_a_concurrent_one_and_keeps_its_change():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (DATABASE_URL=postgres://…); SQLite locks the whole database")
    DomainFactory(name="proef.nl", notes="")
    holding, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first_writer():
        try:
            with transaction.atomic():
                domain = Domain.objects.select_for_update().get(name="proef.nl")
                holding.set()
                release.wait(10)
                domain.notes = "eerste"
                domain.save(update_fields=["notes"])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def second_writer():
        try:
            services.append_note("proef.nl", "tweede")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    first = threading.Thread(target=first_writer)
    first.start()
    assert holding.wait(10)
    second = threading.Thread(target=second_writer)
    second.start()
    second.join(0.5)
    assert second.is_alive(), "the second edit must wait for the first one's lock"
    release.set()
    first.join(10)
    second.join(10)
    assert errors == []
    assert Domain.objects.get(name="proef.nl").notes.splitlines() == ["eerste", "tweede"]
