"""The RFC 7208 test suite (openspf.org 2014.04, ../shared/data/spf): every test gives one of its results."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml

from domeinwacht.mail.spf import spf_verdict

from .spf_zone import ZoneDns, load_zone

SUITE = Path(__file__).resolve().parents[3] / "shared" / "data" / "spf" / "rfc7208-tests.yml"


def _cases() -> list[Any]:
    params = []
    with SUITE.open(encoding="utf-8") as fh:
        for section in yaml.safe_load_all(fh):
            for name in section["tests"]:
                params.append(pytest.param(section["description"], name, id=name))
    return params


@pytest.fixture(scope="module")
def suite(shared_data: Path) -> dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]]:
    cases = {}
    with (shared_data / "spf" / "rfc7208-tests.yml").open(encoding="utf-8") as fh:
        for section in yaml.safe_load_all(fh):
            zone = load_zone(section["zonedata"])
            for name, test in section["tests"].items():
                cases[(section["description"], name)] = (zone, test)
    return cases


@pytest.mark.parametrize(("section", "name"), _cases())
def test_rfc7208_suite_gives_an_expected_result(suite: dict[Any, Any], section: str, name: str) -> None:
    zone, test = suite[(section, name)]
    dns = ZoneDns(zone)
    outcome = asyncio.run(spf_verdict(test["host"], test["mailfrom"], test["helo"], dns))
    expected = test["result"] if isinstance(test["result"], list) else [test["result"]]
    assert outcome.result.value in expected, f"{outcome} (asked {dns.questions})"
    if "explanation" in test and outcome.result.value == "fail":
        if test["explanation"] == "DEFAULT":
            assert outcome.explanation is None
        else:
            # The suite writes IPv6 nibbles in upper case; RFC 7208 7.4 writes them in lower case and DNS
            # names compare case-insensitively, so the comparison is case-insensitive.
            assert (outcome.explanation or "").lower() == test["explanation"].lower()
