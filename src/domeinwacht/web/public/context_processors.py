"""What every public page needs: the navigation and the language switch."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {"site_languages": settings.LANGUAGES, "site_next": request.get_full_path()}
