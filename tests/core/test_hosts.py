"""What a typed name means: the domain measured and the hosts tested (hosts.typed_target, hosts.web_hosts)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domeinwacht.hosts import typed_target, web_hosts
from domeinwacht.names import InvalidName


def _hosts(text: str) -> list[str]:
    return [h.host for h in typed_target(text).hosts]


def test_a_www_name_is_tested_as_typed_plus_its_domain_never_www_www():
    target = typed_target("www.rijksoverheid.nl")
    assert target.domain == "rijksoverheid.nl"
    assert _hosts("www.rijksoverheid.nl") == ["www.rijksoverheid.nl", "rijksoverheid.nl"]
    assert web_hosts(target.domain) == ("rijksoverheid.nl", "www.rijksoverheid.nl")


def test_a_bare_domain_is_tested_with_its_www():
    assert typed_target("Amsterdam.NL.").domain == "amsterdam.nl"
    assert _hosts("amsterdam.nl") == ["amsterdam.nl", "www.amsterdam.nl"]


def test_a_url_is_accepted_and_its_host_used():
    target = typed_target("https://www.rijksoverheid.nl/onderwerpen?x=1")
    assert target.domain == "rijksoverheid.nl"
    assert target.hosts[0].why == "the host of the URL https://www.rijksoverheid.nl/onderwerpen?x=1"


def test_each_host_says_why_it_is_tested():
    why = {h.host: h.why for h in typed_target("www.example.nl").hosts}
    assert why["www.example.nl"] == "as typed"
    assert why["example.nl"].startswith("the domain of www.example.nl")


def test_www_before_a_public_suffix_is_kept_as_the_domain():
    assert typed_target("www.co.uk").domain == "www.co.uk"
    assert _hosts("www.co.uk") == ["www.co.uk"]


def test_web_hosts_never_prefix_www_twice():
    assert web_hosts("www.example.nl") == ("www.example.nl",)


def test_a_non_web_url_is_refused_with_the_reason():
    with pytest.raises(InvalidName, match="scheme 'ftp' is not a web address"):
        typed_target("ftp://example.nl/")


@given(st.text(max_size=80))
def test_any_text_gives_a_target_or_invalid_name(text):
    try:
        target = typed_target(text)
    except InvalidName:
        return
    assert not target.domain.startswith("www.www.")
    assert all(not h.host.startswith("www.www.") or text.strip().lower().startswith("www.www.") for h in target.hosts)
    assert target.domain in [h.host for h in target.hosts]
