"""Shared fixtures. ``shared_data`` points at ../shared/data (present in CI, read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["domeinwacht.lab.pytest_plugin"]

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = SHARED / "data"
    assert path.is_dir(), f"the shared data directory {path} is missing"
    return path
