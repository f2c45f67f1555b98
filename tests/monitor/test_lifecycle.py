"""The findings lifecycle, one behaviour per test (monitor/lifecycle.py)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domeinwacht.monitor.lifecycle import ACTIVE, Event, Observation, State, Thresholds, Track, explain, step
from domeinwacht.monitor.severity import Severity

T0 = datetime(2026, 1, 1, tzinfo=UTC)
F, P, U = Observation.FAILING, Observation.PASSING, Observation.UNKNOWN


def at(i: int) -> datetime:
    return T0 + timedelta(days=i)


TWO = Thresholds(open_after=2, close_after=2)


def run(observations, *, severity=Severity.HIGH, thresholds=TWO):
    """Feed the observations in order; returns the final track and the events per measurement."""
    track = None
    events = []
    for i, observation in enumerate(observations):
        track, event = step(track, observation, at(i), severity=severity, thresholds=thresholds)
        events.append(event)
    return track, events


def test_a_single_failing_measurement_is_pending_not_a_finding():
    track, events = run([F])
    assert track is not None and track.state is State.PENDING
    assert events == [None]


def test_failing_for_open_after_measurements_opens_a_new_finding():
    track, events = run([F, F])
    assert track.state is State.NEW
    assert events == [None, Event.NEW]


def test_a_new_finding_becomes_open_in_the_next_failing_measurement_without_an_event():
    track, events = run([F, F, F])
    assert track.state is State.OPEN
    assert events[-1] is None


def test_a_critical_finding_opens_at_once():
    track, events = run([F], severity=Severity.CRITICAL)
    assert track.state is State.NEW
    assert events == [Event.NEW]


def test_a_pending_streak_that_passes_again_is_forgotten():
    track, events = run([F, P])
    assert track is None
    assert events == [None, None]


def test_passing_for_close_after_measurements_fixes_an_open_finding():
    track, events = run([F, F, P, P])
    assert track.state is State.FIXED
    assert events == [None, Event.NEW, None, Event.FIXED]
    assert track.fixed_at == at(3)


def test_one_passing_measurement_between_failures_does_not_close_the_finding():
    track, events = run([F, F, P, F, P])
    assert track.state in ACTIVE
    assert Event.FIXED not in events


def test_failing_again_after_a_fix_is_a_regression():
    track, events = run([F, F, P, P, F, F])
    assert track.state is State.REGRESSED
    assert events[-1] is Event.REGRESSED


def test_a_single_failure_after_a_fix_does_not_reopen_it():
    track, events = run([F, F, P, P, F])
    assert track.state is State.FIXED
    assert events[-1] is None


def test_an_unknown_measurement_neither_opens_nor_closes_nor_breaks_a_streak():
    track, events = run([F, U, F])
    assert track.state is State.NEW
    assert events == [None, None, Event.NEW]
    track, events = run([F, F, P, U, P])
    assert track.state is State.FIXED


def test_first_seen_is_the_first_failure_and_last_seen_the_latest():
    track, _ = run([F, F, P, P, F, F])
    assert track.first_seen == at(0)
    assert track.last_seen == at(5)


def test_severity_follows_the_latest_failing_measurement():
    track, _ = run([F, F])
    track, _ = step(track, F, at(2), severity=Severity.CRITICAL)
    assert track.severity is Severity.CRITICAL


def test_an_explained_finding_stays_explained_while_the_explanation_is_valid():
    track, _ = run([F, F])
    track = explain(track, at(10))
    track, event = step(track, F, at(5), severity=Severity.HIGH)
    assert track.state is State.EXPLAINED
    assert event is None


def test_an_explanation_expires_when_still_failing_after_valid_until():
    track, _ = run([F, F])
    track = explain(track, at(3))
    track, event = step(track, F, at(4), severity=Severity.HIGH)
    assert track.state is State.EXPLANATION_EXPIRED
    assert event is Event.EXPLANATION_EXPIRED


def test_a_fixed_finding_cannot_be_explained():
    track, _ = run([F, F, P, P])
    with pytest.raises(ValueError, match="only an open finding"):
        explain(track, at(9))


def test_an_older_measurement_is_refused():
    track, _ = run([F, F])
    with pytest.raises(ValueError, match="older"):
        step(track, F, at(0) - timedelta(days=1))


def test_thresholds_of_zero_are_refused():
    with pytest.raises(ValueError):
        Thresholds(open_after=0)


def test_thresholds_of_one_open_and_close_at_once():
    _, events = run([F, P], thresholds=Thresholds(1, 1))
    assert events == [Event.NEW, Event.FIXED]


@given(
    st.lists(st.sampled_from(list(Observation)), max_size=30),
    st.integers(1, 4),
    st.integers(1, 4),
)
def test_events_alternate_opening_and_fixing(observations, open_after, close_after):
    """Whatever the sequence: a finding opens (new or regressed) and is fixed in turn, new only once."""
    _, events = run(observations, thresholds=Thresholds(open_after, close_after))
    opens_and_fixes = [e for e in events if e in (Event.NEW, Event.REGRESSED, Event.FIXED)]
    for previous, current in itertools.pairwise(opens_and_fixes):
        assert (previous is Event.FIXED) != (current is Event.FIXED)
    assert opens_and_fixes.count(Event.NEW) <= 1
    if opens_and_fixes:
        assert opens_and_fixes[0] is Event.NEW


@given(st.lists(st.sampled_from([F, P]), min_size=1, max_size=30), st.integers(1, 4))
def test_a_finding_opens_only_after_open_after_consecutive_failures(observations, open_after):
    _, events = run(observations, thresholds=Thresholds(open_after, 1))
    for i, event in enumerate(events):
        if event in (Event.NEW, Event.REGRESSED):
            assert i + 1 >= open_after
            assert all(o is F for o in observations[i + 1 - open_after : i + 1])


def test_a_track_is_frozen():
    track = Track(State.NEW, Severity.LOW, F, 1, T0, T0)
    with pytest.raises(AttributeError):
        track.state = State.OPEN  # type: ignore[misc]
