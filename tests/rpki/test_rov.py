"""Route Origin Validation per RFC 6811 section 2."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domeinwacht.net.bgp import VrpTable, validate_route
from domeinwacht.observations.rpki import RovState, Vrp


@pytest.fixture
def vrps():
    table = VrpTable()
    table.add("192.0.2.0/24", 24, 64500)
    table.add("198.51.100.0/22", 24, 64501)
    table.add("203.0.113.0/24", 24, 0)  # AS0: do not route
    table.add("2001:db8::/32", 48, 64502)
    return table


def test_route_matching_a_vrp_is_valid(vrps):
    assert vrps.validate("192.0.2.0/24", 64500)[0] is RovState.VALID


def test_more_specific_within_max_length_is_valid(vrps):
    assert vrps.validate("198.51.101.0/24", 64501)[0] is RovState.VALID


def test_route_from_another_as_is_invalid_asn(vrps):
    assert vrps.validate("192.0.2.0/24", 64666)[0] is RovState.INVALID_ASN


def test_more_specific_beyond_max_length_is_invalid_length(vrps):
    assert vrps.validate("192.0.2.0/25", 64500)[0] is RovState.INVALID_LENGTH


def test_route_no_vrp_covers_is_not_found(vrps):
    assert vrps.validate("192.0.0.0/16", 64500)[0] is RovState.NOT_FOUND


def test_less_specific_than_the_vrp_is_not_covered_by_it(vrps):
    # RFC 6811: a VRP covers a route only if the route is as or more specific than the VRP prefix.
    assert vrps.validate("198.51.96.0/20", 64501)[0] is RovState.NOT_FOUND


def test_as0_vrp_makes_every_covered_route_invalid(vrps):
    assert vrps.validate("203.0.113.0/24", 0)[0] is RovState.INVALID_ASN


def test_as_set_origin_is_never_valid(vrps):
    assert vrps.validate("192.0.2.0/24", None)[0] is RovState.INVALID_ASN


def test_one_matching_vrp_among_several_covering_is_enough():
    table = VrpTable()
    table.add("192.0.2.0/24", 24, 64500)
    table.add("192.0.0.0/16", 24, 64501)
    state, covering = table.validate("192.0.2.0/24", 64501)
    assert state is RovState.VALID
    assert {v.asn for v in covering} == {64500, 64501}


def test_ipv6_route_within_max_length_is_valid(vrps):
    assert vrps.validate("2001:db8:ab::/48", 64502)[0] is RovState.VALID


def test_invalid_flag_covers_both_invalid_states():
    assert RovState.INVALID_ASN.is_invalid
    assert RovState.INVALID_LENGTH.is_invalid
    assert not RovState.NOT_FOUND.is_invalid


vrp_lists = st.lists(st.builds(Vrp, st.just("192.0.2.0/24"), st.integers(24, 32), st.integers(0, 5)), max_size=5)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # shared machine
@given(vrp_lists, st.integers(24, 32), st.one_of(st.none(), st.integers(0, 5)))
def test_state_follows_the_rfc_6811_definition(covering, length, origin):
    state = validate_route(length, origin, covering)
    matched = any(origin is not None and v.asn == origin and v.asn != 0 and length <= v.max_length for v in covering)
    if not covering:
        assert state is RovState.NOT_FOUND
    elif matched:
        assert state is RovState.VALID
    else:
        assert state.is_invalid
