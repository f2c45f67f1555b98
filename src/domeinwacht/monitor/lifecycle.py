"""A finding's life over consecutive measurements: one pure step per measurement, with flapping suppression.

Each (subject, check id) has a ``Track``. Every measurement gives it one ``Observation``:

- ``FAILING``: the requirement is not met (the policy engine lists it as a finding);
- ``PASSING``: it is met (pass, info, not applicable, or a warning the profile accepts);
- ``UNKNOWN``: it could not be measured (``error``, or no result): nothing changes, no streak moves (an error
  must neither open nor close a finding).

States of a track (``State``):

========================  =============================================================================
``pending``               failing, but not yet for ``open_after`` consecutive measurements: no finding yet
``new``                   a finding opened in this measurement
``open``                  a finding still failing after the measurement that opened it
``fixed``                 closed: passing for ``close_after`` consecutive measurements
``regressed``             failing again (after ``open_after`` measurements) after it was fixed
``explained``             open, with a comply-or-explain valid until ``explained_until``
``explanation_expired``   still failing after the explanation's ``explained_until``
========================  =============================================================================

A critical finding opens at once, whatever ``open_after`` says. A pending track that passes again never was a
finding and is dropped (``step`` returns ``None``). Alerts follow the ``Event`` of a step: ``new``,
``regressed``, ``fixed`` and ``explanation_expired``; staying open sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from domeinwacht.monitor.severity import Severity

__all__ = ["ACTIVE", "Event", "Observation", "State", "Thresholds", "Track", "explain", "step"]


class Observation(StrEnum):
    FAILING = "failing"
    PASSING = "passing"
    UNKNOWN = "unknown"


class State(StrEnum):
    PENDING = "pending"
    NEW = "new"
    OPEN = "open"
    FIXED = "fixed"
    REGRESSED = "regressed"
    EXPLAINED = "explained"
    EXPLANATION_EXPIRED = "explanation_expired"


class Event(StrEnum):
    """What a step changed that someone must hear about."""

    NEW = "new"
    REGRESSED = "regressed"
    FIXED = "fixed"
    EXPLANATION_EXPIRED = "explanation_expired"


# States in which a finding is open (failing and reported).
ACTIVE = frozenset({State.NEW, State.OPEN, State.REGRESSED, State.EXPLAINED, State.EXPLANATION_EXPIRED})


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Flapping suppression: how many consecutive measurements a state must hold before it counts.

    ``open_after``: failing measurements before a finding opens (critical ones open at once);
    ``close_after``: passing measurements before an open finding is fixed.
    """

    open_after: int = 2
    close_after: int = 2

    def __post_init__(self) -> None:
        if self.open_after < 1 or self.close_after < 1:
            raise ValueError("thresholds count measurements: at least 1")


@dataclass(frozen=True, slots=True)
class Track:
    """What is known of one (subject, check id) after some measurements.

    Attributes:
        state: see the module docstring.
        severity: of the latest failing observation.
        streak: ``(observation, count)``: how many consecutive measurements gave the same failing/passing
            verdict (unknown ones are skipped, not counted).
        first_seen: when it was first seen failing (kept across fixes and regressions).
        last_seen: when it was last seen failing.
        fixed_at: when it was last fixed (``None``: never).
        explained_until: end of a valid comply-or-explain (``None``: none).
    """

    state: State
    severity: Severity
    streak: Observation
    count: int
    first_seen: datetime
    last_seen: datetime
    fixed_at: datetime | None = None
    explained_until: datetime | None = None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE


def _opened(previous: Track | None) -> tuple[State, Event]:
    if previous is not None and previous.fixed_at is not None:
        return State.REGRESSED, Event.REGRESSED
    return State.NEW, Event.NEW


def _failing(
    track: Track | None, severity: Severity, at: datetime, thresholds: Thresholds
) -> tuple[Track, Event | None]:
    count = track.count + 1 if track is not None and track.streak is Observation.FAILING else 1
    if track is None:
        track = Track(State.PENDING, severity, Observation.FAILING, 0, at, at)
    track = replace(track, severity=severity, streak=Observation.FAILING, count=count, last_seen=at)
    if track.state in (State.PENDING, State.FIXED):
        if severity is Severity.CRITICAL or count >= thresholds.open_after:
            state, event = _opened(track)
            return replace(track, state=state, explained_until=None), event
        return track, None
    if track.state is State.EXPLAINED:
        if track.explained_until is not None and at >= track.explained_until:
            return replace(track, state=State.EXPLANATION_EXPIRED), Event.EXPLANATION_EXPIRED
        return track, None
    if track.state in (State.NEW, State.REGRESSED):
        return replace(track, state=State.OPEN), None
    return track, None  # open, explanation expired: still failing, nothing new to say


def _passing(track: Track | None, at: datetime, thresholds: Thresholds) -> tuple[Track | None, Event | None]:
    if track is None:
        return None, None
    if track.state is State.PENDING:
        return None, None  # never was a finding: forget the streak
    count = track.count + 1 if track.streak is Observation.PASSING else 1
    track = replace(track, streak=Observation.PASSING, count=count)
    if track.active and count >= thresholds.close_after:
        return replace(track, state=State.FIXED, fixed_at=at, explained_until=None), Event.FIXED
    return track, None


def step(
    track: Track | None,
    observation: Observation,
    at: datetime,
    *,
    severity: Severity = Severity.LOW,
    thresholds: Thresholds = Thresholds(),
) -> tuple[Track | None, Event | None]:
    """The track after one more measurement made ``at``, and the event to report (if any).

    ``severity`` is that of this measurement's failing result (ignored unless ``observation`` is failing).
    ``None`` as the track: nothing to keep (never failing, or a pending streak that passed again).
    """
    if track is not None and at < track.last_seen:
        raise ValueError(f"measurement of {at.isoformat()} is older than the track's {track.last_seen.isoformat()}")
    if observation is Observation.FAILING:
        return _failing(track, severity, at, thresholds)
    if observation is Observation.PASSING:
        return _passing(track, at, thresholds)
    return track, None


def explain(track: Track, until: datetime) -> Track:
    """An approved comply-or-explain on an open finding, valid until ``until``."""
    if not track.active:
        raise ValueError(f"only an open finding can be explained (this one is {track.state.value})")
    return replace(track, state=State.EXPLAINED, explained_until=until)
