"""Every web check id of CHECKS.md is registered once, on the right area, and evaluates the green site."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from domeinwacht.checks.registry import CheckContext, evaluate, registered
from domeinwacht.checks.result import Status
from domeinwacht.observations.web import WebObservation
from domeinwacht.serde import from_jsonable, to_jsonable

from .builders import green

CHECKS_MD = Path(__file__).resolve().parents[3] / "shared" / "standards" / "CHECKS.md"
OURS = {
    "web.ipv6.aaaa": ("web",),
    "web.ipv6.reach": ("web",),
    "web.ipv6.same_content": ("web",),
    "web.https.available": ("web",),
    "web.https.redirect": ("web",),
    "web.hsts": ("web",),
    "web.http.compression": ("web",),
    "web.headers.x_frame_options": ("web",),
    "web.headers.x_content_type_options": ("web",),
    "web.headers.referrer_policy": ("web",),
    "web.headers.csp": ("web",),
    "web.security_txt": ("web",),
    "web.dane": ("web", "web_tls"),
}


def test_every_web_check_is_registered_on_its_areas():
    checks = registered()
    for check_id, areas in OURS.items():
        assert check_id in checks, check_id
        assert checks[check_id].areas == areas


def test_every_id_is_in_the_catalogue():
    assert CHECKS_MD.exists(), f"{CHECKS_MD} (shared, read-only) is missing"
    catalogue = set(re.findall(r"`(web\.[a-z0-9_.]+)`", CHECKS_MD.read_text(encoding="utf-8")))
    assert set(OURS) <= catalogue


def test_the_green_site_passes_every_web_check_that_needs_only_the_web_area():
    ctx = CheckContext(now=datetime(2026, 1, 1, tzinfo=UTC))
    results = evaluate({"web": green()}, ctx, only_areas={"web"})
    for check_id, areas in OURS.items():
        if areas == ("web",):
            assert results[check_id].status is Status.PASS, (check_id, results[check_id].summary)


def test_the_observation_round_trips_through_json():
    obs = green()
    assert from_jsonable(WebObservation, to_jsonable(obs)) == obs
