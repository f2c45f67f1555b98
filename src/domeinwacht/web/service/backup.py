"""Backup and restore of the database: SQLite through its online backup API, PostgreSQL through pg_dump and
pg_restore (custom format). A backup is one file; ``restore`` tells the two kinds apart by their first bytes and
refuses a file that does not match the configured database.

SQLite: the backup is a consistent copy even while measurements write (the backup API copies pages under the
database's lock); restoring copies the file's pages into the configured database in place, so open connections
and the WAL stay valid. PostgreSQL: pg_restore --clean --if-exists replaces every object in one transaction.
Files are created 0600 (they hold the whole register).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# pg_dump/pg_restore: connect within this many seconds; the whole run within PG_TIMEOUT.
PG_CONNECT_TIMEOUT = 10
PG_TIMEOUT = 6 * 3600


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is one line for the user."""


@dataclass(frozen=True)
class Database:
    engine: str  # "sqlite" or "postgresql"
    path: Path | None = None  # SQLite file
    url: str = ""  # PostgreSQL URL for libpq


def describe(database_url: str) -> Database:
    scheme = urlsplit(database_url).scheme.lower()
    if scheme == "sqlite":
        import dj_database_url

        name = str(dj_database_url.parse(database_url)["NAME"])
        if not name or name == ":memory:":
            raise BackupError("an in-memory SQLite database cannot be backed up")
        return Database("sqlite", path=Path(name))
    if scheme in ("postgres", "postgresql", "pgsql"):
        return Database("postgresql", url="postgresql" + database_url[len(scheme) :])
    raise BackupError(f"backup supports SQLite and PostgreSQL, not {scheme or database_url!r}")


def kind_of(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror or exc}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is neither a SQLite backup nor a pg_dump custom-format file")


def _private_new_file(path: Path) -> None:
    if path.exists():
        raise BackupError(f"{path} exists; choose a new file name")
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise BackupError(f"cannot create {path}: {exc.strerror or exc}") from None


def _pg_env() -> dict[str, str]:
    return {**os.environ, "PGCONNECT_TIMEOUT": str(PG_CONNECT_TIMEOUT)}


def _run(command: list[str]) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PG_TIMEOUT, env=_pg_env(), check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)") from None
    except subprocess.TimeoutExpired:
        raise BackupError(f"{command[0]} did not finish within {PG_TIMEOUT} s") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise BackupError(f"{command[0]} failed: {lines[0] if lines else f'exit {done.returncode}'}")


def backup(database: Database, out: Path) -> None:
    _private_new_file(out)
    try:
        if database.engine == "sqlite":
            assert database.path is not None
            if not database.path.is_file():
                raise BackupError(f"no database at {database.path}")
            source = sqlite3.connect(f"file:{database.path}?mode=ro", uri=True, timeout=60)
            target = sqlite3.connect(out)
            try:
                with target:
                    source.backup(target)
            finally:
                source.close()
                target.close()
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={out}", database.url])
    except BaseException:
        out.unlink(missing_ok=True)
        raise


def restore(database: Database, backup_file: Path) -> None:
    kind = kind_of(backup_file)
    if kind != database.engine:
        raise BackupError(f"{backup_file} is a {kind} backup but the configured database is {database.engine}")
    if database.engine == "sqlite":
        assert database.path is not None
        source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            source.close()
            raise BackupError(f"{backup_file} is not a readable SQLite database: {exc}") from None
        if "django_migrations" not in tables:
            source.close()
            raise BackupError(f"{backup_file} is a SQLite file but not a Domeinwacht database")
        from domeinwacht.web.service.dbfile import create_private

        create_private(database.path)
        target = sqlite3.connect(database.path, timeout=60)
        try:
            with target:
                source.backup(target)
        finally:
            source.close()
            target.close()
    else:
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                f"--dbname={database.url}",
                str(backup_file),
            ]
        )


def summary(database: Database) -> dict[str, Any]:
    """What is configured, for the messages of the CLI (never the password)."""
    if database.engine == "sqlite":
        return {"engine": "sqlite", "where": str(database.path)}
    parts = urlsplit(database.url)
    return {"engine": "postgresql", "where": f"{parts.hostname}:{parts.port or 5432}{parts.path}"}
