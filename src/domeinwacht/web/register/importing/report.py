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

    ``row`` is the row number in the file (the header is row 1, blank lines count) or the file path for the
    organisation import; ``action`` says what an accepted row did to the register: created, updated or unchanged;
    ``note`` says how the value was read when that is not obvious (a web address whose host was used).
    """

    row: int | str
    value: str
    status: RowStatus
    reason: str = ""
    domain: str = ""
    action: str = ""
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "value": self.value,
            "status": str(self.status),
            "reason": self.reason,
            "domain": self.domain,
            "action": self.action,
            "note": self.note,
        }
