"""The `domeinwacht` command.

Each area adds its subcommand in its own module under cli/ (``configure(subparsers)``), so that a newcomer finds
`domeinwacht lab …` in cli/lab.py and `domeinwacht check …` in cli/check.py. A handler returns the exit code.
Errors a user can cause end in one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from domeinwacht import __version__

# Subcommand modules, in the order `--help` lists them.
_MODULES = (
    "register",
    "lab",
    "resolver",
    "check",
    "discover",
    "measure",
    "report",
    "monitor",
    "serve",
    "admin",
    "backup",
    "demo",
    "config",
)


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="domeinwacht",
        description="Know, find, measure and track the security of government internet domains.",
    )
    parser.add_argument("--version", action="version", version=f"domeinwacht {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _MODULES:
        try:
            module = importlib.import_module(f"domeinwacht.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"domeinwacht.cli.{name}":
                raise
            continue
        module.configure(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except UserError as exc:
        print(f"domeinwacht: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("domeinwacht: interrupted", file=sys.stderr)
        return 130
