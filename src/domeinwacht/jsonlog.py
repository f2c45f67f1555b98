"""Structured logs: one JSON object per line (stdlib logging only).

Every record has ``time`` (UTC, RFC 3339), ``level``, ``logger`` and ``message``; an exception adds ``exc_type``
and ``exc`` (the traceback as one string, so a record stays one line). Fields passed with ``extra={...}`` are
kept. gunicorn's access log passes its atoms as a mapping; the useful ones become fields (method, path, status,
bytes, duration_ms, remote, user_agent) instead of a formatted line.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

# Attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}

# gunicorn access-log atoms -> field names.
_ACCESS = {"m": "method", "U": "path", "q": "query", "s": "status", "B": "bytes", "M": "duration_ms",
           "h": "remote", "a": "user_agent", "H": "protocol"}  # fmt: skip


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            entry["message"] = "request"
            for atom, field in _ACCESS.items():
                value = record.args.get(atom)
                if value in (None, "-", ""):
                    continue
                text = str(value)
                numeric = field in ("status", "bytes", "duration_ms") and text.isdigit()
                entry[field] = int(text) if numeric else _plain(value)
        else:
            entry["message"] = record.getMessage()
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = _plain(value)
        if record.exc_info and record.exc_info[0] is not None:
            entry["exc_type"] = record.exc_info[0].__name__
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
