"""`domeinwacht admin create-user`: the first (or another) administrator of the web application.

    domeinwacht admin create-user alice --email alice@example.nl          # asks for the password twice
    printf '%s\\n' "$PASSWORD" | domeinwacht admin create-user alice --password-stdin

The password must pass Django's validators (at least 12 characters, not common, not all digits, not like the
user name). The user is a superuser unless ``--staff`` (admin access, no permissions until granted).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from domeinwacht.cli import UserError


def configure(sub: Any) -> None:
    parser = sub.add_parser("admin", help="administrators of the web application")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create-user", help="create an administrator (superuser by default)")
    create.add_argument("username")
    create.add_argument("--email", default="", help="e-mail address")
    create.add_argument("--password-stdin", action="store_true", help="read the password from the first stdin line")
    create.add_argument("--staff", action="store_true", help="staff user without superuser rights")
    create.set_defaults(handler=create_user)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise UserError("--password-stdin: no password on standard input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError("no terminal to ask for the password: pass it with --password-stdin")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password (again): "):
        raise UserError("the passwords differ")
    return first


def create_user(args: argparse.Namespace) -> int:
    from domeinwacht.web.django_setup import setup

    setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user_model = get_user_model()
    username = args.username.strip()
    if not username:
        raise UserError("the user name is empty")
    if user_model.objects.filter(username=username).exists():
        raise UserError(f"user {username!r} already exists")
    password = _password(args.password_stdin)
    candidate = user_model(username=username, email=args.email)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise UserError("password refused: " + " ".join(exc.messages)) from None
    manager: Any = user_model.objects  # the UserManager of the configured user model
    if args.staff:
        manager.create_user(username, args.email, password, is_staff=True)
    else:
        manager.create_superuser(username, args.email, password)
    kind = "staff user" if args.staff else "administrator"
    print(f"Created {kind} {username!r}; log in at /admin/")
    return 0
