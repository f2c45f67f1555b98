"""Where an alert goes (monitor/routing.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domeinwacht.monitor.routing import Source, mailto_addresses, route


def test_a_security_txt_mailto_contact_comes_first():
    chosen = route(["mailto:security@example.nl"], ["csirt@example.nl"], ["info@example.nl"])
    assert chosen.recipients == ("security@example.nl",)
    assert chosen.source is Source.SECURITY_TXT


def test_without_a_mailto_in_security_txt_the_registered_security_contact_is_used():
    chosen = route(["https://example.nl/report", "tel:+31201234567"], ["csirt@example.nl"], ["info@example.nl"])
    assert chosen == route([], ["csirt@example.nl"], [])
    assert chosen.source is Source.SECURITY_CONTACT


def test_without_a_security_contact_the_general_contact_is_used():
    chosen = route([], [], ["info@example.nl"])
    assert chosen.recipients == ("info@example.nl",)
    assert chosen.source is Source.GENERAL_CONTACT


def test_without_any_contact_the_route_says_none():
    chosen = route([], [], [])
    assert chosen.recipients == ()
    assert chosen.source is Source.NONE


def test_a_mailto_is_percent_decoded_and_its_query_dropped():
    assert mailto_addresses(["mailto:security%40example.nl?subject=vuln"]) == ("security@example.nl",)


def test_several_addresses_in_one_mailto_are_split_and_deduplicated():
    assert mailto_addresses(["mailto:a@example.nl,b@example.nl", "MAILTO:A@example.nl"]) == (
        "a@example.nl",
        "b@example.nl",
    )


def test_an_address_with_header_breaking_characters_is_dropped():
    assert mailto_addresses(["mailto:evil@example.nl%0d%0aBcc:x@example.org"]) == ()


@given(st.lists(st.text(max_size=40), max_size=5))
def test_mailto_parsing_never_raises_and_returns_plain_addresses(contacts):
    for address in mailto_addresses(contacts):
        assert "@" in address and "\n" not in address and "\r" not in address and " " not in address
