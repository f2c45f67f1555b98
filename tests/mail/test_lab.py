"""The mail checks against the lab's declared ground truth (needs the lab: root, network namespace)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from domeinwacht.checks.registry import CheckContext, evaluate
from domeinwacht.checks.result import CheckResult
from domeinwacht.lab.scenario import load
from domeinwacht.scan.env import ScanEnv
from domeinwacht.scan.observe.mail import observe_mail

pytestmark = pytest.mark.lab

MAIL_CHECKS = (
    "mail.mx", "mail.ipv6.aaaa", "mail.ipv6.reach", "mail.spf.exists", "mail.spf.policy", "mail.dmarc.exists",
    "mail.dmarc.policy", "mail.dmarc.external_reporting", "mail.dkim.exists", "mail.starttls.available",
    "mail.dane.exists", "mail.dane.valid", "mail.dane.rollover", "mail.mta_sts", "mail.tls_rpt", "mail.dnssec.secure",
)  # fmt: skip


def _mail_targets() -> list[str]:
    scenario = load(None)
    return [n for n, t in scenario.targets.items() if any(t.expected(c) is not None for c in MAIL_CHECKS)]


@pytest.fixture(scope="module")
def scanned(lab: Any) -> dict[str, Any]:
    """One polite run over every mail target (shared MX hosts probed once), with the lab's SYN counts."""
    names = _mail_targets()
    before = lab.connection_counts()

    async def run() -> tuple[dict[str, dict[str, CheckResult]], dict[str, int]]:
        env = ScanEnv(lab.scan_options())
        results = {}
        for name in names:
            results[name] = evaluate(await observe_mail(name, env), CheckContext())
        return results, dict(env.counters)

    results, counters = asyncio.run(run())
    after = lab.connection_counts()
    return {"results": results, "counters": counters, "syns": {k: after[k] - before.get(k, 0) for k in after}}


@pytest.mark.parametrize("name", _mail_targets())
def test_mail_verdicts_match_the_lab_ground_truth(lab: Any, scanned: dict[str, Any], name: str) -> None:
    target = lab.target(name)
    results = scanned["results"][name]
    wrong = {
        check_id: (results[check_id].status.value, expected, results[check_id].summary)
        for check_id in MAIL_CHECKS
        if (expected := target.expected(check_id)) is not None and results[check_id].status.value not in expected
    }
    assert wrong == {}


def test_the_rate_limited_mx_is_reported_rate_limited_and_not_hammered(lab: Any, scanned: dict[str, Any]) -> None:
    server = lab.mail_server("mx-ratelimit")
    for ip in (*server["ipv4"], *server["ipv6"]):
        # one SMTP conversation, and at most one refused TLS-prober connection after it
        assert scanned["syns"][f"mx-ratelimit:{ip}"] <= 2, scanned["syns"]
        assert scanned["counters"][f"smtp.connections.{ip}"] == 1
    result = scanned["results"]["ratelimit.test"]["mail.starttls.available"]
    assert result.status.value in ("pass", "error")
    if result.status.value == "error":
        assert result.summary.startswith("rate-limited")
    tls = [r for k, r in scanned["results"]["ratelimit.test"].items() if k.startswith(("mail.tls.", "mail.cert."))]
    assert tls and all(r.status.value != "fail" for r in tls)


def test_each_shared_mx_address_got_one_smtp_connection(scanned: dict[str, Any]) -> None:
    per_ip = {k: v for k, v in scanned["counters"].items() if k.startswith("smtp.connections.")}
    assert per_ip and set(per_ip.values()) == {1}
