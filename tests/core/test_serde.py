from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from hypothesis import given
from hypothesis import strategies as st

from domeinwacht.serde import from_jsonable, to_jsonable


class Colour(StrEnum):
    RED = "red"
    GREEN = "green"


@dataclass(frozen=True)
class Inner:
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address
    raw: bytes


@dataclass(frozen=True)
class Outer:
    name: str
    colour: Colour
    when: datetime
    items: tuple[Inner, ...]
    extra: dict[str, int]
    maybe: int | None = None


def test_nested_dataclasses_round_trip():
    value = Outer(
        "x",
        Colour.GREEN,
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        (Inner(ipaddress.ip_address("2001:db8::1"), b"\x00\xff"),),
        {"a": 1},
    )
    assert from_jsonable(Outer, to_jsonable(value)) == value


@given(st.text(), st.integers(), st.binary(max_size=64), st.one_of(st.none(), st.integers()))
def test_any_simple_values_round_trip(name, number, raw, maybe):
    value = Outer(
        name,
        Colour.RED,
        datetime(2026, 1, 1, tzinfo=UTC),
        (Inner(ipaddress.ip_address("192.0.2.1"), raw),),
        {name: number},
        maybe,
    )
    assert from_jsonable(Outer, to_jsonable(value)) == value
