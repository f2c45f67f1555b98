"""The API's own views: liveness, the list of endpoints, and the documentation page built from the OpenAPI schema
on the server (no JavaScript, nothing fetched from elsewhere: the page works under a strict CSP)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from domeinwacht import __version__

# What a client can start from; the details of each are in the schema (/api/v1/schema) and /api/v1/docs.
ENDPOINTS = (
    ("schema", "/api/v1/schema", "The OpenAPI 3 schema of this API."),
    ("docs", "/api/v1/docs", "Documentation of every endpoint, built from the schema."),
    ("health", "/api/v1/health", "Liveness and version."),
    ("lookup", "/api/v1/lookup?host={host}", "The organisation that owns a host name."),
    ("organisations", "/api/v1/organisations", "Organisations in the register; filters: type, search."),
    ("organisation", "/api/v1/organisations/{slug}", "One organisation with its domains."),
    ("organisation_results", "/api/v1/organisations/{slug}/results", "One organisation's figures per measurement."),
    ("domains", "/api/v1/domains", "Domains in the register; filters: owner, type, status, tag, search."),
    ("domain", "/api/v1/domains/{name}", "One domain (name normalised as lookup does)."),
    ("domain_results", "/api/v1/domains/{name}/results", "One domain's outcome in every measurement."),
    ("measurements", "/api/v1/measurements", "Finished measurements, newest first."),
    ("measurement", "/api/v1/measurements/{name}", "One measurement."),
    ("measurement_statistics", "/api/v1/measurements/{name}/statistics", "Its figures and the change since before."),
    ("measurement_organisations", "/api/v1/measurements/{name}/organisations", "Its figures per organisation."),
    ("measurement_results", "/api/v1/measurements/{name}/results", "Every domain's outcome; filters."),
    ("measurement_result", "/api/v1/measurements/{name}/results/{domain}", "One domain: every check, evidence."),
    ("statistics", "/api/v1/statistics", "The figures of every measurement (adoption over time)."),
)


class EndpointSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    url = serializers.CharField()
    description = serializers.CharField()


class RootSerializer(serializers.Serializer[Any]):
    version = serializers.CharField()
    max_page_size = serializers.IntegerField()
    endpoints = EndpointSerializer(many=True)


@extend_schema(responses=RootSerializer)
@api_view(["GET"])
def api_root(request: Request) -> Response:
    """The endpoints of the API, with what each gives."""
    from domeinwacht.web.api.pagination import MAX_LIMIT

    return Response(
        {
            "version": __version__,
            "max_page_size": MAX_LIMIT,
            "endpoints": [{"name": n, "url": u, "description": d} for n, u, d in ENDPOINTS],
        }
    )


class HealthSerializer(serializers.Serializer[Any]):
    status = serializers.CharField()
    version = serializers.CharField()


@extend_schema(responses=HealthSerializer)
@api_view(["GET"])
def health(request: Request) -> Response:
    """Liveness: the API answers and knows its version."""
    return Response({"status": "ok", "version": __version__})


def _type(schema: dict[str, Any], components: dict[str, Any]) -> str:
    """A short type for people: ``string``, ``integer or null``, ``list of Domain``, ``Measurement``."""
    if "$ref" in schema:
        return str(schema["$ref"].rsplit("/", 1)[-1])
    if "allOf" in schema:
        return " & ".join(_type(s, components) for s in schema["allOf"])
    kind = schema.get("type", "object")
    if kind == "array":
        text = f"list of {_type(schema.get('items', {}), components)}"
    elif kind == "object" and "additionalProperties" in schema and isinstance(schema["additionalProperties"], dict):
        text = f"map of {_type(schema['additionalProperties'], components)}"
    else:
        text = str(kind)
    if schema.get("enum"):
        text += ": " + ", ".join(str(v) for v in schema["enum"] if v not in ("", None))
    if schema.get("nullable"):
        text += " or null"
    return text


def _fields(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """The 200 body: its type and, for an object (or a page of objects), its fields."""
    found = schema
    if "$ref" in found:
        found = components.get(found["$ref"].rsplit("/", 1)[-1], {})
    if "results" in found.get("properties", {}):  # a page: count, next, previous, results
        found = found["properties"]["results"].get("items", {})
        if "$ref" in found:
            found = components.get(found["$ref"].rsplit("/", 1)[-1], {})
    return {
        "type": _type(schema, components),
        "fields": [
            {"name": name, "type": _type(prop, components), "description": prop.get("description", "")}
            for name, prop in found.get("properties", {}).items()
        ],
    }


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    components = schema.get("components", {}).get("schemas", {})
    ops = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            ops.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "id": op.get("operationId", ""),
                    "description": op.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": p.get("schema", {}).get("type", ""),
                            "enum": p.get("schema", {}).get("enum", []),
                            "minimum": p.get("schema", {}).get("minimum"),
                            "maximum": p.get("schema", {}).get("maximum"),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "responses": sorted(op.get("responses", {})),
                    "body": _fields(
                        op.get("responses", {})
                        .get("200", {})
                        .get("content", {})
                        .get("application/json", {})
                        .get("schema", {}),
                        components,
                    ),
                }
            )
    return ops


_DOCS_CACHE: dict[str, Any] = {}


def docs(request: HttpRequest) -> HttpResponse:
    """Every endpoint with its parameters and answers, from the same schema as /api/v1/schema."""
    if "schema" not in _DOCS_CACHE:
        _DOCS_CACHE["schema"] = SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    schema = _DOCS_CACHE["schema"]
    context = {"info": schema.get("info", {}), "operations": _operations(schema)}
    return render(request, "api/docs.html", context)
