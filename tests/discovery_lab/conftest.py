"""The discovery lab tests run in their own pytest session with the discovery scenario (scripts/test.sh):
``DOMEINWACHT_LAB_SCENARIO=discovery pytest tests/discovery_lab``."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("DOMEINWACHT_LAB_SCENARIO") != "discovery":
        skip = pytest.mark.skip(reason="run with DOMEINWACHT_LAB_SCENARIO=discovery (scripts/test.sh does)")
        for item in items:
            if "discovery_lab" in str(item.fspath):
                item.add_marker(skip)
