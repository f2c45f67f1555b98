"""Per-row reports of the importers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ImportError_(Exception):
    """The input as a whole cannot be imported (missing, wrong format or encoding); nothing was written."""


class RowStatus(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    WARNING = "warning"  # the record was used, but part of it was not (e.g. an invalid e-mail address)


@dataclass(frozen=True)
class RowResult:
    """What happened to one row (or one file) of an import.

    ``row`` is the 1-based row number in the file (the header is row 1) or the file path for the organisation
    import; ``action`` says what an accepted row did to the register: created, updated or unchanged.
    """

    row: int | str
    value: str
    status: RowStatus
    reason: str = ""
    domain: str = ""
    action: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "value": self.value,
            "status": str(self.status),
            "reason": self.reason,
            "domain": self.domain,
            "action": self.action,
        }
