"""The `domeinwacht` command.

Each area adds its subcommand in its own module under cli/ (``configure(subparsers)``), so that a newcomer finds
`domeinwacht lab …` in cli/lab.py and `domeinwacht check …` in cli/check.py. A handler returns the exit code.

:func:`main` is the one boundary between the handlers and the user: every failure ends in one line on stderr
(``domeinwacht: error: …``) and exit code 2, never a traceback — a mistake in the arguments (the parser's error),
a :class:`UserError` a handler raises, and any other exception, which cli/_errors.py maps to a line. ``--debug``
(or ``DOMEINWACHT_DEBUG=1``) lets an exception through with its traceback instead.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

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


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (the usage is one `--help` away); subcommands inherit it."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="domeinwacht",
        description="Know, find, measure and track the security of government internet domains.",
    )
    parser.add_argument("--version", action="version", version=f"domeinwacht {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the traceback of an unexpected error instead of one line (also: DOMEINWACHT_DEBUG=1)",
    )
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


def _debug(args: argparse.Namespace) -> bool:
    from domeinwacht import config

    return bool(getattr(args, "debug", False)) or config.load().debug


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, dispatch, and turn whatever goes wrong into one line on stderr and exit code 2."""
    from domeinwacht.cli._errors import describe, silence_stdout

    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        code = int(handler(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's flush at exit
        return code
    except KeyboardInterrupt:
        print("domeinwacht: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if isinstance(exc, BrokenPipeError):
            silence_stdout()
        elif not isinstance(exc, UserError) and _debug(args):
            raise
        try:
            line = describe(exc)
        except Exception:  # describing must not fail the boundary itself
            line = f"unexpected {type(exc).__name__}; rerun with --debug for the traceback"
        print(f"domeinwacht: error: {line}", file=sys.stderr)
        return 2
