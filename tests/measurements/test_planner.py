"""The planner: target lists are read lazily, normalised, deduplicated, cut in batches; bad lines are named."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domeinwacht.scan.planner import InvalidTarget, batched, normalise_domain, read_domains


def test_names_are_lower_case_a_labels_without_trailing_dot():
    assert normalise_domain(" Gemeente-Ümmen.NL. ") == "xn--gemeente-mmen-4ob.nl"


def test_comments_blank_lines_and_repeats_are_skipped():
    lines = ["# gemeenten\n", "\n", "amsterdam.nl\n", "AMSTERDAM.nl  # again\n", "utrecht.nl,gm0344\n"]
    assert list(read_domains(lines)) == ["amsterdam.nl", "utrecht.nl"]


def test_a_bad_line_is_reported_with_its_number():
    with pytest.raises(InvalidTarget, match=r"line 2: .http://x\.nl/. is not a domain name: a URL"):
        list(read_domains(["a.nl", "http://x.nl/"]))


def test_a_single_label_is_not_a_target():
    with pytest.raises(ValueError, match="single-label"):
        normalise_domain("localhost")


def test_reading_is_lazy():
    endless = (f"d{i}.nl" for i in itertools.count())
    assert list(itertools.islice(read_domains(endless), 3)) == ["d0.nl", "d1.nl", "d2.nl"]


@given(st.lists(st.integers(), max_size=200), st.integers(min_value=1, max_value=50))
def test_batches_keep_every_item_in_order(items, size):
    chunks = list(batched(items, size))
    assert [x for chunk in chunks for x in chunk] == items
    assert all(1 <= len(chunk) <= size for chunk in chunks)


@given(st.text(max_size=300))
def test_normalise_either_returns_a_valid_name_or_raises_value_error(text):
    try:
        name = normalise_domain(text)
    except ValueError:
        return
    assert name == name.lower() and len(name) <= 253 and "." in name
    assert normalise_domain(name) == name
