"""Loading VRP exports (rpki-client / Routinator JSON) into a lookup table."""

from __future__ import annotations

import gzip
import ipaddress
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domeinwacht.net.bgp import BgpDataError, load_vrps, parse_vrps
from domeinwacht.observations.rpki import Vrp


def vrps_json(*roas: dict[str, object], wrapper: str = "rpki-client") -> str:
    if wrapper == "list":
        return json.dumps(list(roas))
    if wrapper == "data":
        return json.dumps({"metadata": {"generated": 1}, "data": {"roas": list(roas)}})
    return json.dumps({"metadata": {"buildmachine": "x", "roas": len(roas)}, "roas": list(roas)})


def test_rpki_client_export_with_metadata_is_loaded():
    table = parse_vrps(vrps_json({"asn": 64500, "prefix": "192.0.2.0/24", "maxLength": 24, "ta": "ripe"}))
    assert table.for_address("192.0.2.10") == [Vrp("192.0.2.0/24", 24, 64500, "ripe")]


def test_routinator_string_asn_is_loaded():
    table = parse_vrps(
        json.dumps({"roas": [{"asn": "AS64500", "prefix": "2001:db8::/32", "maxLength": 48, "ta": "arin"}]})
    )
    assert table.for_address("2001:db8:1::1") == [Vrp("2001:db8::/32", 48, 64500, "arin")]


def test_routinator_jsonext_takes_the_trust_anchor_from_the_source():
    roa = {
        "asn": "AS64500",
        "prefix": "192.0.2.0/24",
        "maxLength": 24,
        "source": [{"type": "roa", "uri": "rsync://x/y.roa", "tal": "apnic"}],
    }
    assert parse_vrps(vrps_json(roa)).for_address("192.0.2.1")[0].ta == "apnic"


@pytest.mark.parametrize("wrapper", ["list", "data", "rpki-client"])
def test_roa_list_is_found_in_every_wrapper_variant(wrapper):
    roa = {"asn": 64500, "prefix": "198.51.100.0/24", "maxLength": 24}
    assert parse_vrps(vrps_json(roa, wrapper=wrapper)).count == 1


def test_asdot_asn_is_understood():
    table = parse_vrps(vrps_json({"asn": "AS1.10", "prefix": "192.0.2.0/24", "maxLength": 24}))
    assert table.for_address("192.0.2.1")[0].asn == 65536 + 10


def test_absent_max_length_means_the_prefix_length():
    table = parse_vrps(vrps_json({"asn": 64500, "prefix": "192.0.2.0/24"}))
    assert table.for_address("192.0.2.1")[0].max_length == 24


def test_same_vrp_under_two_trust_anchors_is_kept_once():
    roa = {"asn": 64500, "prefix": "192.0.2.0/24", "maxLength": 24}
    table = parse_vrps(vrps_json({**roa, "ta": "ripe"}, {**roa, "ta": "arin"}))
    assert table.count == 1


def test_every_covering_vrp_is_returned_longest_prefix_first():
    table = parse_vrps(
        vrps_json(
            {"asn": 64500, "prefix": "192.0.0.0/16", "maxLength": 24},
            {"asn": 64501, "prefix": "192.0.2.0/24", "maxLength": 24},
            {"asn": 64502, "prefix": "192.0.3.0/24", "maxLength": 24},
        )
    )
    assert [v.prefix for v in table.for_address("192.0.2.9")] == ["192.0.2.0/24", "192.0.0.0/16"]


def test_gzip_export_is_read_transparently(tmp_path):
    path = tmp_path / "vrps.json.gz"
    path.write_bytes(gzip.compress(vrps_json({"asn": 1, "prefix": "192.0.2.0/24"}).encode()))
    assert load_vrps(path).count == 1


def test_invalid_json_names_line_and_column():
    with pytest.raises(BgpDataError, match=r"<input>: line 2 column \d+: invalid JSON"):
        parse_vrps('{"roas": [\n  {"asn": 1,, }]}')


