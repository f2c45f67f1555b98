"""`domeinwacht serve`: the web application under gunicorn, static files through whitenoise.

Before gunicorn starts: the schema is migrated, the static files are collected into ``$DOMEINWACHT_DATA_DIR/static``
(hashed names, gzip/brotli variants) and the secret key is checked (no development key outside DJANGO_DEBUG).
Settings come from the environment (`domeinwacht config` lists them). The command waits until the server accepts
connections, prints the URL, and runs until interrupted; Ctrl-C or SIGTERM stops gunicorn gracefully.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from domeinwacht.cli import UserError

READY_TIMEOUT = 60.0


def configure(sub: Any) -> None:
    parser = sub.add_parser("serve", help="serve the web application (gunicorn; pages, API, admin)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (1-65535, default 8000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("DOMEINWACHT_WEB_WORKERS", "2")),
        help="gunicorn worker processes (default $DOMEINWACHT_WEB_WORKERS or 2)",
    )
    parser.add_argument("--no-collectstatic", action="store_true", help="skip collecting the static files")
    parser.set_defaults(handler=run)


def prepare(collect: bool = True) -> None:
    """Migrate, check the secret key, collect the static files (the steps before gunicorn starts)."""
    from domeinwacht.web.django_setup import setup

    setup()
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import call_command

    from domeinwacht.web.service.secret_key import require_real_secret_key

    try:
        require_real_secret_key()
    except ImproperlyConfigured as exc:
        raise UserError(str(exc)) from None
    if collect:
        call_command("collectstatic", interactive=False, verbosity=0)


def gunicorn_command(host: str, port: int, workers: int) -> list[str]:
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:domeinwacht.web.service.gunicorn_conf",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "domeinwacht.web.wsgi:application",
    ]


def wait_until_listening(process: subprocess.Popen[bytes], host: str, port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=1.0):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def check_free(host: str, port: int) -> None:
    """One clear line when the address cannot be bound (in use, not ours), before anything starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UserError(f"cannot listen on {host} port {port}: {exc.strerror or exc}") from None


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:
        raise UserError(f"--port {args.port} is not a port number (1-65535)")
    if args.workers < 1:
        raise UserError("--workers must be at least 1")
    check_free(args.host, args.port)
    prepare(collect=not args.no_collectstatic)
    url_host = f"[{args.host}]" if ":" in args.host else args.host
    process = subprocess.Popen(gunicorn_command(args.host, args.port, args.workers))

    def stop(signum: int, frame: Any) -> None:
        process.send_signal(signal.SIGTERM)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        if not wait_until_listening(process, args.host, args.port, READY_TIMEOUT):
            process.terminate()
            code = process.wait(timeout=15)
            raise UserError(f"gunicorn did not start on {url_host}:{args.port} (exit {code}); see the log above")
        print(
            f"Serving Domeinwacht on http://{url_host}:{args.port}/ "
            "(API under /api/v1/, admin under /admin/; Ctrl-C stops)",
            flush=True,
        )
        return process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if process.poll() is None:
            process.kill()
            process.wait()
