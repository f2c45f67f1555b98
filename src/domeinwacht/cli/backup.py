"""`domeinwacht backup FILE` and `domeinwacht restore FILE`: the whole database in one file and back.

SQLite (the default) through its online backup API — safe while the service runs; PostgreSQL through pg_dump /
pg_restore (custom format). `restore` replaces every table of the configured database and asks first unless
``--yes``; it then brings the schema up to date (a backup of an older version is migrated).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from domeinwacht.cli import UserError


def configure(sub: Any) -> None:
    backup = sub.add_parser("backup", help="write the whole database to one file (SQLite or pg_dump)")
    backup.add_argument("file", type=Path, metavar="FILE", help="new file to write (never overwritten)")
    backup.set_defaults(handler=run_backup)
    restore = sub.add_parser("restore", help="replace the database with a backup made by `backup`")
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.add_argument("--yes", action="store_true", help="do not ask before replacing the database")
    restore.set_defaults(handler=run_restore)


def _database() -> Any:
    from domeinwacht import config
    from domeinwacht.web.service import backup

    try:
        return backup.describe(config.load().database_url)
    except backup.BackupError as exc:
        raise UserError(str(exc)) from None


def run_backup(args: argparse.Namespace) -> int:
    from domeinwacht.web.service import backup

    database = _database()
    try:
        backup.backup(database, args.file)
    except backup.BackupError as exc:
        raise UserError(str(exc)) from None
    where = backup.summary(database)
    print(f"Backed up {where['engine']} database {where['where']} to {args.file}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from domeinwacht.web.service import backup

    database = _database()
    where = backup.summary(database)
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError("restore replaces the whole database; pass --yes to confirm")
        answer = input(f"Replace every table of {where['engine']} database {where['where']}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes", "j", "ja"):
            print("Nothing restored.")
            return 1
    try:
        backup.restore(database, args.file)
    except backup.BackupError as exc:
        raise UserError(str(exc)) from None
    from domeinwacht.web.django_setup import setup

    setup()  # migrate a backup of an older schema
    print(f"Restored {args.file} into {where['engine']} database {where['where']}")
    return 0
