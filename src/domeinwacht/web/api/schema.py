"""The OpenAPI schema of the public API: every operation documents the 400 it gives for a malformed parameter, and
every detail operation its 404, and each its 429 (the anonymous rate limit), so that a client (and schemathesis)
can rely on the schema for every answer."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "What was wrong: a parameter name with its reasons, or `detail`.",
    "additionalProperties": True,
}


class PublicAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if self.method != "GET":
            return responses
        error = {"content": {"application/json": {"schema": ERROR_SCHEMA}}}
        responses.setdefault("400", {**error, "description": "A malformed or out-of-range parameter."})
        if "{" in self.path:
            responses.setdefault("404", {**error, "description": "Not found."})
        responses.setdefault("429", {**error, "description": "Too many requests from this address (anonymous rate)."})
        return responses
