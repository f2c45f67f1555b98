"""The per-run DNSSEC validation memo stays bounded, and never drops work still running."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from domeinwacht.lru import trim_finished as _trim


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def _done(loop: asyncio.AbstractEventLoop, value: object) -> asyncio.Future[object]:
    future: asyncio.Future[object] = loop.create_future()
    future.set_result(value)
    return future


def test_the_memo_is_trimmed_to_its_limit_oldest_first(loop: asyncio.AbstractEventLoop) -> None:
    cache = {("zone", i): _done(loop, i) for i in range(10)}
    _trim(cache, 4)
    assert list(cache) == [("zone", i) for i in range(6, 10)]


def test_validations_still_running_are_never_dropped(loop: asyncio.AbstractEventLoop) -> None:
    running: asyncio.Future[object] = loop.create_future()
    cache = {("zone", "running"): running, **{("zone", i): _done(loop, i) for i in range(5)}}
    _trim(cache, 2)
    assert ("zone", "running") in cache
    assert len(cache) == 2
