"""The lab: an emulated internet of real Debian servers in a network namespace (see docs/LAB.md).

Public API (the scanner needs only the first three; bringing the lab up and down lives in ``manager``):
    is_up()          -- True while the lab's namespace and routes exist; the scanner must not send to the lab
                        prefixes (192.0.2.128/25, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) otherwise.
    scan_options()   -- ``ScanOptions`` pointing the scanner at the running lab (what `check --lab` and
                        `measure --lab` use).
    status()         -- the running lab's description (resolver, trust anchor, CA bundle, RPKI files, CT log,
                        targets with addresses), or None.
    up(scenario, rtt_ms) / down()  -- what `domeinwacht lab up|down` do (root only).
    in_lab(address)  -- whether an address lies in a prefix the lab routes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from domeinwacht.lab.addresses import in_lab
from domeinwacht.lab.manager import LabError, down, is_up, status, up

__all__ = ["LabError", "down", "in_lab", "is_up", "scan_options", "status", "up"]


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
        "preflight_zone": "test",
        "vrp_file": Path(doc["vrp_file"]),
        "pfx2as_file": Path(doc["pfx2as_file"]),
    }
    values.update(overrides)
    return ScanOptions(**values)
