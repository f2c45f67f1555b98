"""Scores: check results under a policy profile -> compliance per standard, findings, traffic light, percentages.

Pure functions over ``CheckResult`` mappings, so a stored measurement can be re-scored under any profile. The
score types are frozen dataclasses that round-trip through ``domeinwacht.serde`` (store a ``DomainScore``, reload
it, combine with ``score_organisation``); ``to_json()`` gives the presentation form.

How a check's status counts under a requirement (docs/POLICIES.md explains this with a worked example):

==================  =======================================================================================
status              counts as
==================  =======================================================================================
``pass``            met
``info``            met (informational remark, nothing to fix)
``not_applicable``  met (nothing to require: e.g. no MX, so no STARTTLS)
``warning``         met, unless the profile says ``warnings: fail`` for it (then not met, like ``fail``)
``fail``            not met
``error``           **not measured**: never met, never a finding; the standard is "not_measured"
(absent)            not tested if its part was not scanned (left out), else not measured (see below)
==================  =======================================================================================

A required check *without a result* is "not tested" when no check of its family (``web``, ``mail``, ``dns``,
``hygiene``: the first part of the id) has a result — that part was not scanned — and "not measured" otherwise
(a skipped or missing check must not make a standard look compliant).

A standard is *compliant* when every required check is met; *not_compliant* when a required check is not met
(a fail outweighs an error elsewhere); *not_measured* when a required check errored or is missing and none
failed; *not_applicable* when every required check is not applicable; *not_tested* when none of its required
checks was tested; *not_required* when the profile requires none of its checks (reported for its findings).

A finding is a requirement that is not met. Its severity comes from the level: required -> high, recommended
-> medium, optional -> low, informational -> no finding. Hygiene checks carry their own severity whatever the
profile (``HYGIENE_SEVERITY``: a dangling CNAME is a takeover risk, high). The traffic light is red with any
high finding, orange with any medium one, grey when nothing high or medium was found but a required check could
not be measured (an error must not show as green), green otherwise. Explained findings (a valid
comply-or-explain) are reported with ``explained: true`` and do not colour the light; they do not change
compliance either (an explained standard is still not met).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Final

from domeinwacht.checks.catalogue import HYGIENE_DANGLING_CNAME
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.policy.profile import (
    Category,
    Level,
    Profile,
    Requirement,
    ScoredCheck,
    Standard,
    load,
)

__all__ = [
    "HYGIENE_SEVERITY",
    "CategoryScore",
    "DomainScore",
    "Finding",
    "InternetNlScore",
    "OrgScore",
    "Outcome",
    "Severity",
    "StandardScore",
    "StandardShare",
    "TrafficLight",
    "counts_as_met",
    "score_domain",
    "score_json",
    "score_organisation",
]


class Severity(StrEnum):
    """Severity of a finding, worst first."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class TrafficLight(StrEnum):
    """Basisbeveiliging-style light, worst first (``grey``: nothing bad found, but not everything measured)."""

    RED = "red"
    ORANGE = "orange"
    GREY = "grey"
    GREEN = "green"

    @classmethod
    def worst(cls, lights: Iterable[TrafficLight]) -> TrafficLight:
        order = list(cls)
        found = list(lights)
        return min(found, key=order.index) if found else cls.GREY


class Outcome(StrEnum):
    COMPLIANT = "compliant"
    NOT_COMPLIANT = "not_compliant"
    NOT_MEASURED = "not_measured"
    NOT_APPLICABLE = "not_applicable"
    NOT_TESTED = "not_tested"
    NOT_REQUIRED = "not_required"


SEVERITY_OF_LEVEL: Final[Mapping[Level, Severity | None]] = {
    Level.REQUIRED: Severity.HIGH,
    Level.RECOMMENDED: Severity.MEDIUM,
    Level.OPTIONAL: Severity.LOW,
    Level.INFORMATIONAL: None,
}
# POLICIES.md: hygiene findings carry their own severity (dangling CNAME = high: subdomain takeover risk).
HYGIENE_SEVERITY: Final[Mapping[str, Severity]] = {HYGIENE_DANGLING_CNAME: Severity.HIGH}
_MET: Final = frozenset({Status.PASS, Status.INFO, Status.NOT_APPLICABLE})


