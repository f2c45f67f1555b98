"""The retry schedule of a delivery: exponential backoff with a cap, dead-lettered after ``max_attempts``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class Backoff:
    """Attempt ``n`` (1-based) that failed is retried after ``base * factor**(n-1)``, at most ``cap``.

    After ``max_attempts`` failed attempts the message is dead (no further retry).
    """

    base: timedelta = timedelta(seconds=30)
    factor: float = 2.0
    cap: timedelta = timedelta(hours=6)
    max_attempts: int = 8

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.factor < 1 or self.base <= timedelta(0) or self.cap < self.base:
            raise ValueError("backoff: max_attempts >= 1, factor >= 1, 0 < base <= cap")

    def delay(self, failed_attempts: int) -> timedelta | None:
        """How long to wait after ``failed_attempts`` failures; ``None``: give up (dead letter)."""
        if failed_attempts < 1:
            raise ValueError("failed_attempts starts at 1")
        if failed_attempts >= self.max_attempts:
            return None
        seconds = self.base.total_seconds() * self.factor ** (failed_attempts - 1)
        return min(timedelta(seconds=seconds), self.cap)
