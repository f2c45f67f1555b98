"""net/ clients take any ProbeContext (net/context.py), not the scan layer's ScanEnv: a hand-written one will do."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from domeinwacht.net.context import ProbeContext
from domeinwacht.net.guard import AddressGuard
from domeinwacht.net.smtp import shared_probe_smtp

from . import smtp_server as srv

T = TypeVar("T")


@dataclass(frozen=True)
class Options:
    connect_timeout: float = 2.0
    io_timeout: float = 1.5
    target_timeout: float = 10.0
    ca_file: Path | None = None
    ehlo_name: str = "context.test.invalid"
    vrp_file: Path | None = None
    pfx2as_file: Path | None = None


class MinimalContext:
    """Everything a net/ client may use, and a record of what it used."""

    def __init__(self) -> None:
        self.options = Options()
        self.guard = AddressGuard(allow_non_public=True)
        self.global_limit = asyncio.Semaphore(4)
        self.counters: dict[str, int] = {}
        self.limits_taken: list[tuple[str, str]] = []
        self.shared_keys: list[tuple[Any, ...]] = []
        self._done: dict[tuple[Any, ...], Any] = {}

    def ip_limit(self, ip: str, kind: str = "any") -> asyncio.Semaphore:
        self.limits_taken.append((kind, ip))
        return asyncio.Semaphore(1)

    def count(self, name: str, n: int = 1) -> None:
        self.counters[name] = self.counters.get(name, 0) + n

    async def shared(self, key: tuple[Any, ...], factory: Callable[[], Awaitable[T]]) -> T:
        self.shared_keys.append(key)
        if key not in self._done:
            self._done[key] = await factory()
        result: T = self._done[key]
        return result


def test_an_smtp_probe_runs_on_a_hand_written_context_and_uses_its_limits_counters_and_sharing():
    context: ProbeContext = MinimalContext()  # mypy-style check of the protocol, also at run time below

    async def scenario():
        async with srv.running(srv.polite(None, starttls=False)) as server:
            first = await shared_probe_smtp("127.0.0.1", "mx.example.nl", context, port=server.port)
            again = await shared_probe_smtp("127.0.0.1", "mx.example.nl", context, port=server.port)
        return first, again, server

    first, again, server = asyncio.run(scenario())
    assert isinstance(context, MinimalContext)
    assert first.error is None and again is first
    assert server.connections == 1
    assert ("smtp", "127.0.0.1") in context.limits_taken
    assert context.counters["smtp.connections.127.0.0.1"] == 1
    assert context.shared_keys[0][0] == "smtp"