def counts_as_met(status: Status, requirement: Requirement) -> bool | None:
    """``True`` met, ``False`` not met, ``None`` not measured (``error``); see the module docstring."""
    if status is Status.ERROR:
        return None
    if status is Status.WARNING:
        return not requirement.warnings_fail
    return status in _MET


# --- per domain -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    """A requirement a domain does not meet."""

    check_id: str
    status: Status
    severity: Severity
    level: Level | None  # None for hygiene checks the profile does not list
    standards: tuple[str, ...]
    summary: str
    deadline: date | None = None
    explained: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "check_id": self.check_id,
            "status": self.status.value,
            "severity": self.severity.value,
            "level": self.level.value if self.level else None,
            "standards": list(self.standards),
            "summary": self.summary,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "explained": self.explained,
        }


@dataclass(frozen=True, slots=True)
class StandardScore:
    """How one domain does on one standard of the profile."""

    name: str
    outcome: Outcome
    statuses: dict[str, Status]  # check id -> status, for every check of the standard with a result
    failing: tuple[str, ...] = ()  # required checks not met
    not_measured: tuple[str, ...] = ()  # required checks that errored
    deadline: date | None = None
    overdue: bool | None = None  # not compliant after the deadline (None: no deadline or no as_of date)

    @property
    def compliant(self) -> bool:
        return self.outcome is Outcome.COMPLIANT

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "compliant": self.compliant,
            "failing": list(self.failing),
            "not_measured": list(self.not_measured),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "overdue": self.overdue,
            "checks": {k: v.value for k, v in sorted(self.statuses.items())},
        }


@dataclass(frozen=True, slots=True)
class CategoryScore:
    """An Internet.nl category: percentage (``None`` when nothing in it was scored)."""

    test: str
    name: str
    percentage: int | None
    earned: int
    maximum: int
    per_server: dict[str, int] = field(default_factory=dict)  # server -> percentage

    def to_json(self) -> dict[str, Any]:
        return {
            "percentage": self.percentage,
            "earned": self.earned,
            "maximum": self.maximum,
            "per_server": dict(sorted(self.per_server.items())),
        }


@dataclass(frozen=True, slots=True)
class InternetNlScore:
    web: int | None
    mail: int | None
    total: int | None
    categories: tuple[CategoryScore, ...]

    def to_json(self) -> dict[str, Any]:
        tests: dict[str, dict[str, Any]] = {}
        for category in self.categories:
            tests.setdefault(category.test, {})[category.name] = category.to_json()
        return {"web": self.web, "mail": self.mail, "total": self.total, "categories": tests}


@dataclass(frozen=True, slots=True)
class DomainScore:
    """Everything the profile says about one domain's results."""

    profile: str
    tls_profile: str
    standards: tuple[StandardScore, ...]
    findings: tuple[Finding, ...]
    traffic_light: TrafficLight
    not_measured: tuple[str, ...]  # required checks that errored, over all standards
    internetnl: InternetNlScore | None = None

    def standard(self, name: str) -> StandardScore:
        for standard in self.standards:
            if standard.name == name:
                return standard
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        """The ``score`` block of ``domeinwacht check --format json`` (docs/POLICIES.md)."""
        severities = Counter(f.severity.value for f in self.findings if not f.explained)
        out: dict[str, Any] = {
            "profile": self.profile,
            "tls_profile": self.tls_profile,
            "traffic_light": self.traffic_light.value,
            "standards": {s.name: s.to_json() for s in self.standards},
            "findings": [f.to_json() for f in self.findings],
            "findings_by_severity": {s.value: severities.get(s.value, 0) for s in Severity},
            "not_measured": list(self.not_measured),
        }
        if self.internetnl is not None:
            out["internetnl"] = self.internetnl.to_json()
        return out


def _families(results: Mapping[str, CheckResult]) -> frozenset[str]:
    """The parts that were evaluated: ``web``, ``mail``, ``dns``, ``hygiene`` (first part of the check ids)."""
    return frozenset(check_id.split(".", 1)[0] for check_id in results)


