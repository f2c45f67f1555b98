"""URL parameters of the public API: a path parameter with a control character (NUL included) names nothing, so it
is a JSON 404 before any query (PostgreSQL would refuse it with a 500)."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from domeinwacht.web.text import is_clean


class CleanPathMixin:
    """For DRF views: 404 when a URL keyword argument holds a control character."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        for value in kwargs.values():
            if isinstance(value, str) and not is_clean(value):
                raise NotFound("no such name (it holds a control character)")
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
