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
class AddressVerdict:
    """A check's verdict for one server address, for the categories scored per server (policy/scoring.py: the
    Internet.nl categories tested per IP address or per MX take the minimum over the servers).

    Attributes:
        address: the server address (an IP address), the same key for every check of a category.
        status: the verdict for that address.
    """

    address: str
    status: Status


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What one check concluded.

    Attributes:
        check_id: the id from CHECKS.md, e.g. ``web.hsts``.
        status: the verdict.
        summary: one human sentence saying what was found.
        evidence: JSON-serialisable facts that support the verdict (records, headers, IP and port).
        remedy: what the owner should change, citing the guideline; ``None`` when nothing is to be done.
        per_address: the verdict per server address, when the check judges several (what scoring reads); in
            JSON it is ``evidence["per_server"]`` (``{address: status}``).
    """

    check_id: str
    status: Status
    summary: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    remedy: str | None = None
    per_address: tuple[AddressVerdict, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "summary": self.summary,
            "evidence": self.evidence_json(),
            "remedy": self.remedy,
        }

    def evidence_json(self) -> dict[str, Any]:
        """The evidence as stored and shown: with the per-address verdicts as ``per_server``."""
        evidence = dict(self.evidence)
        if self.per_address:
            evidence["per_server"] = {v.address: v.status.value for v in self.per_address}
        return evidence

    @classmethod
    def from_json(cls, check_id: str, data: Mapping[str, Any]) -> CheckResult:
        evidence = dict(data.get("evidence", {}))
        per_address = _per_address(evidence.get(PER_SERVER))
        if per_address:
            del evidence[PER_SERVER]
        return cls(
            check_id=check_id,
            status=Status(data["status"]),
            summary=data.get("summary", ""),
            evidence=evidence,
            remedy=data.get("remedy"),
            per_address=per_address,
        )

    @classmethod
    def error(cls, check_id: str, reason: str, **evidence: Any) -> CheckResult:
        """A check that could not be measured: never a guess, always a reason."""
        return cls(check_id, Status.ERROR, reason, {"reason": reason, **evidence})


PER_SERVER = "per_server"


def _per_address(raw: object) -> tuple[AddressVerdict, ...]:
    """``evidence["per_server"]`` of stored JSON as verdicts; empty when absent or not ``{address: status}``."""
    if not isinstance(raw, Mapping):
        return ()
    try:
        return tuple(AddressVerdict(str(address), Status(value)) for address, value in raw.items())
    except ValueError:
        return ()
