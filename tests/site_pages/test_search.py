"""The host name in what someone types into the search box."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domeinwacht.web.public.views import host_of


@pytest.mark.parametrize(
    ("text", "host"),
    [
        ("www.amsterdam.nl", "www.amsterdam.nl"),
        ("https://www.amsterdam.nl/pad", "www.amsterdam.nl"),
        ("HTTP://WWW.Amsterdam.NL:8080/pad?q=1", "www.amsterdam.nl"),
        ("//www.amsterdam.nl/pad", "www.amsterdam.nl"),
        ("www.amsterdam.nl/pad", "www.amsterdam.nl"),
        ("  amsterdam.nl  ", "amsterdam.nl"),
        ("https://[2001:db8::1]/", "2001:db8::1"),
    ],
)
def test_a_url_gives_its_host(text, host):
    assert host_of(text).lower() == host


@pytest.mark.parametrize("text", ["http://[abc", "//[x", "http://[::1"])
def test_a_url_without_a_readable_host_gives_no_host(text):
    assert host_of(text) == ""


@given(st.text(max_size=200) | st.builds(lambda s: "http://" + s, st.text(max_size=50)))
def test_any_typed_text_gives_a_string_without_failing(text):
    assert isinstance(host_of(text), str)
