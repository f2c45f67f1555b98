"""Reading a recorded reason: did the address guard decline the connection, so that nothing was measured?

A probe the guard refused keeps the guard's message as its ``error`` (``net.guard.NonPublicAddressError``).
A check must then say ``error`` with that reason, never ``fail``: no connection was attempted.
"""

from __future__ import annotations

from domeinwacht.net.guard import is_refusal


def refused_by_guard(reason: str | None) -> bool:
    """``reason`` is (or contains) the address guard's refusal: the address was not contacted."""
    return is_refusal(reason)


__all__ = ["refused_by_guard"]
