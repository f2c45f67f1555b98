"""Whether a web address of an organisation is its own site or a page about it on someone else's (shared) site.

The organisation data gives, as a body's website, pages such as
``https://organisaties.overheid.nl/woo/28248840/College_ter_Beoordeling_van_Geneesmiddelen`` (the CBG's entry in
the government's own directory), ``https://www.rijksoverheid.nl/ministeries/ministerie-van-financien`` (15 ministries
on one portal) or ``https://www.rvo.nl/onderwerpen/pachten-en-pachtovereenkomsten/grondkamer`` (a board's page on
its host agency's site). Such a page says where the body is described, not which domain it owns: taken as a claim it
made the CBG owner of ``overheid.nl``.

The rule: a web address claims its registered domain when it is the site itself — the root, or a start page such as
``/home``, ``/nl`` or ``/index.html`` — or when the domain carries the body's own name (``www.asten.nl/contact`` for
Gemeente Asten). A deeper page on a domain named after someone else is a page on a shared host, and claims nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

# Paths that are the site's start page rather than a page on it: a language, a home or index page.
_START_PAGE = re.compile(r"^/?(?:[a-z]{2}(?:[-_][a-z]{2})?|home|start|index\.(?:html?|php|aspx?))?/?$", re.IGNORECASE)

# Words of organisation keys that say what kind of body it is, not which one.
_GENERIC = frozenset(
    {
        "gemeente",
        "provincie",
        "waterschap",
        "hoogheemraadschap",
        "ministerie",
        "agentschap",
        "zbo",
        "van",
        "voor",
        "de",
        "het",
        "en",
        "der",
        "bv",
        "nv",
        "stichting",
        "zorgkantoor",
        "regionale",
        "nationale",
        "nederland",
        "nederlandse",
        "raad",
        "commissie",
        "college",
        "dienst",
        "rijksdienst",
        "bureau",
        "autoriteit",
        "kamer",
        "kamers",
    }
)


def is_start_page(url: str) -> bool:
    """Whether ``url`` (scheme optional) points at a site's root or start page, without a query."""
    text = url.strip()
    if "://" not in text:
        text = "http://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return not parts.query and bool(_START_PAGE.match(parts.path))


def _words(names: Iterable[str]) -> set[str]:
    words: set[str] = set()
    for name in names:
        for word in re.split(r"[^a-z0-9]+", name.casefold()):
            if word and word not in _GENERIC:
                words.add(word)
    return words


def carries_name(domain: str, names: Iterable[str]) -> bool:
    """Whether the first label of ``domain`` is named after the body: it is one of the body's distinctive words
    (``cbs``, ``asten``), begins or ends with one of at least three letters (``hetcak``, ``cbg-meb``), holds one of
    at least five (``gemeentewestland``), or is its words run together (``dijkenwaard`` for
    ``gemeente-dijk-en-waard``)."""
    label = domain.split(".", 1)[0].replace("-", "")
    names = list(names)
    words = _words(names)
    if label in words:
        return True
    if any(len(word) >= 3 and (label.startswith(word) or label.endswith(word)) for word in words):
        return True
    if any(len(word) >= 5 and word in label for word in words):
        return True
    joined = ["".join(w for w in re.split(r"[^a-z0-9]+", n.casefold()) if w) for n in names]
    return len(label) >= 4 and any(label in run for run in joined)


def claims_domain(url: str, domain: str, names: Iterable[str]) -> bool:
    """Whether the web address ``url`` of a body with ``names`` (key, name, abbreviation, code) makes it a
    candidate owner of ``domain`` (the registered domain of the address's host); see the module docstring."""
    return is_start_page(url) or carries_name(domain, names)
