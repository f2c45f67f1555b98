"""Loading prefix-to-origin tables (pfx2as, RIS dumps, CAIDA) and longest-prefix match."""

from __future__ import annotations

import gzip
import ipaddress

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domeinwacht.net.bgp import BgpDataError, load_routes, parse_routes


def test_prefix_and_origin_separated_by_a_space():
    table = parse_routes(["192.0.2.0/24 64500"])
    assert table.for_address("192.0.2.1") == [("192.0.2.0/24", 64500)]


def test_prefix_and_origin_separated_by_a_tab_with_as_prefix():
    table = parse_routes(["2001:db8::/32\tAS64500"])
    assert table.for_address("2001:db8::1") == [("2001:db8::/32", 64500)]


def test_ris_whois_dump_lines_give_origin_then_prefix():
    table = parse_routes(["% RIS whois dump", "64500\t192.0.2.0/24\t312"])
    assert table.for_address("192.0.2.1") == [("192.0.2.0/24", 64500)]


def test_caida_pfx2as_line_has_network_length_and_origin():
    table = parse_routes(["192.0.2.0\t24\t64500"])
    assert table.for_address("192.0.2.200") == [("192.0.2.0/24", 64500)]


def test_caida_multi_origin_gives_one_route_per_origin():
    table = parse_routes(["192.0.2.0\t24\t64500_64501"])
    assert table.for_address("192.0.2.1") == [("192.0.2.0/24", 64500), ("192.0.2.0/24", 64501)]


def test_caida_as_set_gives_one_route_with_the_set_as_origin():
    table = parse_routes(["192.0.2.0\t24\t64501,64500"])
    assert table.for_address("192.0.2.1") == [("192.0.2.0/24", (64500, 64501))]


def test_braced_as_set_is_an_as_set():
    table = parse_routes(["192.0.2.0/24 {64500,64501}"])
    assert table.for_address("192.0.2.1") == [("192.0.2.0/24", (64500, 64501))]


def test_comments_and_blank_lines_are_skipped():
    table = parse_routes(["# header", "", "   ", "192.0.2.0/24 64500"])
    assert table.count == 1


def test_every_covering_route_is_returned_longest_prefix_first():
    table = parse_routes(["192.0.0.0/16 64500", "192.0.2.0/24 64501", "192.0.2.128/25 64502"])
    assert [p for p, _ in table.for_address("192.0.2.1")] == ["192.0.2.0/24", "192.0.0.0/16"]


def test_longest_match_keeps_only_the_most_specific_prefix():
    table = parse_routes(["192.0.0.0/16 64500", "192.0.2.0/24 64501", "192.0.2.0/24 64502"])
    assert table.longest_match("192.0.2.1") == [("192.0.2.0/24", 64501), ("192.0.2.0/24", 64502)]


def test_address_outside_every_route_has_no_routes():
    table = parse_routes(["192.0.2.0/24 64500"])
    assert table.for_address("198.51.100.1") == []


def test_ipv4_and_ipv6_do_not_mix():
    table = parse_routes(["0.0.0.0/0 64500"])
    assert table.for_address("::1") == []


def test_gzip_table_is_read_transparently(tmp_path):
    path = tmp_path / "pfx2as.gz"
    path.write_bytes(gzip.compress(b"192.0.2.0\t24\t64500\n"))
    assert load_routes(path).count == 1


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("192.0.2.0/24", "found 1 field"),
        ("192.0.2.0/24 64500 7 8", "found 4 field"),
        ("192.0.2.0/33 64500", "prefix length 33 exceeds 32"),
        ("192.0.2.1/24 64500", "has host bits set"),
        ("192.0.2.0\t24\tAS-FOO", "is not a number"),
        ("192.0.2.0\tx\t64500", "prefix length 'x' is not a number"),
        ("2001:db8::g/32 64500", "is not an IPv6 address"),
        ("192.0.2.0/24 4294967296", "out of range"),
    ],
)
def test_bad_line_is_rejected_with_its_number_and_reason(line, reason):
    with pytest.raises(BgpDataError, match=r"<input>: line 2: .*" + reason):
        parse_routes(["192.0.2.0/24 64500", line])


def test_error_names_the_file(tmp_path):
    path = tmp_path / "routes.txt"
    path.write_text("nonsense\n")
    with pytest.raises(BgpDataError, match=r"routes.txt: line 1: expected 'prefix origin'"):
        load_routes(path)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # shared machine
@given(st.lists(st.text(max_size=40), max_size=5))
def test_arbitrary_lines_load_or_fail_with_bgp_data_error(lines):
    try:
        parse_routes(lines)
    except BgpDataError as exc:
        assert "line" in exc.where


prefixes = st.builds(
    lambda n, length: ipaddress.ip_network((n, length), strict=False),
    st.integers(0, 2**32 - 1),
    st.integers(0, 32),
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # shared machine
@given(st.lists(st.tuples(prefixes, st.integers(1, 2**32 - 1)), max_size=30), st.integers(0, 2**32 - 1))
def test_lookup_equals_a_naive_scan_of_all_routes(routes, address_int):
    table = parse_routes([f"{network} {origin}" for network, origin in routes])
    address = ipaddress.IPv4Address(address_int)
    naive = {(str(n), o) for n, o in routes if address in n}
    found = table.for_address(str(address))
    assert set(found) == naive
    lengths = [int(p.split("/")[1]) for p, _ in found]
    assert lengths == sorted(lengths, reverse=True)
