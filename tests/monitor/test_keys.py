"""The dedup key of a finding (monitor/keys.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domeinwacht.monitor.keys import dedup_key

names = st.from_regex(r"[a-z0-9-]{1,20}(\.[a-z0-9-]{1,20}){0,3}", fullmatch=True)
check_ids = st.from_regex(r"[a-z]{2,6}(\.[a-z_]{2,12}){1,2}", fullmatch=True)


def test_the_key_is_a_fixed_sha256_so_it_is_stable_across_releases():
    assert dedup_key("www.example.nl", "web.hsts") == "03a96107530af3c25eff44300f3a71b4e431fd49214ddfe422e14ef83dc01667"


def test_case_and_a_trailing_dot_do_not_change_the_key():
    assert dedup_key("WWW.Example.NL.", "web.hsts") == dedup_key("www.example.nl", "web.hsts")


def test_a_separator_in_a_name_is_refused():
    with pytest.raises(ValueError):
        dedup_key("a\x1fb", "web.hsts")


@given(names, check_ids, names, check_ids)
def test_different_pairs_have_different_keys(s1, c1, s2, c2):
    assert (dedup_key(s1, c1) == dedup_key(s2, c2)) == ((s1, c1) == (s2, c2))
