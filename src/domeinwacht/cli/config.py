"""`domeinwacht config`: every environment setting with its default and current value."""

from __future__ import annotations

import argparse
import os
from typing import Any


def configure(sub: Any) -> None:
    parser = sub.add_parser("config", help="list the environment settings and their values")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from domeinwacht import config

    config.load()
    for name, (default, doc) in sorted(config.documented().items()):
        value = os.environ.get(name)
        shown = f"{value} (from the environment)" if value is not None else f"{default} (default)"
        print(f"{name}\n    {doc}\n    = {shown}")
    return 0
