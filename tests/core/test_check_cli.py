"""`domeinwacht check`: the exit-status contract of docs/CHECK_OUTPUT.md (no network beyond loopback)."""

from __future__ import annotations

import json
import socket

import pytest

from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.cli import main
from domeinwacht.cli.check import render_text, report_json


def _closed_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("bad", ["exa mple.nl", "a..nl", "a" * 64 + ".nl", "ftp://example.nl/path"])
def test_an_invalid_domain_is_one_line_and_exit_2(bad, fmt, capsys):
    assert main(["check", bad, "--format", fmt]) == 2
    err = capsys.readouterr().err
    assert err.startswith("domeinwacht: error: ")
    assert err.count("\n") == 1


def test_a_malformed_resolver_is_refused(capsys):
    assert main(["check", "example.nl", "--resolver", "not-an-ip"]) == 2
    assert "--resolver 'not-an-ip'" in capsys.readouterr().err


def test_a_missing_ca_file_is_refused(tmp_path, capsys):
    assert main(["check", "example.nl", "--resolver", "127.0.0.1", "--ca-file", str(tmp_path / "x.pem")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_an_unreachable_resolver_is_one_line_and_exit_2(capsys):
    port = _closed_udp_port()
    assert main(["check", "example.nl", "--resolver", f"127.0.0.1:{port}", "--timeout", "5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"domeinwacht: error: resolver 127.0.0.1:{port} does not answer: ")
    assert err.rstrip().endswith("(preflight; --skip-preflight measures anyway)")
    assert err.count("\n") == 1


def test_lab_option_without_a_running_lab_is_refused(capsys, monkeypatch):
    import domeinwacht.lab

    monkeypatch.setattr(domeinwacht.lab, "is_up", lambda: False)
    assert main(["check", "example.nl", "--lab"]) == 2
    assert "the lab is not up" in capsys.readouterr().err


def test_json_report_has_the_documented_shape():
    results = {
        "web.hsts": CheckResult("web.hsts", Status.FAIL, "too short", {"max_age": 5}, "raise max-age"),
        "dns.caa": CheckResult("dns.caa", Status.PASS, "ok"),
    }
    body = json.loads(json.dumps(report_json("example.nl", "ncsc-2025-05", results)))
    assert body["domain"] == "example.nl"
    assert body["profile"] == "ncsc-2025-05"
    assert body["checks"]["web.hsts"] == {
        "status": "fail",
        "summary": "too short",
        "evidence": {"max_age": 5},
        "remedy": "raise max-age",
    }
    assert body["score"]["counts"]["fail"] == 1
    assert body["score"]["counts"]["pass"] == 1


def test_json_and_text_say_which_hosts_were_tested_and_why():
    from domeinwacht.hosts import typed_target

    target = typed_target("www.example.nl")
    body = report_json(target.domain, "ncsc-2025-05", {}, target=target.to_json())
    assert body["typed"] == "www.example.nl"
    assert [h["host"] for h in body["hosts"]] == ["www.example.nl", "example.nl"]
    text = render_text(body)
    assert "  tested www.example.nl: as typed\n" in text
    assert "  tested example.nl: the domain of www.example.nl" in text


def test_text_report_groups_by_category_and_shows_remedies_of_failures_only():
    results = {
        "web.hsts": CheckResult("web.hsts", Status.FAIL, "too short", {}, "raise max-age"),
        "dns.caa": CheckResult("dns.caa", Status.PASS, "ok", {}, "never shown"),
    }
    text = render_text(report_json("example.nl", "ncsc-2025-05", results))
    assert "  DNS\n    [PASS] dns.caa: ok" in text
    assert "[FAIL] web.hsts: too short\n           remedy: raise max-age" in text
    assert "never shown" not in text


def test_an_unusable_trust_anchor_file_is_refused_before_scanning(tmp_path, capsys):
    anchor = tmp_path / "anchor.txt"
    anchor.write_text("this is not a DS or DNSKEY record\n")
    assert main(["check", "example.nl", "--resolver", "127.0.0.1", "--trust-anchor", str(anchor)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"domeinwacht: error: --trust-anchor {anchor}: ")
    assert err.count("\n") == 1


def test_an_unknown_dmarc_specification_is_refused(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["check", "example.nl", "--dmarc", "rfc9999"])
    assert raised.value.code == 2
    assert "rfc9999" in capsys.readouterr().err


def test_the_check_context_carries_the_dmarc_specification():
    from domeinwacht.scan.env import ScanOptions
    from domeinwacht.scan.single import check_context

    assert check_context(ScanOptions()).dmarc_spec == "rfc7489"
    assert check_context(ScanOptions(), dmarc_spec="dmarcbis").dmarc_spec == "dmarcbis"
