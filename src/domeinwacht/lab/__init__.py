"""The lab: an emulated internet of real Debian servers in a network namespace (see docs/LAB.md).

Public API:
    is_up()        -- True while the lab's namespace and routes exist; the scanner must not send to the lab
                      prefixes (192.0.2.128/25, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) otherwise.
    status()       -- the running lab's description (resolver, trust anchor, CA bundle, RPKI files, CT log,
                      targets with addresses), or None.
    up(scenario, rtt_ms) / down()  -- what `domeinwacht lab up|down` do (root only).
    in_lab(address) -- whether an address lies in a prefix the lab routes.
"""

from __future__ import annotations

from domeinwacht.lab.addresses import in_lab
from domeinwacht.lab.manager import LabError, down, is_up, status, up

__all__ = ["LabError", "down", "in_lab", "is_up", "status", "up"]
