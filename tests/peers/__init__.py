"""The peers' own test suites as data: each case, the peer's expected outcome, our verdict, and why we differ.

One module per peer suite (sectxt, checkdmarc, hstspreload). Every row states whether the peer rejects the input
(``peer_rejects``) and whether we do (``we_reject``); where the two differ, ``why`` names the RFC clause that
decides it. ``disagreements_without_rfc`` is what each module's second test asserts to be empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

RFC_CLAUSE = re.compile(r"\bRFC \d{4} (§ ?)?[0-9A-C]+(\.\d+)*|\bDMARCbis (appendix )?[0-9A-C]+(\.\d+)*")


class Row(Protocol):
    @property
    def peer_test(self) -> str: ...
    @property
    def peer_rejects(self) -> bool: ...
    @property
    def we_reject(self) -> bool: ...
    @property
    def why(self) -> str: ...


def disagreements_without_rfc(rows: Iterable[Row]) -> list[str]:
    """The peer tests of rows where we differ from the peer but name no RFC clause for it."""
    return [r.peer_test for r in rows if r.peer_rejects != r.we_reject and not RFC_CLAUSE.search(r.why)]


def agreement(rows: Iterable[Row]) -> float:
    """The share of rows where our verdict equals the peer's."""
    listed = list(rows)
    return sum(r.peer_rejects == r.we_reject for r in listed) / len(listed)
