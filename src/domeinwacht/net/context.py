"""What a probe needs from the run it belongs to: the ``ProbeContext`` every ``net/`` client takes.

    async def probe(ip: str, ctx: ProbeContext) -> ...:
        ctx.guard.check(ip)                                   # no connection to a non-public address (SSRF)
        async with ctx.ip_limit(ip, "tls"), ctx.global_limit:  # the address's slot first, then a global one
            ctx.count("tls_connections")
            ...                                               # bounded by ctx.options.connect_timeout/io_timeout
    shared = await ctx.shared(("smtp", ip, 25), factory)      # once per run, whoever asks

``net/`` is the lowest I/O layer: it must not import the scan layer that creates the context. ``scan.env.ScanEnv``
satisfies this protocol structurally, and tests may pass any object that does; the
import-linter layers contract in pyproject.toml keeps it that way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from domeinwacht.net.guard import AddressGuard

T = TypeVar("T")


class ProbeOptions(Protocol):
    """The settings of a run that the clients read (all read-only; ``scan.env.ScanOptions`` has them).

    Attributes:
        connect_timeout / io_timeout: seconds per connection attempt, per read.
        target_timeout: seconds one target may take in total (a TLS endpoint's whole probe is bounded by it).
        ca_file: PEM bundle of trusted roots; ``None`` = the system bundle.
        ehlo_name: the stable name announced to mail servers.
        vrp_file / pfx2as_file: RPKI VRP export and prefix-to-origin table; ``None`` = not configured.
    """

    @property
    def connect_timeout(self) -> float: ...

    @property
    def io_timeout(self) -> float: ...

    @property
    def target_timeout(self) -> float: ...

    @property
    def ca_file(self) -> Path | None: ...

    @property
    def ehlo_name(self) -> str: ...

    @property
    def vrp_file(self) -> Path | None: ...

    @property
    def pfx2as_file(self) -> Path | None: ...


class ProbeContext(Protocol):
    """The run's guard, connection limits, counters, shared probes and timeouts, as seen by a ``net/`` client."""

    @property
    def options(self) -> ProbeOptions: ...

    @property
    def guard(self) -> AddressGuard:
        """Refuses non-public addresses unless the run allows them; check before every connection."""
        ...

    @property
    def global_limit(self) -> AbstractAsyncContextManager[None]:
        """Bounds the open connections of the whole run; take it after the address's slot."""
        ...

    def ip_limit(self, ip: str, kind: str = "any") -> AbstractAsyncContextManager[None]:
        """Bounds the open connections to ``ip`` per kind of client (``"smtp"`` is the strictest)."""
        ...

    @property
    def counters(self) -> Mapping[str, int]:
        """Connections, handshakes and queries so far, by name (reported with the results)."""
        ...

    def count(self, name: str, n: int = 1) -> None:
        """Add ``n`` to the counter ``name``."""
        ...

    async def shared(self, key: tuple[Any, ...], factory: Callable[[], Awaitable[T]]) -> T:
        """``factory()`` once per run for ``key``; every caller gets the same result (or exception)."""
        ...
