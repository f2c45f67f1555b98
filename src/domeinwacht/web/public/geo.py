"""Municipal boundaries as SVG paths, decoded from a TopoJSON file on the server.

The map page draws every municipality as an SVG ``<path>`` rendered in the HTML, so the map needs no JavaScript
and no tiles. The TopoJSON topology (quantized, delta-encoded arcs shared between neighbours) is decoded here,
projected (equirectangular, scaled by the cosine of the middle latitude, which is close enough for a country
the size of the Netherlands), and each *arc* is simplified once (Douglas-Peucker) before the rings are put
together, so neighbours keep exactly the same border and no slivers open between them. Coordinates are rounded
to whole units of the view box and written as relative path commands to keep the page small.

``load(path)`` reads a file once per path and modification time; a malformed file raises ``GeoError`` with a
one-line reason.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

WIDTH = 800  # view box width; the height follows from the extent
TOLERANCE = 0.7  # Douglas-Peucker tolerance in view-box units
MAX_FILE_BYTES = 20 * 1024 * 1024

Point = tuple[float, float]


class GeoError(ValueError):
    """A boundary file that cannot be read as TopoJSON polygons."""


@dataclass(frozen=True, slots=True)
class Shape:
    """One area: its code (``statcode``, e.g. ``GM0363``), its name and its SVG path data."""

    code: str
    name: str
    path: str


@dataclass(frozen=True, slots=True)
class GeoMap:
    """All shapes of a file and the view box they are drawn in."""

    width: int
    height: int
    shapes: tuple[Shape, ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """The arcs as absolute coordinates (longitude, latitude), undoing quantization and delta encoding."""
    transform = topology.get("transform")
    arcs = topology.get("arcs")
    if not isinstance(arcs, list):
        raise GeoError("TopoJSON without an 'arcs' list")
    if transform is None:
        return [[(float(p[0]), float(p[1])) for p in arc] for arc in arcs]
    try:
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    except (KeyError, TypeError, ValueError) as exc:
        raise GeoError("TopoJSON transform needs 'scale' and 'translate' pairs") from exc
    decoded = []
    for arc in arcs:
        x = y = 0
        points = []
        for position in arc:
            x += int(position[0])
            y += int(position[1])
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker: the fewest points that keep every dropped one within ``tolerance`` of the line."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            distance = math.hypot(px - ax, py - ay) if length == 0 else abs(dy * (px - ax) - dx * (py - ay)) / length
            if distance > worst:
                worst, index = distance, i
        if index >= 0 and worst > tolerance:
            keep[index] = True
            stack.extend(((first, index), (index, last)))
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring(arc_ids: Sequence[int], arcs: Sequence[Sequence[Point]]) -> list[Point]:
    ring: list[Point] = []
    for arc_id in arc_ids:
        arc = list(arcs[arc_id]) if arc_id >= 0 else list(reversed(arcs[~arc_id]))
        ring.extend(arc[1:] if ring else arc)
    return ring


def _path(rings: Sequence[Sequence[Point]]) -> str:
    parts = []
    for ring in rings:
        if len(ring) < 3:
            continue
        x0, y0 = round(ring[0][0]), round(ring[0][1])
        out = [f"M{x0} {y0}"]
        px, py = x0, y0
        closing = 1 if (round(ring[-1][0]), round(ring[-1][1])) == (x0, y0) else 0  # "z" draws that edge
        for x, y in ring[1 : len(ring) - closing]:
            rx, ry = round(x), round(y)
            if (rx, ry) == (px, py):
                continue
            out.append(f"l{rx - px} {ry - py}")
            px, py = rx, ry
        parts.append("".join(out) + "z")
    return "".join(parts)


def from_topology(topology: Any, width: int = WIDTH, tolerance: float = TOLERANCE) -> GeoMap:
    """Every Polygon/MultiPolygon of the topology's first object, projected into a ``width``-wide view box."""
    if not isinstance(topology, dict) or topology.get("type") != "Topology":
        raise GeoError("not a TopoJSON Topology")
    objects = topology.get("objects")
    if not isinstance(objects, dict) or not objects:
        raise GeoError("TopoJSON without objects")
    collection = next(iter(objects.values()))
    geometries = collection.get("geometries") if isinstance(collection, dict) else None
    if not isinstance(geometries, list):
        raise GeoError("the first TopoJSON object is not a GeometryCollection")
    raw = decode_arcs(topology)
    points = [p for arc in raw for p in arc]
    if not points:
        raise GeoError("TopoJSON without coordinates")
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    lon0, lat_top = min(lons), max(lats)
    shrink = math.cos(math.radians((min(lats) + lat_top) / 2))
    scale = (width - 2) / ((max(lons) - lon0) * shrink)
    height = math.ceil((lat_top - min(lats)) * scale) + 2

    def project(p: Point) -> Point:
        return (1 + (p[0] - lon0) * shrink * scale, 1 + (lat_top - p[1]) * scale)

    arcs = [simplify([project(p) for p in arc], tolerance) for arc in raw]
    shapes = []
    try:
        for geometry in geometries:
            props = geometry.get("properties") or {}
            code = str(props.get("statcode") or geometry.get("id") or "")
            name = str(props.get("statnaam") or code)
            if geometry.get("type") == "Polygon":
                polygons = [geometry["arcs"]]
            elif geometry.get("type") == "MultiPolygon":
                polygons = geometry["arcs"]
            else:
                continue
            rings = [_ring(ring, arcs) for polygon in polygons for ring in polygon]
            shapes.append(Shape(code=code, name=name, path=_path(rings)))
    except (KeyError, IndexError, TypeError) as exc:
        raise GeoError(f"malformed TopoJSON geometry: {exc}") from exc
    return GeoMap(width=width, height=height, shapes=tuple(shapes))


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> GeoMap:
    file = Path(path)
    if file.stat().st_size > MAX_FILE_BYTES:
        raise GeoError(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    try:
        topology = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeoError(f"{path}: not JSON ({exc})") from exc
    return from_topology(topology)


def load(path: Path | str) -> GeoMap:
    """The shapes of a TopoJSON file, decoded once per path and modification time."""
    try:
        mtime = Path(path).stat().st_mtime_ns
    except OSError as exc:
        raise GeoError(f"{path}: cannot read ({exc.strerror})") from exc
    return _load(str(path), mtime)
