"""Properties of the scores: bounded, and monotone (turning a fail into a pass never lowers anything)."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.policy.profile import load
from domeinwacht.policy.scoring import DomainScore, Outcome, score_domain

PROFILE = load("internetnl")
IDS = sorted(PROFILE.check_ids)
PER_SERVER = {c.check_id for cat in PROFILE.categories if cat.per_server for c in cat.checks}
SERVERS = ("192.0.2.1", "192.0.2.2", "2001:db8::1")


@st.composite
def result_sets(draw: st.DrawFn) -> dict[str, CheckResult]:
    chosen = draw(st.lists(st.sampled_from(IDS), unique=True, min_size=1))
    out = {}
    for check_id in chosen:
        status = draw(st.sampled_from(Status))
        evidence = {}
        if check_id in PER_SERVER and draw(st.booleans()):
            servers = draw(st.lists(st.sampled_from(SERVERS), unique=True, min_size=1))
            evidence["per_server"] = {s: draw(st.sampled_from(Status)).value for s in servers}
        out[check_id] = CheckResult.from_json(
            check_id, {"status": status.value, "summary": "generated", "evidence": evidence}
        )
    return out


def percentages(score: DomainScore) -> dict[str, int | None]:
    assert score.internetnl is not None
    found: dict[str, int | None] = {
        "web": score.internetnl.web,
        "mail": score.internetnl.mail,
        "total": score.internetnl.total,
    }
    for category in score.internetnl.categories:
        found[f"{category.test}/{category.name}"] = category.percentage
        for server, value in category.per_server.items():
            found[f"{category.test}/{category.name}/{server}"] = value
    return found


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # shared machine
@given(result_sets())
def test_percentages_stay_within_0_and_100(statuses):
    for name, value in percentages(score_domain(statuses, PROFILE)).items():
        assert value is None or 0 <= value <= 100, name


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # shared machine
@given(result_sets(), st.data())
def test_turning_a_fail_into_a_pass_never_lowers_a_percentage(statuses, data):
    failing = sorted(k for k, r in statuses.items() if r.status is Status.FAIL)
    assume(failing)
    check_id = data.draw(st.sampled_from(failing))
    before = score_domain(statuses, PROFILE)
    evidence = statuses[check_id].evidence_json()
    if "per_server" in evidence:
        evidence["per_server"] = dict.fromkeys(evidence["per_server"], "pass")
    improved = {
        **statuses,
        check_id: CheckResult.from_json(check_id, {"status": "pass", "summary": "fixed", "evidence": evidence}),
    }
    after = score_domain(improved, PROFILE)
    old, new = percentages(before), percentages(after)
    assert old.keys() <= new.keys()  # a server with nothing scored before may get a percentage now
    for name, value in old.items():
        if value is not None:
            assert new[name] is not None
            assert new[name] >= value, name
    was = {s.name for s in before.standards if s.outcome is Outcome.COMPLIANT}
    now = {s.name for s in after.standards if s.outcome is Outcome.COMPLIANT}
    assert was <= now
    assert len(after.findings) <= len(before.findings)
