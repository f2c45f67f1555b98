"""Fixtures of the measurement tests: the fake observer set, options that send nothing anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from domeinwacht.scan.env import ScanOptions
from domeinwacht.scan.executor import ExecutorSettings

TESTS = Path(__file__).resolve().parent.parent
PLUGIN = "measurements.fakeplug"


@pytest.fixture
def fakescan():
    """The fake observer and checks, registered for this test only."""
    from measurements import fakeplug

    fakeplug.install()
    yield fakeplug
    fakeplug.uninstall()


@pytest.fixture
def options() -> ScanOptions:
    # A resolver on the discard port of loopback: nothing real is ever asked.
    return ScanOptions(resolver=("127.0.0.1:9",), target_timeout=2.0)


@pytest.fixture
def settings_fake() -> ExecutorSettings:
    return ExecutorSettings(groups=("fakescan",), max_in_flight=8, batch_size=10, flush_seconds=0.5)
