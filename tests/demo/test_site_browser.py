"""The public site in a real browser (Debian's chromium driven by Playwright), on the demo's data.

The module runs the whole demo once (the lab with every municipality as a <slug>.test domain, all of them measured,
``--no-serve``), derives a second finished measurement from it (``report --policy nl-wdo``: the stored
observations re-scored, no rescan), serves the site from that data directory on a loopback port, and looks at it
the way a visitor does: the map, a click on a municipality, a domain page, the search box, the language switch,
the time control, the table without JavaScript, and axe-core on the main pages. Every expected colour comes from
the measurements' own ``report --format json``.

Run alone and under the lab lock: ``flock /tmp/domeinwacht-lab.lock .venv/bin/pytest tests/demo/test_site_browser.py``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.lab, pytest.mark.timeout(1800)]

PROJECT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = PROJECT / "assets" / "node_modules" / "axe-core" / "axe.min.js"
LIGHTS = {"green", "orange", "red", "grey"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(argv: list[str], env: dict[str, str], timeout: int) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "domeinwacht", *argv],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return done.stdout


@pytest.fixture(scope="module")
def site(shared_data) -> Iterator[dict[str, Any]]:
    if os.geteuid() != 0:
        pytest.fail("the demo needs root (network namespace); CI runs as root", pytrace=False)
    data = PROJECT / "var" / "test-site"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    env = {
        **os.environ,
        "DOMEINWACHT_DATA_DIR": str(data),
        "DOMEINWACHT_GEO_FILE": str(shared_data / "geo" / "gemeente_2025.topojson"),
    }
    env.pop("DATABASE_URL", None)
    _run(["demo", "--organisations", str(shared_data / "organisaties"), "--no-serve"], env, 1500)
    (demo_json,) = (data / "demo" / "reports").glob("demo-*.json")
    demo = json.loads(demo_json.read_text())
    name = demo["measurement"]["name"]
    wdo_json = data / "wdo.json"
    _run(["report", name, "--policy", "nl-wdo", "--format", "json", "-o", str(wdo_json)], env, 600)
    wdo = json.loads(wdo_json.read_text())
    db = sqlite3.connect(data / "domeinwacht.sqlite3")
    ids = dict(db.execute("select name, id from measurements_measurement"))
    port = _free_port()
    server = subprocess.Popen(  # the production server (gunicorn, whitenoise, the service's headers and CSP)
        [sys.executable, "-m", "domeinwacht", "serve", "--port", str(port)],
        # plain http on loopback: the CSRF cookie of the language form must not be Secure-only
        env={**env, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_SECURE_COOKIES": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield {
            "url": f"http://127.0.0.1:{port}",
            "demo": demo,
            "wdo": wdo,
            "demo_id": ids[name],
            "wdo_id": ids[wdo["measurement"]["name"]],
            "db": db,
        }
    finally:
        server.terminate()
        server.wait(timeout=60)
        db.close()
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL", bypass_csp=True)  # bypass: axe-core is injected as a script
    yield context.new_page()
    context.close()


def _shape_lights(page) -> dict[str, str]:
    """Organisation name -> colour class of every linked shape on the map."""
    found = page.eval_on_selector_all(
        "svg.map__svg path.shape",
        "els => els.map(e => [(e.closest('a') || e).getAttribute('aria-label'), e.getAttribute('class')])",
    )
    out = {}
    for label, css in found:
        out[label.split(":", 1)[0]] = re.search(r"light-(\w+)", css).group(1)
    return out


def _expected(report: dict[str, Any]) -> dict[str, str]:
    return {
        o["organisation"]: o["traffic_light"] for o in report["organisations"] if o["organisation_type"] == "gemeente"
    }


def test_the_map_shows_342_municipalities_coloured_by_the_demo_measurement(site, page):
    page.goto(f"{site['url']}/?measurement={site['demo_id']}")
    lights = _shape_lights(page)
    assert page.locator("svg.map__svg path.shape").count() == 342
    expected = _expected(site["demo"])
    assert len(expected) == 342
    assert {name: lights.get(name) for name in expected} == expected
    assert set(lights.values()) <= LIGHTS
    assert page.get_by_text("Gesimuleerde labdata").first.is_visible()


def test_clicking_a_municipality_opens_its_page(site, page):
    page.goto(site["url"] + "/")
    page.locator('a[aria-label^="Gemeente Amsterdam:"]').click()
    page.wait_for_url("**/organisatie/gemeente-amsterdam/**")
    assert page.locator("h1").inner_text() == "Gemeente Amsterdam"


def test_a_domain_page_lists_every_check_with_its_evidence(site, page):
    stored = (
        site["db"]
        .execute(
            "select count(*) from measurements_checkoutcome c join measurements_result r on c.result_id = r.id "
            "where r.domain = 'amsterdam.test' and r.measurement_id = ?",
            (site["demo_id"],),
        )
        .fetchone()[0]
    )
    page.goto(f"{site['url']}/domein/amsterdam.test/?measurement={site['demo_id']}")
    checks = page.locator("article.check")
    assert stored > 40 and checks.count() == stored
    assert page.locator("article.check details.evidence-raw").count() == stored
    hsts = page.locator("#check-web\\.hsts table.evidence")
    assert "198.51.100." in hsts.inner_text()  # evidence per address and port


def test_an_organisation_page_shows_the_contacts_of_its_security_txt(site, page):
    slug, evidence = (
        site["db"]
        .execute(
            "select o.slug, c.evidence from measurements_checkoutcome c"
            " join measurements_result r on c.result_id = r.id join measurements_target t on r.target_id = t.id"
            " join register_organisation o on t.organisation_id = o.id"
            " where c.check_id = 'web.security_txt' and c.status = 'pass' and r.measurement_id = ? order by o.slug",
            (site["demo_id"],),
        )
        .fetchone()
    )
    contacts = {c for e in json.loads(evidence)["endpoints"] for c in e.get("contacts", [])}
    page.goto(f"{site['url']}/organisatie/{slug}/?measurement={site['demo_id']}")
    shown = page.locator("#contact-title + p, #contact-title ~ p").all_inner_texts()
    assert contacts and all(any(c in text for text in shown) for c in contacts)


@pytest.mark.parametrize("typed", ["www.amsterdam.nl", "https://www.amsterdam.nl/pad"])
def test_search_shows_gemeente_amsterdam(site, page, typed):
    page.goto(site["url"] + "/zoeken/")
    page.get_by_label("Webadres of hostnaam").fill(typed)
    page.locator("form.search-form button").click()
    assert page.locator(".result__org").inner_text() == "Gemeente Amsterdam"


def test_the_language_switch_changes_the_ui_text(site, page):
    page.goto(site["url"] + "/")
    assert page.locator("h1").inner_text() == "Hoe veilig zijn overheidsdomeinen?"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "How secure are government domains?"
    assert page.locator("html").get_attribute("lang") == "en"


def test_the_time_control_switches_measurement(site, page):
    page.goto(site["url"] + "/")
    lights, latest = _shape_lights(page), _expected(site["wdo"])  # the latest: the nl-wdo re-score
    assert {n: lights[n] for n in latest} == latest
    page.select_option("#measurement", str(site["demo_id"]))
    page.locator("form.time-control button").click()
    page.wait_for_url(f"**measurement={site['demo_id']}**")
    lights = _shape_lights(page)
    assert {n: lights[n] for n in _expected(site["demo"])} == _expected(site["demo"])
    assert _expected(site["demo"]) != _expected(site["wdo"])  # the two measurements do differ


def test_the_table_sorts_without_javascript(site, browser):
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    page.goto(site["url"] + "/")
    page.locator("#municipality-table thead a", has_text="Aandeel dat voldoet").click()
    page.wait_for_url("**sort=compliance**")
    cells = page.locator("#municipality-table tbody tr td:nth-child(3)").all_inner_texts()
    values = [float(c.rstrip("%").replace(",", ".")) for c in cells if c.strip() != "—%"]
    assert len(cells) == 342 and values == sorted(values)
    context.close()


@pytest.mark.parametrize(
    "path",
    ["/", "/organisatie/gemeente-amsterdam/", "/domein/amsterdam.test/", "/statistiek/", "/zoeken/?q=amsterdam.nl"],
)
def test_axe_finds_no_serious_or_critical_violation(site, page, path):
    page.goto(site["url"] + path)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run()).violations")
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []
