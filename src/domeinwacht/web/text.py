"""Text from a URL before it reaches the database: PostgreSQL refuses NUL in text (a 500 if it got there), and no
name, slug or measurement of ours holds a control character, so such a text names nothing (404)."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def is_clean(text: str) -> bool:
    """True when ``text`` holds no control character (NUL included)."""
    return not _CONTROL.search(text)