def _standard_score(
    standard: Standard, results: Mapping[str, CheckResult], as_of: date | None, families: frozenset[str]
) -> StandardScore:
    if standard.scope in ("web", "mail") and standard.scope not in families:
        return StandardScore(standard.name, Outcome.NOT_TESTED, {}, deadline=standard.deadline)
    statuses = {r.check_id: results[r.check_id].status for r in standard.requirements if r.check_id in results}
    all_required = standard.required
    required = [r for r in all_required if r.check_id in results]
    failing = tuple(r.check_id for r in required if counts_as_met(statuses[r.check_id], r) is False)
    errored = tuple(r.check_id for r in required if counts_as_met(statuses[r.check_id], r) is None)
    # A required check without a result although its family (web., mail., dns.…) was evaluated was not
    # measured (an unimplemented or skipped check must not make a standard look compliant).
    missing = tuple(
        r.check_id for r in all_required if r.check_id not in results and r.check_id.split(".", 1)[0] in families
    )
    errored += missing
    if not all_required:
        outcome = Outcome.NOT_REQUIRED
    elif failing:
        outcome = Outcome.NOT_COMPLIANT
    elif errored:
        outcome = Outcome.NOT_MEASURED
    elif not required:
        outcome = Outcome.NOT_TESTED
    elif all(statuses[r.check_id] is Status.NOT_APPLICABLE for r in required):
        outcome = Outcome.NOT_APPLICABLE
    else:
        outcome = Outcome.COMPLIANT
    overdue = None
    if standard.deadline is not None and as_of is not None:
        overdue = outcome in (Outcome.NOT_COMPLIANT, Outcome.NOT_MEASURED) and as_of > standard.deadline
    return StandardScore(standard.name, outcome, statuses, failing, errored, standard.deadline, overdue)


def _findings(profile: Profile, results: Mapping[str, CheckResult], explained: Collection[str]) -> tuple[Finding, ...]:
    by_check: dict[str, Finding] = {}
    order = list(Severity)
    for standard in profile.standards:
        for requirement in standard.requirements:
            result = results.get(requirement.check_id)
            if result is None or counts_as_met(result.status, requirement) is not False:
                continue
            severity = HYGIENE_SEVERITY.get(requirement.check_id) or SEVERITY_OF_LEVEL[requirement.level]
            if severity is None:
                continue
            previous = by_check.get(requirement.check_id)
            if previous is not None:
                # One finding per check; the strongest requirement decides, every standard is named.
                stronger = order.index(severity) < order.index(previous.severity)
                by_check[requirement.check_id] = Finding(
                    requirement.check_id,
                    result.status,
                    severity if stronger else previous.severity,
                    requirement.level if stronger else previous.level,
                    (*previous.standards, standard.name),
                    result.summary,
                    requirement.deadline if stronger else previous.deadline,
                    previous.explained,
                )
                continue
            by_check[requirement.check_id] = Finding(
                requirement.check_id,
                result.status,
                severity,
                requirement.level,
                (standard.name,),
                result.summary,
                requirement.deadline,
                requirement.check_id in explained,
            )
    for check_id, severity in HYGIENE_SEVERITY.items():
        result = results.get(check_id)
        if check_id not in by_check and result is not None and result.status is Status.FAIL:
            by_check[check_id] = Finding(
                check_id, result.status, severity, None, (), result.summary, None, check_id in explained
            )
    return tuple(sorted(by_check.values(), key=lambda f: (order.index(f.severity), f.check_id)))


def _light(findings: Iterable[Finding], not_measured: Collection[str]) -> TrafficLight:
    counted = {f.severity for f in findings if not f.explained}
    if Severity.HIGH in counted:
        return TrafficLight.RED
    if Severity.MEDIUM in counted:
        return TrafficLight.ORANGE
    if not_measured:
        return TrafficLight.GREY
    return TrafficLight.GREEN


# --- Internet.nl percentages ------------------------------------------------------------------------------------


