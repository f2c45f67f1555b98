"""Reading a recorded reason: did the address guard decline the connection, so that nothing was measured?

A probe the guard refused keeps the guard's message as its ``error`` (``net.guard.NonPublicAddressError`` starts
it with ``REFUSAL``). A check must then say ``error`` with that reason, never ``fail``: no connection was
attempted. The words live here, below ``net``, so that the guard writes them and checks read them without a
check importing a ``net/`` module.
"""

from __future__ import annotations

# The words every refusal starts with; a probe that records a refusal as its reason measured nothing.
REFUSAL = "refusing to connect to"


def refused_by_guard(reason: str | None) -> bool:
    """``reason`` is (or contains) the address guard's refusal: the address was not contacted."""
    return bool(reason) and REFUSAL in str(reason)


__all__ = ["REFUSAL", "refused_by_guard"]
