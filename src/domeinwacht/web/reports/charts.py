"""Charts of the report as SVG, drawn here on the server: no chart library, no script, no image from elsewhere.

The SVG is inline in the page and in the PDF (WeasyPrint draws it); it uses presentation attributes only (no
``style``), so a strict Content-Security-Policy holds. Each chart has a title and a description for screen
readers; the same figures are always in a table next to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
LABEL_WIDTH = 210
VALUE_WIDTH = 70
ROW = 24
BAR = 16
PAD = 8
INK = "#1a1a1a"
BAR_FILL = "#01689b"
TRACK = "#e6e6e6"
UP = "#2e7d32"
DOWN = "#b71c1c"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float | None  # None: nothing to draw (no measured domain), shown as "n/a"


def _svg(title: str, description: str, height: int, body: list[str], ident: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" class="chart">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _label(y: float, text: str) -> str:
    return (
        f'<text x="{LABEL_WIDTH - PAD}" y="{y:.1f}" text-anchor="end" dominant-baseline="middle" '
        f'font-size="12" fill="{INK}">{escape(text)}</text>'
    )


def percentage_bars(title: str, bars: Sequence[Bar], ident: str) -> str:
    """Horizontal bars from 0 to 100 %, one per row, the value written after the bar (one decimal)."""
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = PAD * 2 + ROW * len(bars)
    body = []
    for i, bar in enumerate(bars):
        top = PAD + i * ROW
        middle = top + ROW / 2
        body.append(_label(middle, bar.label))
        body.append(
            f'<rect x="{LABEL_WIDTH}" y="{top + (ROW - BAR) / 2:.1f}" width="{span}" height="{BAR}" fill="{TRACK}"/>'
        )
        if bar.value is not None:
            length = span * max(0.0, min(bar.value, 100.0)) / 100
            body.append(
                f'<rect x="{LABEL_WIDTH}" y="{top + (ROW - BAR) / 2:.1f}" width="{length:.1f}" height="{BAR}" '
                f'fill="{BAR_FILL}"/>'
            )
        text = "n/a" if bar.value is None else f"{bar.value:.1f}%"
        body.append(
            f'<text x="{LABEL_WIDTH + span + PAD}" y="{middle:.1f}" dominant-baseline="middle" font-size="12" '
            f'fill="{INK}">{text}</text>'
        )
    description = "; ".join(f"{b.label}: {'n/a' if b.value is None else f'{b.value:.1f}%'}" for b in bars)
    return _svg(title, description, height, body, ident)


def change_bars(title: str, bars: Sequence[Bar], ident: str) -> str:
    """Bars left (down) or right (up) of a middle line, in percentage points (scaled to the largest change)."""
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    middle_x = LABEL_WIDTH + span / 2
    largest = max((abs(b.value) for b in bars if b.value is not None), default=0.0) or 1.0
    height = PAD * 2 + ROW * len(bars)
    body = [
        f'<line x1="{middle_x:.1f}" y1="{PAD}" x2="{middle_x:.1f}" y2="{height - PAD}" stroke="{INK}" '
        'stroke-width="1"/>'
    ]
    for i, bar in enumerate(bars):
        top = PAD + i * ROW
        middle = top + ROW / 2
        body.append(_label(middle, bar.label))
        if bar.value is not None and bar.value != 0:
            length = (span / 2) * abs(bar.value) / largest
            x = middle_x if bar.value > 0 else middle_x - length
            fill = UP if bar.value > 0 else DOWN
            body.append(
                f'<rect x="{x:.1f}" y="{top + (ROW - BAR) / 2:.1f}" width="{length:.1f}" height="{BAR}" fill="{fill}"/>'
            )
        text = "n/a" if bar.value is None else f"{bar.value:+.1f} pp"
        body.append(
            f'<text x="{LABEL_WIDTH + span + PAD}" y="{middle:.1f}" dominant-baseline="middle" font-size="12" '
            f'fill="{INK}">{text}</text>'
        )
    description = "; ".join(f"{b.label}: {'n/a' if b.value is None else f'{b.value:+.1f} pp'}" for b in bars)
    return _svg(title, description, height, body, ident)