def _points(check: ScoredCheck, status: Status) -> tuple[int, int]:
    """``(earned, maximum)`` of one scored check; ``(0, 0)`` when it does not apply."""
    if status is Status.NOT_APPLICABLE:
        return 0, 0
    earned = {
        Status.PASS: check.maximum,
        Status.INFO: check.info,
        Status.WARNING: check.warning,
        Status.FAIL: check.fail,
        Status.ERROR: 0,  # not measured: no free points
    }[status]
    return earned, check.maximum


def _per_server(result: CheckResult) -> Mapping[str, Status] | None:
    """The per-address verdicts of a check (``{address: status}``), if it judged addresses one by one."""
    return {v.address: v.status for v in result.per_address} or None


def _percentage(earned: int, maximum: int) -> int | None:
    return int(100 * earned / maximum) if maximum else None


def _category_score(
    category: Category, results: Mapping[str, CheckResult], families: frozenset[str]
) -> CategoryScore | None:
    if category.test not in families:
        return None  # the web (or mail) part was not scanned
    present = [
        (c, results.get(c.check_id) or CheckResult(c.check_id, Status.ERROR, "no result"))
        for c in category.checks
        # as for compliance: a check missing from a scanned family earns nothing (not measured)
        if c.check_id in results or c.check_id.split(".", 1)[0] in families
    ]
    if not present:
        return None
    earned = maximum = 0
    for check, result in present:
        e, m = _points(check, result.status)
        earned += e
        maximum += m
    percentage = _percentage(earned, maximum)
    per_server_scores: dict[str, int] = {}
    if category.per_server:
        detail = {check.check_id: _per_server(result) for check, result in present}
        servers = sorted({s for statuses in detail.values() if statuses for s in statuses})
        for server in servers:
            s_earned = s_max = 0
            for check, result in present:
                statuses = detail[check.check_id]
                if result.status is Status.ERROR:
                    status = Status.ERROR  # an error of the check is an error for every server
                elif statuses is None:
                    status = result.status  # a check without per-server detail counts for every server
                elif server in statuses:
                    status = statuses[server]
                else:
                    continue  # this check did not test this server
                e, m = _points(check, status)
                s_earned += e
                s_max += m
            server_percentage = _percentage(s_earned, s_max)
            if server_percentage is not None:
                per_server_scores[server] = server_percentage
        if per_server_scores:
            # Internet.nl: a category tested per IP address or per MX takes the minimum over the servers.
            percentage = min(per_server_scores.values())
    return CategoryScore(category.test, category.name, percentage, earned, maximum, per_server_scores)


def _mean(values: Iterable[int | None]) -> int | None:
    found = [v for v in values if v is not None]
    return int(sum(found) / len(found)) if found else None


def _internetnl(
    profile: Profile, results: Mapping[str, CheckResult], families: frozenset[str]
) -> InternetNlScore | None:
    if not profile.categories:
        return None
    categories = tuple(
        score for c in profile.categories if (score := _category_score(c, results, families)) is not None
    )
    web = _mean(c.percentage for c in categories if c.test == "web")
    mail = _mean(c.percentage for c in categories if c.test == "mail")
    return InternetNlScore(web, mail, _mean((web, mail)), categories)


def _profile(profile: Profile | str) -> Profile:
    return load(profile) if isinstance(profile, str) else profile


def score_domain(
    results: Mapping[str, CheckResult],
    profile: Profile | str,
    *,
    explained: Collection[str] = (),
    as_of: date | None = None,
) -> DomainScore:
    """Score one domain's check results under ``profile`` (a ``Profile`` or a shipped profile id).

    ``explained``: check ids with a valid comply-or-explain (reported, not counted in the light).
    ``as_of``: the date deadlines are judged against (``StandardScore.overdue``); ``None`` leaves that out.
    """
    chosen = _profile(profile)
    families = _families(results)
    standards = tuple(_standard_score(s, results, as_of, families) for s in chosen.standards)
    findings = _findings(chosen, results, explained)
    not_measured = tuple(sorted({c for s in standards for c in s.not_measured}))
    return DomainScore(
        chosen.id,
        chosen.tls_profile,
        standards,
        findings,
        _light(findings, not_measured),
        not_measured,
        _internetnl(chosen, results, families),
    )


