"""Bounded pagination for every list of the public API.

``limit`` is at most :data:`MAX_LIMIT` (an anonymous caller cannot ask for the whole register in one response) and
``offset`` at most :data:`MAX_OFFSET`; a value that is not a whole number in range is a 400 with the reason, never a
500 (an out-of-range integer used to reach the database) and never silently clamped.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 10_000_000


def bounded_int(request: Request, name: str, *, default: int, low: int, high: int) -> int:
    """The query parameter ``name`` as an int in [low, high]; ``default`` when absent; 400 with the reason else."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise ValidationError({name: [f"must be a whole number from {low} to {high}, got {raw[:40]!r}"]})
    value = int(raw)
    if not low <= value <= high:
        raise ValidationError({name: [f"must be from {low} to {high}, got {value}"]})
    return value


class BoundedPagination(LimitOffsetPagination):
    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int:
        return bounded_int(request, self.limit_query_param, default=self.default_limit, low=1, high=self.max_limit)

    def get_offset(self, request: Request) -> int:
        return bounded_int(request, self.offset_query_param, default=0, low=0, high=MAX_OFFSET)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.limit_query_param:
                param["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_limit,
                    "default": self.default_limit,
                }
            elif param["name"] == self.offset_query_param:
                param["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}
        return params


class FiguresPagination(BoundedPagination):
    """Pages of whole measurements' figures: each can take a full pass over a measurement the first time."""

    default_limit = 10
    max_limit = 20
