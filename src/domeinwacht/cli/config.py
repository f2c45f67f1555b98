"""`domeinwacht config`: every setting (the core's and Django's) with its meaning, default and current value.

Secrets are never printed: a key says only whether it is set, and the password of a URL is shown as ``***``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

# A setting whose name holds one of these words is a secret: say whether it is set, never what it is.
_SECRET_WORDS = ("SECRET", "PASSWORD", "TOKEN", "PRIVATE_KEY")


def configure(sub: Any) -> None:
    parser = sub.add_parser(
        "config",
        help="list every setting (environment variable), its meaning, default and current value",
        description="List every setting Domeinwacht and its web application read from the environment. "
        "Secrets are not shown; passwords in URLs are masked.",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    parser.set_defaults(handler=run)


def is_secret(name: str) -> bool:
    return any(word in name for word in _SECRET_WORDS)


def shown_value(name: str, value: str, *, default: bool) -> str:
    """What `config` may print for ``value``: secrets as set/not set, URLs without their password."""
    from domeinwacht.config import mask_url

    if is_secret(name):
        if default:
            return "not set (a built-in development value is used; set one in production)"
        return f"set ({len(value)} characters)"
    return mask_url(value)


def settings() -> list[dict[str, Any]]:
    """Every documented setting, sorted by name: name, documentation, shown value, whether it is the default."""
    import importlib

    from domeinwacht import config

    config.load()
    try:  # Django's settings read theirs through config() too
        importlib.import_module("domeinwacht.web.settings")
    except Exception as exc:  # a refused setting must not hide the others: list what was read, say what failed
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        print(f"domeinwacht config: the web application's settings could not be read: {first}", file=sys.stderr)
    rows = []
    for name, (default, doc) in sorted(config.documented().items()):
        value = os.environ.get(name)
        is_default = value is None
        rows.append(
            {
                "name": name,
                "documentation": doc,
                "value": shown_value(name, default if value is None else value, default=is_default),
                "default": shown_value(name, default, default=True),
                "from_environment": not is_default,
            }
        )
    return rows


def run(args: argparse.Namespace) -> int:
    rows = settings()
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for row in rows:
        where = "from the environment" if row["from_environment"] else "default"
        print(f"{row['name']}\n    {row['documentation']}\n    = {row['value']} ({where})")
    return 0
