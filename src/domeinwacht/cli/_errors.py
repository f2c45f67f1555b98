"""The one boundary where the CLI turns an exception into the one line a user reads (exit code 2).

`domeinwacht.cli.main` calls :func:`describe` for every exception a handler lets through, the way httpx maps the
exceptions of its transport at one place. Known failures get a specific line (the database or the broker is
unreachable, a path cannot be written, the reader of our output went away); anything else gets its type and first
line plus a hint to rerun with ``--debug`` (or ``DOMEINWACHT_DEBUG=1``) for the traceback.
"""

from __future__ import annotations

import sys

DEBUG_HINT = "rerun with --debug (or DOMEINWACHT_DEBUG=1) for the traceback"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


def _is(exc: BaseException, *qualified: str) -> bool:
    """Whether ``exc`` is an instance of one of the named classes (by module and name: no import needed)."""
    names = {f"{cls.__module__}.{cls.__qualname__}" for cls in type(exc).__mro__}
    return any(name in names for name in qualified)


def _setting(name: str) -> str:
    from domeinwacht import config

    settings = config.load()
    value = {"DATABASE_URL": settings.database_url, "CELERY_BROKER_URL": settings.broker_url}[name]
    return f"{name}={config.mask_url(value)}"


def describe(exc: BaseException) -> str:
    """The one line (without the ``domeinwacht: error:`` prefix) that says what went wrong."""
    from domeinwacht.cli import UserError

    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, BrokenPipeError):
        return "the output was closed before everything was written (broken pipe)"
    if _is(exc, "django.db.utils.OperationalError", "django.db.utils.InterfaceError"):
        return f"the database is unreachable or unusable ({_setting('DATABASE_URL')}): {_first_line(exc)}"
    if _is(exc, "kombu.exceptions.OperationalError", "amqp.exceptions.AMQPError", "redis.exceptions.ConnectionError"):
        return f"the Celery broker is unreachable ({_setting('CELERY_BROKER_URL')}): {_first_line(exc)}"
    if _is(exc, "django.core.exceptions.ImproperlyConfigured", "django.core.management.base.CommandError"):
        return _first_line(exc)
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"{exc.filename}: {exc.strerror or _first_line(exc)}{_data_dir_hint(str(exc.filename))}"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}; {DEBUG_HINT}"
    return f"unexpected {type(exc).__name__}: {_first_line(exc)}; {DEBUG_HINT}"


def _data_dir_hint(path: str) -> str:
    from domeinwacht import config

    data_dir = str(config.load().data_dir)
    if path == data_dir or path.startswith(data_dir + "/") or data_dir.startswith(path + "/"):
        return " (DOMEINWACHT_DATA_DIR must name a directory this user can write)"
    return ""


def silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so that the flush at exit cannot fail a second time."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
