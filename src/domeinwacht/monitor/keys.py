"""The stable dedup key of a finding: the same (subject, check id) gives the same key in every measurement.

The subject is a host or domain name in normal form (lowercase A-labels, no trailing dot); the key is the
sha256 of ``subject`` and ``check_id`` joined by a separator that occurs in neither, so it is stable across
processes, databases and releases (no Python ``hash``), and two different pairs never share a key.
"""

from __future__ import annotations

import hashlib

_SEPARATOR = "\x1f"  # ASCII unit separator: never in a host name or a check id


def normal_subject(subject: str) -> str:
    """``subject`` lowercased without a trailing dot (names are stored as A-labels already)."""
    return subject.strip().rstrip(".").lower()


def dedup_key(subject: str, check_id: str) -> str:
    """64 hex characters identifying the finding of ``check_id`` on ``subject``."""
    if not check_id or _SEPARATOR in check_id or _SEPARATOR in subject:
        raise ValueError(f"not a finding key: {subject!r} / {check_id!r}")
    raw = f"{normal_subject(subject)}{_SEPARATOR}{check_id}".encode()
    return hashlib.sha256(raw).hexdigest()
