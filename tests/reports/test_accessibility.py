"""axe-core (npm, injected by Playwright into Debian's chromium) finds no serious or critical violation on the
report page, the open-data page and the API documentation, served by a live server on loopback.

axe-core comes from the assets build (``assets/node_modules/axe-core``, installed by the bootstrap from the npm
registry); ``AXE_CORE_JS`` points elsewhere. Without chromium or axe-core the test says why it cannot run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from measurements.factories import stored

PROJECT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = Path(os.environ.get("AXE_CORE_JS", PROJECT / "assets" / "node_modules" / "axe-core" / "axe.min.js"))

GOOD = {"web.https.available": "pass", "web.https.redirect": "pass", "web.hsts": "pass"}
NO_HSTS = {**GOOD, "web.hsts": "fail"}

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"needs Debian's chromium at {CHROMIUM}"),
    pytest.mark.skipif(not AXE.is_file(), reason=f"needs axe-core at {AXE} (scripts/bootstrap.sh installs it)"),
]


@pytest.fixture
def pages(live_server, monkeypatch):
    stored([("a.example.nl", "Gemeente A", "gemeente", NO_HSTS)], name="2026-H1", simulated=True)
    stored(
        [("a.example.nl", "Gemeente A", "gemeente", GOOD), ("c.example.nl", "Provincie C", "provincie", NO_HSTS)],
        name="2026-H2",
        simulated=True,
    )
    # Playwright's sync API runs an event loop in this thread; the data is written, the server is another thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return live_server.url


def serious_violations(page) -> list[tuple[str, str, int]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    assert len(result["passes"]) > 10, "axe-core ran its rules"
    return [
        (v["id"], v["impact"], len(v["nodes"])) for v in result["violations"] if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("path", ["/rapport/2026-H2/", "/rapport/", "/data/", "/api/v1/docs"])
def test_no_serious_or_critical_accessibility_violation(pages, path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page(bypass_csp=True)  # axe-core is injected as a script
            response = page.goto(pages + path)
            assert response is not None and response.status == 200
            assert serious_violations(page) == []
        finally:
            browser.close()
