"""The service refuses to start without a real ``DJANGO_SECRET_KEY`` (outside debug mode).

The demo is no exception: it generates a random key of its own (``demo_secret_key``) instead. The criteria are
those of Django's own deployment check (security.W009): at least 50 characters, at least 5 different ones, and
not Django's ``django-insecure-`` prefix; the development default of our settings is refused by name.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MIN_LENGTH = 50
MIN_UNIQUE = 5


def weakness(key: str, development_default: str) -> str | None:
    """Why ``key`` is not fit for a service, or None when it is."""
    if not key or key == development_default:
        return "DJANGO_SECRET_KEY is not set (the development default is in use)"
    if key.startswith("django-insecure-"):
        return "DJANGO_SECRET_KEY starts with 'django-insecure-'"
    if len(key) < MIN_LENGTH or len(set(key)) < MIN_UNIQUE:
        return f"DJANGO_SECRET_KEY is too weak (at least {MIN_LENGTH} characters, {MIN_UNIQUE} different ones)"
    return None


def require_real_secret_key() -> None:
    """Raise ImproperlyConfigured (one line) unless the configured key is real or Django runs in debug mode."""
    if settings.DEBUG:
        return
    reason = weakness(settings.SECRET_KEY, settings.DOMEINWACHT_DEV_SECRET_KEY)
    if reason:
        raise ImproperlyConfigured(
            f"{reason}; set a long random value, e.g. "
            "DJANGO_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )


def demo_secret_key(path: Path) -> str:
    """A random key kept in ``path`` (created 0600), so the demo's sessions survive a restart of `serve`."""
    if path.is_file():
        key = path.read_text(encoding="utf-8").strip()
        if len(key) >= MIN_LENGTH:
            return key
    key = secrets.token_urlsafe(MIN_LENGTH)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key
