"""The host name in what someone types into the search box."""

from __future__ import annotations

import pytest

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
