"""The measurement backends by name: ``local`` (in this process, Django-free in ``scan/``) or ``celery`` (workers)."""

from __future__ import annotations

from domeinwacht.scan.backends import Backend

BACKENDS = ("local", "celery")


def get_backend(name: str) -> Backend:
    if name == "local":
        from domeinwacht.scan.backends import local

        return local
    if name == "celery":
        from domeinwacht.web.measurements import celery_backend

        return celery_backend
    raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
