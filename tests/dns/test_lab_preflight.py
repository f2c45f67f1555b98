"""Issue 15 in the lab: the resolver preflight against the lab's lying resolvers, blame for a broken TLD, and
`check www.<domain>`. The liars are lab/liars.py (a scripted responder, docs/LAB.md) on 198.51.100.7-9."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from domeinwacht.cli import main
from domeinwacht.lab.addresses import LIARS
from domeinwacht.net.preflight import preflight
from domeinwacht.scan.env import ScanEnv
from domeinwacht.scan.observe.dns import trust_anchors

pytestmark = pytest.mark.lab

# Every verdict that rests on DNSSEC validation.
DNSSEC_CHECKS = (
    "dns.dnssec.secure",
    "dns.dnssec.algorithms",
    "mail.dnssec.secure",
    "mail.dane.exists",
    "mail.dane.valid",
    "web.dane",
)
REFUSALS = {
    "nxdomain": "answers NXDOMAIN without records for the root NS set (. NS): it cannot resolve",
    "strip": "strips DNSSEC signatures: the DNSKEY RRset of . comes without RRSIG",
    "rewrite": "rewrites NXDOMAIN: dw-preflight-",
}


def _preflight(lab: Any, resolver: str) -> Any:
    async def go() -> Any:
        env = ScanEnv(lab.scan_options(resolver=(resolver,)))
        return await preflight(env.resolver, await trust_anchors(env), zone=env.options.preflight_zone)

    return asyncio.run(go())


def test_the_labs_validating_resolver_passes_the_preflight(lab: Any) -> None:
    result = _preflight(lab, lab.resolver)
    assert result.ok, result.problem
    assert len(result.steps) == 4


@pytest.mark.parametrize("mode", sorted(LIARS))
def test_a_lying_resolver_is_refused_with_the_reason(lab: Any, mode: str) -> None:
    result = _preflight(lab, LIARS[mode])
    assert not result.ok
    assert result.problem.startswith(REFUSALS[mode]), result.problem


@pytest.mark.parametrize("mode", sorted(LIARS))
def test_check_through_a_liar_exits_2_naming_the_resolver(lab: Any, mode: str, capsys: Any) -> None:
    assert main(["check", "green.test", "--lab", "--resolver", LIARS[mode], "--timeout", "30"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"domeinwacht: error: resolver {LIARS[mode]} {REFUSALS[mode]}")
    assert err.count("\n") == 1


@pytest.mark.parametrize("mode", sorted(LIARS))
def test_with_skip_preflight_no_dnssec_check_fails(lab: Any, mode: str, capsys: Any) -> None:
    argv = ["check", "green.test", "--lab", "--resolver", LIARS[mode], "--skip-preflight", "--format", "json"]
    assert main([*argv, "--timeout", "60"]) == 0
    checks = json.loads(capsys.readouterr().out)["checks"]
    for check_id in DNSSEC_CHECKS:
        assert checks[check_id]["status"] != "fail", (check_id, checks[check_id]["summary"])
    for check_id in ("dns.dnssec.secure", "dns.dnssec.algorithms"):
        assert checks[check_id]["status"] == "error"
        assert "the resolver preflight was skipped" in checks[check_id]["summary"]


def test_a_tld_with_a_broken_ds_is_an_error_naming_the_tld(lab: Any, capsys: Any) -> None:
    assert main(["check", "tld-ds-broken.example", "--lab", "--format", "json", "--web", "--timeout", "60"]) == 0
    secure = json.loads(capsys.readouterr().out)["checks"]["dns.dnssec.secure"]
    assert secure["status"] == "error"
    assert "breaks above the domain, at example (bogus: DS " in secure["summary"]
    assert secure["remedy"] is None


def test_a_domain_whose_own_ds_is_broken_still_fails(lab: Any, capsys: Any) -> None:
    assert main(["check", "bogus-ds.test", "--lab", "--format", "json", "--web", "--timeout", "60"]) == 0
    secure = json.loads(capsys.readouterr().out)["checks"]["dns.dnssec.secure"]
    assert secure["status"] == "fail"
    assert "update the DS at the registrar" in secure["remedy"]


def test_check_www_tests_the_typed_host_and_its_domain_never_www_www(lab: Any, capsys: Any) -> None:
    assert main(["check", "www.green.test", "--lab", "--format", "json", "--web", "--timeout", "60"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["domain"] == "green.test"
    assert [h["host"] for h in report["hosts"]] == ["www.green.test", "green.test"]
    assert "www.www." not in json.dumps(report)


def test_a_run_of_names_that_do_not_exist_says_so_at_the_top(lab: Any, capsys: Any) -> None:
    argv = ["check", "nope-1.test", "nope-2.test", "green.test", "nope-3.test", "nope-4.test", "nope-5.test"]
    assert main([*argv, "--lab", "--web", "--timeout", "60"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("WHOLE RUN: 5 of 6 domains (83%): every DNS lookup answered NXDOMAIN")
