"""/api/v1/ lists the endpoints; /api/v1/docs documents every operation of the schema, with no script."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_the_api_root_lists_the_endpoints():
    response = APIClient().get("/api/v1/")
    assert response.status_code == 200
    urls = {e["url"] for e in response.json()["endpoints"]}
    assert {"/api/v1/measurements", "/api/v1/domains", "/api/v1/statistics", "/api/v1/schema"} <= urls
    assert response.json()["max_page_size"] == 1000


def test_every_listed_endpoint_but_the_html_docs_is_in_the_schema():
    schema = APIClient().get("/api/v1/schema", {"format": "json"}).json()
    listed = {e["url"].split("?")[0] for e in APIClient().get("/api/v1/").json()["endpoints"]}
    assert listed - {"/api/v1/docs"} <= set(schema["paths"])


def test_the_documentation_page_shows_every_operation_without_scripts():
    html = Client().get("/api/v1/docs").content.decode()
    schema = APIClient().get("/api/v1/schema", {"format": "json"}).json()
    for path in schema["paths"]:
        assert f"GET {path}" in html
    assert "<script" not in html and "style=" not in html and "<style" not in html


def test_the_api_answers_json_even_to_a_browser():
    response = Client().get("/api/v1/domains", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_the_documentation_page_lists_the_fields_of_each_answer():
    html = Client().get("/api/v1/docs").content.decode()
    section = html[html.index('id="measurements_results_list"') :]
    section = section[: section.index("</section>")]
    for field in ("domain", "traffic_light", "standards", "findings"):
        assert f"<code>{field}</code>" in section
    assert "200: <code>PaginatedResultList</code>" in section
