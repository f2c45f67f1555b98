"""The public pages, rendered by Django from stored measurements (the browser tests use the demo's data)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from domeinwacht.web.public import figures
from measurements.factories import stored
from register.factories import ContactFactory, DomainFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

TLS = [
    "web.tls.versions",
    "web.tls.ciphers",
    "web.tls.cipher_order",
    "web.tls.kex_groups",
    "web.tls.kex_hash",
    "web.tls.compression",
    "web.tls.secure_renegotiation",
    "web.tls.client_renegotiation",
    "web.tls.zero_rtt",
    "web.cert.trust",
    "web.cert.hostname",
    "web.cert.pubkey",
    "web.cert.signature",
    "web.cert.expiry",
]
GOOD = {"web.https.available": "pass", "web.https.redirect": "pass", "web.hsts": "pass"} | dict.fromkeys(TLS, "pass")
NO_HSTS = {**GOOD, "web.hsts": "fail"}
PAGES = ("/", "/organisatie/gemeente-amsterdam/", "/domein/amsterdam.nl/", "/zoeken/?q=amsterdam.nl", "/statistiek/")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()  # test databases reuse measurement ids
    figures.forget()
    yield
    cache.clear()
    figures.forget()


@pytest.fixture
def site():
    amsterdam = OrganisationFactory(name="Gemeente Amsterdam", slug="gemeente-amsterdam", organisatiecode="gm0363")
    groningen = OrganisationFactory(name="Gemeente Groningen", slug="gemeente-groningen", organisatiecode="gm0014")
    utrecht = OrganisationFactory(name="Provincie Utrecht", slug="provincie-utrecht", type="provincie")
    DomainFactory(name="amsterdam.nl", owner=amsterdam)
    ContactFactory(organisation=amsterdam, email="security@amsterdam.nl", role="security")
    ids = {"amsterdam.nl": amsterdam.pk, "groningen.nl": groningen.pk, "utrecht.nl": utrecht.pk}
    first = stored(
        [
            ("amsterdam.nl", amsterdam.name, "gemeente", NO_HSTS),
            ("groningen.nl", groningen.name, "gemeente", GOOD),
            ("utrecht.nl", utrecht.name, "provincie", NO_HSTS),
        ],
        name="2026-H1",
        simulated=True,
        organisation_ids=ids,
    )
    second = stored(
        [
            ("amsterdam.nl", amsterdam.name, "gemeente", GOOD),
            ("groningen.nl", groningen.name, "gemeente", NO_HSTS),
            ("utrecht.nl", utrecht.name, "provincie", NO_HSTS),
        ],
        name="2026-H2",
        simulated=True,
        organisation_ids=ids,
    )
    return {"first": first, "second": second}


def page(url: str, language: str = "nl") -> str:
    client = Client()
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, response.content[:2000]
    return response.content.decode()


def shape(html: str, name: str) -> str:
    found = re.search(r'<a href="[^"]*" aria-label="' + name + r'[^"]*"><path class="shape light-(\w+)"', html)
    assert found, f"no shape for {name}"
    return found.group(1)


def test_the_map_draws_every_municipality_of_the_boundary_file(site):
    assert page("/").count('class="shape light-') == 342


def test_a_municipality_is_coloured_by_its_traffic_light_in_the_latest_measurement(site):
    html = page("/")
    assert (shape(html, "Gemeente Amsterdam"), shape(html, "Gemeente Groningen")) == ("green", "red")


def test_a_shape_links_to_its_organisation_page_with_an_accessible_name(site):
    assert re.search(r'<a href="/organisatie/gemeente-amsterdam/" aria-label="Gemeente Amsterdam: groen', page("/"))


def test_a_municipality_without_an_organisation_in_the_register_is_grey_and_no_link(site):
    assert re.search(r'<path class="shape light-grey" d="[^"]+" role="img" aria-label="Texel: grijs', page("/"))


def test_the_time_control_shows_an_earlier_measurement(site):
    html = page(f"/?measurement={site['first'].pk}")
    assert shape(html, "Gemeente Amsterdam") == "red" and shape(html, "Gemeente Groningen") == "green"


def test_colouring_by_one_standard_uses_that_standards_verdict(site):
    html = page(f"/?measurement={site['first'].pk}&standard=HTTPS")
    assert shape(html, "Gemeente Amsterdam") == "green"


def test_an_unknown_standard_says_so_and_falls_back_to_the_traffic_light(site):
    html = page("/?standard=Bogus")
    assert "geen standaard Bogus" in html and shape(html, "Gemeente Amsterdam") == "green"


def test_the_headline_figure_states_its_definition(site):
    html = page("/")
    assert "1 van de 3 gemeten domeinen" in html and "nl-wdo" in html and "Definitie" in html


def test_the_table_is_sorted_on_the_server(site):
    html = page("/?sort=-compliance")
    table = html[html.index('id="municipality-table"') :]
    assert table.index("Gemeente Amsterdam") < table.index("Gemeente Groningen")
    html = page("/?sort=compliance")
    table = html[html.index('id="municipality-table"') :]
    assert table.index("Gemeente Groningen") < table.index("Gemeente Amsterdam")


def test_most_improved_compares_with_the_previous_measurement(site):
    html = page("/")
    improved = html[html.index("Meest verbeterd: gemeenten") :]
    assert "Gemeente Amsterdam" in improved[:600]


def test_other_layers_are_listed(site):
    html = page("/")
    assert "Provincies" in html and "Provincie Utrecht" in html


def test_every_page_showing_a_simulated_measurement_shows_the_lab_banner(site):
    for url in (u for u in PAGES if not u.startswith("/zoeken/")):
        assert "Gesimuleerde labdata" in page(url), url


def test_a_real_measurement_has_no_banner():
    org = OrganisationFactory(slug="gemeente-x")
    stored([("x.nl", org.name, "gemeente", GOOD)], name="real", organisation_ids={"x.nl": org.pk})
    assert "Gesimuleerde labdata" not in page("/")


def test_pages_have_no_inline_script_or_style(site):
    for url in PAGES:
        html = page(url)
        assert "<script" not in html and "<style" not in html and " style=" not in html, url


def test_the_organisation_page_shows_status_domains_history_and_contact(site):
    html = page("/organisatie/gemeente-amsterdam/")
    assert "Gemeente Amsterdam" in html and "amsterdam.nl" in html
    assert html.count('class="chart__dot') == 2  # one point per measurement
    assert "security@amsterdam.nl" in html and "pas toe of leg uit" in html


def test_the_domain_page_lists_every_check_with_evidence_remedy_and_legal_source(site):
    html = page("/domein/amsterdam.nl/")
    for check_id in GOOD:
        assert f'id="check-{check_id}"' in html
    assert "192.0.2.1" in html  # the stored evidence
    assert "Vereist door" in html


def test_the_domain_page_shows_first_and_last_seen_and_history_per_check(site):
    html = page(f"/domein/amsterdam.nl/?measurement={site['first'].pk}")
    assert "2026-H1" in html and "2026-H2" in html
    assert "fix it" in html  # the remedy of the failing check in the first measurement


def test_an_unmeasured_domain_is_404(site):
    assert Client().get("/domein/nowhere.nl/").status_code == 404


@pytest.mark.parametrize("query", ["www.amsterdam.nl", "https://www.amsterdam.nl/pad"])
def test_search_finds_the_owner_of_a_host_or_url(site, query):
    html = page(f"/zoeken/?q={query}")
    assert '<a class="utrecht-link" href="/organisatie/gemeente-amsterdam/">Gemeente Amsterdam</a>' in html


def test_search_for_an_unknown_host_says_not_found(site):
    assert "Niet gevonden" in page("/zoeken/?q=www.example.com")


def test_search_for_a_url_without_a_readable_host_is_a_400(site):
    response = Client().get("/zoeken/", {"q": "https://[abc/pad"})
    assert response.status_code == 400 and "Dat is geen hostnaam of URL" in response.content.decode()


def test_search_for_something_that_is_no_host_is_a_400_with_the_reason(site):
    response = Client().get("/zoeken/?q=not a host")
    assert response.status_code == 400 and "Dat is geen hostnaam of URL" in response.content.decode()


def test_statistics_show_a_chart_per_standard_and_the_change_since_the_previous_measurement(site):
    html = page("/statistiek/")
    assert html.count('<svg class="chart"') == 3  # HSTS, HTTPS, TLS of nl-wdo
    assert "sinds 2026-H1" in html


def test_english_is_one_switch_away(site):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/statistiek/"})
    assert response.status_code == 302
    html = client.get("/statistiek/").content.decode()
    assert "Adoption of the standards" in html and "Simulated lab data" in html


def test_dutch_is_the_default(site):
    html = Client().get("/").content.decode()
    assert 'lang="nl"' in html and "Hoe veilig zijn overheidsdomeinen?" in html


def test_without_measurements_the_pages_say_so():
    assert "nog geen afgeronde meting" in page("/") and "nog geen afgeronde meting" in page("/statistiek/")


def test_a_measurement_under_another_profile_is_not_the_previous_one(site):
    org = OrganisationFactory(slug="gemeente-y")
    stored([("y.nl", org.name, "gemeente", GOOD)], name="other", profile="nl-ptolu-2025")
    html = page("/statistiek/")
    assert "sinds" not in html and "geen eerdere meting" not in html
    assert "Er is geen eerdere meting om mee te vergelijken." in page("/")


def test_a_missing_page_is_a_404_page_of_the_site():
    response = Client().get("/domein/nowhere.nl/")
    assert response.status_code == 404 and "Pagina niet gevonden" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/?measurement=abc&standard=%00&sort=%FF",
        "/?measurement=99999999999999999999999",
        "/statistiek/?measurement=-1",
        "/organisatie/gemeente-amsterdam/?measurement=%00",
        "/domein/amsterdam.nl/?measurement=x",
        "/domein/%00/",
        "/domein/" + "a" * 300 + ".nl/",
        "/zoeken/?q=%00",
        "/zoeken/?q=" + "x" * 3000,
        "/zoeken/?q=http://%5Babc",
    ],
)
def test_malformed_parameters_never_give_a_server_error(site, url):
    assert Client().get(url).status_code < 500
