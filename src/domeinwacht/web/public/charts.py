"""Line charts drawn on the server as SVG geometry (the templates write the elements; no JavaScript).

A chart is a few series of percentages (0-100) over the measurements; ``line_chart`` turns them into polyline
points, dots and axis labels inside a fixed view box.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 480, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 10, 28
SERIES_CLASSES = 8  # series-0 … series-7 in site.css


@dataclass(frozen=True, slots=True)
class Dot:
    x: float
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    css: str
    points: str
    dots: tuple[Dot, ...]


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    series: tuple[Series, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    plot_left: int
    plot_right: int
    plot_bottom: int

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def _x(i: int, n: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return round(LEFT + (span / 2 if n == 1 else span * i / (n - 1)), 1)


def _y(value: float) -> float:
    return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / 100), 1)


def line_chart(labels: Sequence[str], series: Mapping[str, Sequence[float | None]]) -> Chart:
    """``labels`` name the measurements along the x axis; each series has one value (or None) per label."""
    n = len(labels)
    drawn = []
    for index, (name, values) in enumerate(series.items()):
        dots = tuple(Dot(_x(i, n), _y(v), f"{name}: {v:.1f}%") for i, v in enumerate(values[:n]) if v is not None)
        drawn.append(
            Series(
                name=name,
                css=f"series-{index % SERIES_CLASSES}",
                points=" ".join(f"{d.x},{d.y}" for d in dots),
                dots=dots,
            )
        )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        series=tuple(drawn),
        x_ticks=tuple(Tick(_x(i, n), HEIGHT - 8, label) for i, label in enumerate(labels)),
        y_ticks=tuple(Tick(LEFT - 4, _y(v), f"{v}%") for v in (0, 50, 100)),
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_bottom=HEIGHT - BOTTOM,
    )
