"""Municipal boundaries from TopoJSON to SVG paths (web/public/geo.py)."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domeinwacht.web.public import geo

MAP_BUDGET = 150_000  # bytes of path data; the page must stay well under 500 KB


@pytest.fixture(scope="module")
def municipalities(shared_data):
    return geo.load(shared_data / "geo" / "gemeente_2025.topojson")


def test_the_2025_file_gives_342_municipalities_with_unique_cbs_codes(municipalities):
    codes = [s.code for s in municipalities.shapes]
    assert len(codes) == 342 and len(set(codes)) == 342
    assert "GM0363" in codes


def test_every_shape_is_a_closed_svg_path(municipalities):
    for shape in municipalities.shapes:
        assert shape.path.startswith("M") and shape.path.endswith("z"), shape.code


def test_a_multipolygon_municipality_has_one_subpath_per_part(municipalities):
    texel = next(s for s in municipalities.shapes if s.name == "Texel")
    assert texel.path.count("M") >= 2


def test_path_data_stays_small(municipalities):
    assert sum(len(s.path) for s in municipalities.shapes) < MAP_BUDGET


def test_the_country_is_taller_than_wide_in_the_view_box(municipalities):
    assert municipalities.width == geo.WIDTH and municipalities.height > municipalities.width


def test_non_ascii_names_are_kept(municipalities):
    assert "Súdwest-Fryslân" in {s.name for s in municipalities.shapes}


def test_delta_encoded_arcs_are_decoded_with_the_transform():
    topology = {"transform": {"scale": [0.5, 2], "translate": [10, 20]}, "arcs": [[[2, 3], [1, -1], [-3, 0]]]}
    assert geo.decode_arcs(topology) == [[(11.0, 26.0), (11.5, 24.0), (10.0, 24.0)]]


def test_a_reversed_arc_reference_walks_the_arc_backwards():
    square = {
        "type": "Topology",
        "arcs": [[[0, 0], [10, 0], [10, 10]], [[0, 0], [0, 10], [10, 10]]],
        "objects": {"x": {"type": "GeometryCollection", "geometries": [{"type": "Polygon", "arcs": [[0, ~1]]}]}},
    }
    shape = geo.from_topology(square, width=12, tolerance=0).shapes[0]
    assert shape.path == "M1 11l10 0l0 -10l-10 0z"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("[]", "not a TopoJSON Topology"),
        ('{"type": "Topology", "arcs": [], "objects": {}}', "without objects"),
        ('{"type": "Topology", "objects": {"a": {"geometries": []}}}', "'arcs'"),
        ("{nope", "not JSON"),
    ],
)
def test_a_malformed_file_is_one_clear_error(tmp_path, body, reason):
    path = tmp_path / "bad.topojson"
    path.write_text(body)
    with pytest.raises(geo.GeoError, match=reason):
        geo.load(path)


def test_a_missing_file_is_one_clear_error(tmp_path):
    with pytest.raises(geo.GeoError, match="cannot read"):
        geo.load(tmp_path / "absent.topojson")


points = st.lists(
    st.tuples(st.floats(-1000, 1000, allow_nan=False), st.floats(-1000, 1000, allow_nan=False)), min_size=0, max_size=60
)


@given(points, st.floats(0, 50))
def test_simplify_keeps_the_ends_and_only_drops_points(line, tolerance):
    kept = geo.simplify(line, tolerance)
    assert kept[:1] == line[:1] and kept[-1:] == line[-1:]
    iterator = iter(line)
    assert all(any(p == q for q in iterator) for p in kept)  # an ordered subsequence


@given(points)
def test_simplify_with_zero_tolerance_keeps_every_point_off_the_line(line):
    kept = geo.simplify(line, 0.0)
    assert len(kept) <= len(line)


@given(
    st.recursive(
        st.none() | st.integers() | st.text(max_size=5), lambda c: st.lists(c) | st.dictionaries(st.text(max_size=5), c)
    )
)
def test_any_json_either_parses_or_is_a_geo_error(value):
    with contextlib.suppress(geo.GeoError):
        geo.from_topology(json.loads(json.dumps(value)))
