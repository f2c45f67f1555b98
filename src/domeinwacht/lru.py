"""Trimming the per-run memo caches (dicts kept in least-recently-used order) without dropping running work."""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

K = TypeVar("K")
F = TypeVar("F", bound="asyncio.Future[Any]")


def trim_finished(cache: dict[K, F], limit: int) -> None:
    """Drop the oldest finished entries until ``cache`` holds at most ``limit`` (work still running stays)."""
    excess = len(cache) - limit
    if excess <= 0:
        return
    victims = []
    for key, future in cache.items():  # oldest (least recently used) first
        if future.done():
            victims.append(key)
            if len(victims) >= excess:
                break
    for key in victims:
        del cache[key]
