"""The report's SVG charts: bar lengths follow the figures, texts are escaped, a missing figure says n/a."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from domeinwacht.web.reports.charts import LABEL_WIDTH, VALUE_WIDTH, WIDTH, Bar, change_bars, percentage_bars

SPAN = WIDTH - LABEL_WIDTH - VALUE_WIDTH
NS = "{http://www.w3.org/2000/svg}"


def bar_widths(svg: str) -> list[float]:
    rects = ET.fromstring(svg).iter(f"{NS}rect")
    return [float(r.get("width")) for r in rects if r.get("fill") not in {"#e6e6e6"}]


def test_a_bar_is_as_long_as_its_share_of_the_track():
    svg = percentage_bars("t", [Bar("HSTS", 50.0), Bar("TLS", 100.0)], "c")
    assert bar_widths(svg) == [SPAN / 2, SPAN]


def test_a_missing_figure_draws_no_bar_and_says_n_a():
    svg = percentage_bars("t", [Bar("TLS", None)], "c")
    assert bar_widths(svg) == []
    assert ">n/a</text>" in svg


def test_labels_and_titles_are_escaped():
    svg = percentage_bars("<b>", [Bar('<script>"x"', 10.0)], "c")
    ET.fromstring(svg)  # well-formed
    assert "<script>" not in svg and "<b>" not in svg


def test_the_chart_has_a_title_and_description_for_screen_readers():
    root = ET.fromstring(percentage_bars("Adoptie", [Bar("HSTS", 12.5)], "c"))
    assert root.get("role") == "img"
    assert root.find(f"{NS}title").text == "Adoptie"
    assert root.find(f"{NS}desc").text == "HSTS: 12.5%"


def test_change_bars_go_right_for_a_rise_and_left_for_a_fall():
    svg = change_bars("t", [Bar("up", 10.0), Bar("down", -5.0)], "c")
    rects = [r for r in ET.fromstring(svg).iter(f"{NS}rect")]
    middle = LABEL_WIDTH + SPAN / 2
    assert float(rects[0].get("x")) == middle and float(rects[0].get("width")) == SPAN / 2
    assert float(rects[1].get("x")) + float(rects[1].get("width")) == middle
    assert "+10.0 pp" in svg and "-5.0 pp" in svg


def test_no_style_attribute_anywhere():
    svg = percentage_bars("t", [Bar("a", 1.0)], "c") + change_bars("t", [Bar("a", 1.0)], "c")
    assert not re.search(r"\sstyle=", svg)


@given(st.lists(st.one_of(st.none(), st.floats(min_value=-50, max_value=150, allow_nan=False)), max_size=12))
def test_bars_stay_inside_the_track_whatever_the_figures(values):
    svg = percentage_bars("t", [Bar(str(i), v) for i, v in enumerate(values)], "c")
    assert all(0 <= w <= SPAN for w in bar_widths(svg))
