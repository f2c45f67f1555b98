"""Own site or a page on a shared host: the rule that keeps portal domains out of an organisation's hands."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domeinwacht.web.register.importing.portal import carries_name, claims_domain, is_start_page

CBG = ("acbg", "College ter Beoordeling van Geneesmiddelen", "CBG", "")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.rvo.nl",
        "https://www.rvo.nl/",
        "www.rvo.nl",
        "https://www.ser.nl/nl",
        "https://x.nl/home",
        "x.nl/en/",
    ],
)
def test_a_root_or_start_page_is_the_site(url):
    assert is_start_page(url)


@pytest.mark.parametrize("url", ["https://www.rvo.nl/onderwerpen/grondkamer", "https://x.nl/?page=1", "x.nl/a/b"])
def test_a_deeper_page_is_not_the_site(url):
    assert not is_start_page(url)


def test_the_cbg_page_on_the_government_directory_claims_nothing():
    url = "https://organisaties.overheid.nl/woo/28248840/College_ter_Beoordeling_van_Geneesmiddelen"
    assert not claims_domain(url, "overheid.nl", CBG)


@pytest.mark.parametrize(
    ("domain", "names"),
    [
        ("asten.nl", ("gemeente-asten", "Gemeente Asten", "", "gm0743")),
        ("dijkenwaard.nl", ("gemeente-dijk-en-waard", "Gemeente Dijk en Waard", "", "")),
        ("gemeentewestland.nl", ("gemeente-westland", "Gemeente Westland", "", "")),
        ("hetcak.nl", ("cak", "Centraal Administratie Kantoor", "CAK", "")),
        ("cbg-meb.nl", CBG),
    ],
)
def test_a_domain_named_after_the_body_is_its_own(domain, names):
    assert carries_name(domain, names)


@pytest.mark.parametrize(
    ("domain", "names"),
    [
        ("overheid.nl", CBG),
        ("rijksoverheid.nl", ("min-fin", "Ministerie van Financiën", "FIN", "")),
        ("rvo.nl", ("grondkamer-noord", "Grondkamer Noord", "", "")),
    ],
)
def test_a_domain_named_after_someone_else_is_not(domain, names):
    assert not carries_name(domain, names)


@given(st.text(max_size=200))
def test_any_text_as_a_url_gives_an_answer_not_an_exception(text):
    assert claims_domain(text, "example.nl", CBG) in (True, False)
