"""The result of one check: a status with evidence and a remedy (shared/standards/CHECKS.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """Verdict of a check. Declared worst first; ``Status.worst`` relies on that order."""

    ERROR = "error"  # could not be measured; the evidence says why
    FAIL = "fail"
    WARNING = "warning"
    INFO = "info"
    NOT_APPLICABLE = "not_applicable"
    PASS = "pass"  # noqa: S105 - a verdict, not a password

    @property
    def rank(self) -> int:
        """0 for the worst (error) up to 5 for pass."""
        return _ORDER.index(self)

    @classmethod
    def worst(cls, statuses: Iterable[Status]) -> Status:
        """The worst of ``statuses``; ``not_applicable`` for an empty iterable."""
        found = list(statuses)
        if not found:
            return cls.NOT_APPLICABLE
        return min(found, key=lambda s: s.rank)


_ORDER = list(Status)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What one check concluded.

    Attributes:
        check_id: the id from CHECKS.md, e.g. ``web.hsts``.
        status: the verdict.
        summary: one human sentence saying what was found.
        evidence: JSON-serialisable facts that support the verdict (records, headers, IP and port).
        remedy: what the owner should change, citing the guideline; ``None`` when nothing is to be done.
    """

    check_id: str
    status: Status
    summary: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    remedy: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "summary": self.summary,
            "evidence": dict(self.evidence),
            "remedy": self.remedy,
        }

    @classmethod
    def from_json(cls, check_id: str, data: Mapping[str, Any]) -> CheckResult:
        return cls(
            check_id=check_id,
            status=Status(data["status"]),
            summary=data.get("summary", ""),
            evidence=data.get("evidence", {}),
            remedy=data.get("remedy"),
        )

    @classmethod
    def error(cls, check_id: str, reason: str, **evidence: Any) -> CheckResult:
        """A check that could not be measured: never a guess, always a reason."""
        return cls(check_id, Status.ERROR, reason, {"reason": reason, **evidence})