def test_document_without_roas_is_rejected_clearly():
    with pytest.raises(BgpDataError, match='no "roas" list found'):
        parse_vrps('{"metadata": {}}')


@pytest.mark.parametrize(
    ("roa", "reason"),
    [
        ({"asn": 1, "prefix": "192.0.2.0/24", "maxLength": 33}, "maxLength 33 is outside 24..32"),
        ({"asn": 1, "prefix": "192.0.2.0/24", "maxLength": 16}, "maxLength 16 is outside 24..32"),
        ({"asn": 1, "prefix": "192.0.2.1/24", "maxLength": 24}, "has host bits set"),
        ({"asn": 1, "prefix": "192.0.2.0", "maxLength": 24}, "no /length"),
        ({"asn": 1, "prefix": "300.0.2.0/24", "maxLength": 24}, "is not an IPv4 address"),
        ({"asn": "ASx", "prefix": "192.0.2.0/24"}, "is not a number"),
        ({"asn": 2**32, "prefix": "192.0.2.0/24"}, "out of range"),
        ({"prefix": "192.0.2.0/24"}, '"asn" missing'),
        ({"asn": 1, "prefix": "192.0.2.0/24", "maxLength": "big"}, "is not a number"),
    ],
)
def test_bad_entry_is_rejected_with_its_index_and_reason(roa, reason):
    good = {"asn": 1, "prefix": "198.51.100.0/24"}
    with pytest.raises(BgpDataError, match=r"roas\[1\]: .*" + reason.replace(".", r"\.")):
        parse_vrps(vrps_json(good, roa))


def test_non_utf8_file_names_the_line(tmp_path):
    path = tmp_path / "vrps.json"
    path.write_bytes(b'{"roas": [\n\xff]}')
    with pytest.raises(BgpDataError, match=r"vrps.json: line 2: not UTF-8"):
        load_vrps(path)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # shared machine
@given(st.text(max_size=200))
def test_arbitrary_text_is_loaded_or_rejected_with_bgp_data_error(text):
    try:
        parse_vrps(text)
    except BgpDataError as exc:
        assert str(exc).startswith("<input>")


ipv4_prefixes = st.builds(
    lambda n, length: ipaddress.ip_network((n, length), strict=False),
    st.integers(0, 2**32 - 1),
    st.integers(0, 32),
)
ipv6_prefixes = st.builds(
    lambda n, length: ipaddress.ip_network((n, length), strict=False),
    st.integers(0, 2**128 - 1),
    st.integers(0, 128),
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # shared machine
@given(
    st.lists(
        st.tuples(st.one_of(ipv4_prefixes, ipv6_prefixes), st.integers(0, 2**32 - 1), st.data()),
        max_size=20,
    )
)
def test_every_loaded_vrp_is_found_for_its_own_network_address(entries):
    roas = []
    for network, asn, data in entries:
        max_length = data.draw(st.integers(network.prefixlen, network.max_prefixlen))
        roas.append({"asn": f"AS{asn}", "prefix": str(network), "maxLength": max_length})
    table = parse_vrps(json.dumps({"roas": roas}))
    for roa in roas:
        network = ipaddress.ip_network(roa["prefix"])
        expected = Vrp(str(network), roa["maxLength"], int(roa["asn"][2:]))
        assert expected in table.for_address(str(network.network_address))


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**40), 2**40),
        st.floats(allow_nan=False),
        st.text(max_size=20),
        st.sampled_from(["192.0.2.0/24", "2001:db8::/32", "AS64500", "24", "AS1.10"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
roa_like = st.dictionaries(
    st.sampled_from(["asn", "prefix", "maxLength", "max_length", "ta", "tal", "source"]),
    json_values,
    max_size=6,
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # shared machine
@given(st.lists(roa_like, max_size=5))
def test_any_roa_shaped_entries_load_or_fail_with_bgp_data_error(roas):
    try:
        table = parse_vrps(json.dumps({"metadata": {}, "roas": roas}))
    except BgpDataError as exc:
        assert exc.where.startswith("roas[")
    else:
        assert table.count <= len(roas)
