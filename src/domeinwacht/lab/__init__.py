"""The lab: an emulated internet of real Debian servers in a network namespace (docs/LAB.md).

The scanner-facing API is small: ``is_up()`` and ``scan_options()`` (what `check --lab` and `measure --lab` use).
Bringing the lab up and down lives in ``manager``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from domeinwacht.lab.manager import is_up, status

__all__ = ["is_up", "scan_options", "status"]


def scan_options(**overrides: Any) -> Any:
    """``ScanOptions`` pointing the scanner at the running lab (resolver, trust anchor, CA, RPKI data)."""
    from domeinwacht.scan.env import ScanOptions

    doc = status()
    if doc is None:
        raise RuntimeError("the lab is not up: run `domeinwacht lab up` first")
    values: dict[str, Any] = {
        "resolver": tuple(doc["resolver"]),
        "trust_anchor_file": Path(doc["trust_anchor_file"]),
        "ca_file": Path(doc["ca_file"]),
        "allow_non_public": True,
        "vrp_file": Path(doc["vrp_file"]),
        "pfx2as_file": Path(doc["pfx2as_file"]),
    }
    values.update(overrides)
    return ScanOptions(**values)
