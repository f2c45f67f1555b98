"""The SQLite database file is the whole register and every measurement: only its owner may read it (0600).

``create_private`` makes the file before SQLite does (SQLite would create it with the umask, usually 0644);
``tighten_on_connect`` closes the gap for files made elsewhere (a copied file, an older version) on every new
connection. SQLite gives its ``-wal`` and ``-shm`` files the database file's permissions.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PRIVATE = 0o600
SUFFIXES = ("", "-wal", "-shm", "-journal")


def sqlite_path(database: Mapping[str, Any]) -> Path | None:
    """The file of a SQLite database setting, or None (another engine, or an in-memory database)."""
    if not str(database.get("ENGINE", "")).endswith("sqlite3"):
        return None
    name = str(database.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists; tighten it when it does."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE)
    os.close(fd)
    tighten(path)


def tighten(path: Path) -> None:
    """Remove group and other permissions from the database file and its companions."""
    for suffix in SUFFIXES:
        candidate = path.with_name(path.name + suffix)
        try:
            mode = stat.S_IMODE(candidate.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            candidate.chmod(mode & 0o700)


def tighten_on_connect(sender: Any, connection: Any, **kwargs: Any) -> None:
    path = sqlite_path(connection.settings_dict)
    if path is not None and path.exists():
        tighten(path)
