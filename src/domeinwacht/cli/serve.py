"""`domeinwacht serve`: the web application (API, admin) on a local port."""

from __future__ import annotations

import argparse
from typing import Any


def configure(sub: Any) -> None:
    parser = sub.add_parser("serve", help="serve the web application (API, admin)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from domeinwacht.web.django_setup import setup

    setup()
    from django.core.management import call_command

    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Serving Domeinwacht on http://{host}:{args.port}/ (API under /api/v1/, admin under /admin/)")
    call_command("runserver", f"{host}:{args.port}", use_reloader=False, use_threading=True)
    return 0
