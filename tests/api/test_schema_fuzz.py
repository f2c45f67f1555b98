"""schemathesis against the live OpenAPI schema of the public API, over a small database with real data (the
provinces of ../shared/data and a finished measurement of their domains): no 500, and every answer — status code,
content type, body — is what the schema says. Bounded: a few examples per operation."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from domeinwacht.web.register.importing.orgs import import_orgs
from domeinwacht.web.register.models import Domain
from measurements.factories import stored

pytestmark = pytest.mark.django_db  # also in make test's PostgreSQL pass

EXAMPLES = int(os.environ.get("DOMEINWACHT_FUZZ_EXAMPLES", "25"))  # bounded in make test; more by hand

GOOD = {"web.https.available": "pass", "web.https.redirect": "pass", "web.hsts": "pass"}
NO_HSTS = {**GOOD, "web.hsts": "fail"}


@pytest.fixture
def keep_connection():
    """The WSGI calls fire request_started/finished, whose close_old_connections would close the test's database
    connection inside its transaction (PostgreSQL); Django's own test client disconnects it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def no_throttle(settings):
    """Hundreds of requests from one address in seconds: the anonymous rate limit is another test's subject."""
    settings.DOMEINWACHT_API_ANON_RATE = None


@pytest.fixture
def real_data(db, shared_data, keep_connection, no_throttle):
    import_orgs(shared_data / "organisaties" / "provincies")
    domains = list(Domain.objects.select_related("owner").order_by("name")[:8])
    assert domains, "the provinces of the shared data have domains"
    rows = [(d.name, d.owner.name, d.owner.type, GOOD if i % 2 else NO_HSTS) for i, d in enumerate(domains)]
    ids = {d.name: d.owner_id for d in domains}
    stored(rows[:6], name="2026-H1", organisation_ids=ids)
    stored(rows, name="2026-H2", organisation_ids=ids)


# The schema as the application serves it (its view reads no database). Django's own WSGI handler: web/wsgi.py
# also refuses the development secret key, which is what the tests run with.
application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/schema?format=json", application)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_public_api_answers_as_its_schema_says_and_never_500(case, real_data):
    # Every other check runs: no 5xx, documented status code and content type, body and headers as in the schema.
    # Left out: a domain name's rules (IDNA, public suffix, lengths) are more than a JSON schema can say, so a
    # schema-valid but invalid name gets its documented 400 (positive_data_acceptance), and an unknown query
    # parameter is ignored, as is usual (negative_data_rejection).
    case.call_and_validate(excluded_checks=[positive_data_acceptance, negative_data_rejection])
