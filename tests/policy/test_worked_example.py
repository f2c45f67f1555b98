"""The worked example of docs/POLICIES.md, computed: the documentation's numbers are the engine's."""

from __future__ import annotations

from datetime import date

import pytest

from domeinwacht.checks.catalogue import CHECK_IDS
from domeinwacht.checks.result import CheckResult
from domeinwacht.policy.scoring import Outcome, Severity, TrafficLight, score_domain, score_organisation

V4, V6 = "192.0.2.10", "2001:db8::10"
EXCEPTIONS = {
    "web.hsts": ("fail", {}),
    "web.ipv6.same_content": ("warning", {}),
    "web.rpki.roa_exists": ("warning", {"per_server": {V4: "pass", V6: "warning"}}),
    "web.rpki.valid": ("fail", {"per_server": {V4: "pass", V6: "fail"}}),
    "web.security_txt": ("fail", {}),
    "web.headers.csp": ("warning", {}),
    "web.tls.ocsp_stapling": ("info", {}),
    "dns.ns.ipv6_reach": ("error", {}),
    "mail.dmarc.policy": ("fail", {}),
    "mail.dane.exists": ("fail", {}),
    "mail.dane.valid": ("not_applicable", {}),
    "mail.dane.rollover": ("not_applicable", {}),
}


def domain_results(exceptions=EXCEPTIONS) -> dict[str, CheckResult]:
    out = {}
    for check_id in sorted(CHECK_IDS):
        if check_id.startswith("hygiene."):
            continue
        status, evidence = exceptions.get(check_id, ("pass", {}))
        # as stored: the per-server verdicts in the evidence JSON
        out[check_id] = CheckResult.from_json(
            check_id, {"status": status, "summary": f"{check_id}: {status}", "evidence": evidence}
        )
    return out


@pytest.fixture(scope="module")
def internetnl():
    return score_domain(domain_results(), "internetnl")


def test_internetnl_category_percentages(internetnl):
    found = {(c.test, c.name): (c.earned, c.maximum, c.percentage) for c in internetnl.internetnl.categories}
    assert found[("web", "IPv6")] == (30, 42, 71)
    assert found[("web", "DNSSEC")] == (10, 10, 100)
    assert found[("web", "HTTPS/TLS")] == (170, 180, 94)
    assert found[("web", "RPKI")][2] == 0
    assert found[("mail", "IPv6")] == (30, 40, 75)
    assert found[("mail", "Authenticity (DMARC, DKIM, SPF)")] == (40, 50, 80)
    assert found[("mail", "STARTTLS (+DANE)")] == (110, 120, 91)
    assert found[("mail", "RPKI")] == (20, 20, 100)


def test_internetnl_rpki_takes_the_worst_server(internetnl):
    rpki = next(c for c in internetnl.internetnl.categories if c.test == "web" and c.name == "RPKI")
    assert dict(rpki.per_server) == {V4: 100, V6: 0}


def test_internetnl_test_and_total_percentages(internetnl):
    assert (internetnl.internetnl.web, internetnl.internetnl.mail, internetnl.internetnl.total) == (66, 89, 77)


def test_internetnl_compliance_and_light(internetnl):
    outcomes = {s.name: s.outcome for s in internetnl.standards}
    assert {n for n, o in outcomes.items() if o is Outcome.COMPLIANT} == {"DNSSEC", "HTTPS", "TLS", "DKIM", "SPF"}
    assert {n for n, o in outcomes.items() if o is Outcome.NOT_COMPLIANT} == {
        "HSTS",
        "RPKI",
        "DMARC",
        "STARTTLS+DANE",
    }
    assert outcomes["IPv6 web"] is Outcome.NOT_MEASURED
    assert outcomes["IPv6 mail"] is Outcome.NOT_MEASURED
    severities = [f.severity for f in internetnl.findings]
    assert (severities.count(Severity.HIGH), severities.count(Severity.MEDIUM)) == (5, 2)
    assert internetnl.traffic_light is TrafficLight.RED


def test_ptolu_makes_security_txt_a_high_finding_and_ignores_accepted_warnings():
    score = score_domain(domain_results(), "nl-ptolu-2025", as_of=date(2026, 6, 30))
    by_check = {f.check_id: f.severity for f in score.findings}
    assert by_check["web.security_txt"] is Severity.HIGH
    assert "web.ipv6.same_content" not in by_check
    assert "web.headers.csp" not in by_check
    not_compliant = [s for s in score.standards if s.outcome is Outcome.NOT_COMPLIANT]
    assert all(s.overdue for s in not_compliant if s.deadline is not None)
    assert score.standard("security.txt").overdue is None  # listed since 2023, no target date
    assert score.traffic_light is TrafficLight.RED


def test_wdo_only_counts_https_hsts_and_tls():
    score = score_domain(domain_results(), "nl-wdo")
    assert [f.check_id for f in score.findings] == ["web.hsts"]
    assert score.traffic_light is TrafficLight.RED
    fixed = score_domain(domain_results({**EXCEPTIONS, "web.hsts": ("pass", {})}), "nl-wdo")
    assert fixed.traffic_light is TrafficLight.GREEN


def test_organisation_of_the_example_and_a_green_domain():
    org = score_organisation(
        [score_domain(domain_results(), "internetnl"), score_domain(domain_results({}), "internetnl")]
    )
    assert org.share("HSTS").percentage == 50.0
    assert org.share("DNSSEC").percentage == 100.0
    assert org.share("IPv6 web").percentage == 50.0
    assert org.lights == {"red": 1, "orange": 0, "grey": 0, "green": 1}
    assert org.traffic_light is TrafficLight.RED
