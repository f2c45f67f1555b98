"""RPKI without data: the rpki checks say error, and the reason says how to get the data (and where to put it)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from domeinwacht.checks.registry import CheckContext, evaluate
from domeinwacht.checks.result import Status
from domeinwacht.cli import UserError
from domeinwacht.cli._scan_args import add_scan_arguments, scan_options
from domeinwacht.net.bgp import load_tables


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_scan_arguments(parser, timeout=30)
    return parser.parse_args(argv)


def test_without_a_vrp_export_every_rpki_check_errors_naming_rpki_client_routinator_and_the_setting():
    results = evaluate({"web_rpki": load_tables(None, None).observe(["192.0.2.1"])}, CheckContext())
    for check_id in ("web.rpki.roa_exists", "web.rpki.valid"):
        result = results[check_id]
        assert result.status is Status.ERROR, result
        for words in ("rpki-client -j", "routinator vrps --format json", "--vrp-file", "DOMEINWACHT_VRP_FILE"):
            assert words in result.summary, (check_id, words)


def test_without_a_route_table_the_reason_names_routeviews_ris_and_the_setting():
    reason = load_tables(None, None).routes_error or ""
    for words in ("pfx2as.gz", "riswhoisdump", "--pfx2as-file", "DOMEINWACHT_PFX2AS_FILE"):
        assert words in reason, words


def test_the_configured_files_are_used_when_no_flag_is_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    vrps, routes = tmp_path / "json", tmp_path / "pfx2as.txt"
    vrps.write_text(json.dumps({"roas": [{"asn": "AS64500", "prefix": "192.0.2.0/24", "maxLength": 24}]}))
    routes.write_text("192.0.2.0/24 64500\n")
    monkeypatch.setenv("DOMEINWACHT_VRP_FILE", str(vrps))
    monkeypatch.setenv("DOMEINWACHT_PFX2AS_FILE", str(routes))
    options = scan_options(parse())
    assert (options.vrp_file, options.pfx2as_file) == (vrps, routes)


def test_a_flag_overrides_the_configured_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    flagged = tmp_path / "flag.json"
    flagged.write_text("{}")
    monkeypatch.setenv("DOMEINWACHT_VRP_FILE", str(tmp_path / "configured.json"))
    assert scan_options(parse("--vrp-file", str(flagged))).vrp_file == flagged


def test_a_configured_file_that_is_missing_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DOMEINWACHT_VRP_FILE", str(tmp_path / "absent.json"))
    with pytest.raises(UserError, match=r"DOMEINWACHT_VRP_FILE .*absent\.json: no such file"):
        scan_options(parse())