def score_json(results: Mapping[str, CheckResult], profile: Profile | str = "internetnl") -> dict[str, Any]:
    """``score_domain(results, profile).to_json()``: the ``score`` block of the CLI's JSON output."""
    return score_domain(results, profile).to_json()


# --- per organisation -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StandardShare:
    """How many of an organisation's domains comply with one standard.

    ``percentage`` = compliant / (compliant + not_compliant + not_measured): a domain that could not be measured
    is not counted as compliant (never optimistic); not applicable and not tested domains are left out.
    """

    standard: str
    compliant: int = 0
    not_compliant: int = 0
    not_measured: int = 0
    not_applicable: int = 0
    not_tested: int = 0

    @property
    def counted(self) -> int:
        return self.compliant + self.not_compliant + self.not_measured

    @property
    def percentage(self) -> float | None:
        return round(100 * self.compliant / self.counted, 1) if self.counted else None

    def to_json(self) -> dict[str, Any]:
        return {
            "percentage": self.percentage,
            "compliant": self.compliant,
            "not_compliant": self.not_compliant,
            "not_measured": self.not_measured,
            "not_applicable": self.not_applicable,
            "not_tested": self.not_tested,
        }


@dataclass(frozen=True, slots=True)
class OrgScore:
    """An organisation's domains taken together."""

    domains: int
    standards: tuple[StandardShare, ...]
    traffic_light: TrafficLight
    lights: dict[str, int]  # colour -> number of domains
    findings_by_severity: dict[str, int]  # unexplained findings over all domains
    explained_findings: int
    internetnl: dict[str, int | None] = field(default_factory=dict)  # mean web/mail/total percentage

    def share(self, standard: str) -> StandardShare:
        for share in self.standards:
            if share.standard == standard:
                return share
        raise KeyError(standard)

    def to_json(self) -> dict[str, Any]:
        return {
            "domains": self.domains,
            "traffic_light": self.traffic_light.value,
            "lights": dict(self.lights),
            "standards": {s.standard: s.to_json() for s in self.standards},
            "findings_by_severity": dict(self.findings_by_severity),
            "explained_findings": self.explained_findings,
            "internetnl": dict(self.internetnl),
        }


def score_organisation(domain_scores: Iterable[DomainScore]) -> OrgScore:
    """Combine the scores of one organisation's domains (all under the same profile)."""
    scores = list(domain_scores)
    shares: dict[str, Counter[Outcome]] = {}
    for score in scores:
        for standard in score.standards:
            shares.setdefault(standard.name, Counter())[standard.outcome] += 1
    standards = tuple(
        StandardShare(
            name,
            compliant=counts[Outcome.COMPLIANT],
            not_compliant=counts[Outcome.NOT_COMPLIANT],
            not_measured=counts[Outcome.NOT_MEASURED],
            not_applicable=counts[Outcome.NOT_APPLICABLE],
            not_tested=counts[Outcome.NOT_TESTED],
        )
        for name, counts in shares.items()
        if counts[Outcome.NOT_REQUIRED] < sum(counts.values())
    )
    lights = Counter(s.traffic_light.value for s in scores)
    severities = Counter(f.severity.value for s in scores for f in s.findings if not f.explained)
    internetnl: dict[str, int | None] = {}
    with_percentages = [s.internetnl for s in scores if s.internetnl is not None]
    if with_percentages:
        internetnl = {
            "web": _mean(p.web for p in with_percentages),
            "mail": _mean(p.mail for p in with_percentages),
            "total": _mean(p.total for p in with_percentages),
        }
    return OrgScore(
        domains=len(scores),
        standards=standards,
        traffic_light=TrafficLight.worst(s.traffic_light for s in scores),
        lights={light.value: lights.get(light.value, 0) for light in TrafficLight},
        findings_by_severity={s.value: severities.get(s.value, 0) for s in Severity},
        explained_findings=sum(1 for s in scores for f in s.findings if f.explained),
        internetnl=internetnl,
    )
