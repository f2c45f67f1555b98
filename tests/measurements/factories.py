"""Measurements made the way the application makes them (through the service), with the fake observer set."""

from __future__ import annotations

from domeinwacht.scan.env import ScanOptions
from domeinwacht.scan.executor import ExecutorSettings
from domeinwacht.web.measurements.service import TargetSpec, create_measurement, run_local

PLUGIN = "measurements.fakeplug"
SETTINGS = ExecutorSettings(groups=("fakescan",), max_in_flight=8, batch_size=10, flush_seconds=0.5)
OPTIONS = ScanOptions(resolver=("127.0.0.1:9",), target_timeout=2.0)


def domains(n: int, prefix: str = "gemeente") -> list[str]:
    return [f"{prefix}{i}.example.nl" for i in range(n)]


def planned(name="test", n=12, profile="nl-ptolu-2025", specs=None, **kwargs):
    return create_measurement(
        name=name,
        profile=profile,
        targets=specs if specs is not None else [TargetSpec(d) for d in domains(n)],
        options=OPTIONS,
        settings=SETTINGS,
        plugins=[PLUGIN],
        **kwargs,
    )


def finished(name="test", n=12, profile="nl-ptolu-2025", specs=None):
    measurement = planned(name, n, profile, specs)
    run_local(measurement)
    return measurement


def stored(rows, *, name="stored", profile="nl-wdo", simulated=False, observations=None, organisation_ids=None):
    """A finished measurement whose domains got the given verdicts (rows: domain, org, org type, {check: status});
    ``organisation_ids`` links domains to register organisations ({domain: id}).

    ``observations``: optional stored observation JSON per domain (area -> JSON), as a run would keep it.

    The verdicts go through the real sink and the policy engine's scoring, as a run would store them.
    """
    from domeinwacht.checks.result import CheckResult, Status
    from domeinwacht.scan.executor import Evaluation, TargetOutcome
    from domeinwacht.scan.single import DomainObservations
    from domeinwacht.web.measurements import service
    from domeinwacht.web.measurements.evaluation import score
    from domeinwacht.web.measurements.sink import DatabaseSink

    measurement = planned(
        name=name,
        profile=profile,
        specs=[
            TargetSpec(domain, (organisation_ids or {}).get(domain), org, org_type) for domain, org, org_type, _ in rows
        ],
        selection={"simulated": True} if simulated else {},
    )
    service.mark_running(measurement)
    keys = {t.domain: t for t in service.pending_targets(measurement)}
    outcomes = []
    for domain, _, _, verdicts in rows:
        results = {
            cid: CheckResult(
                cid, Status(status), f"{cid} {status}", {"ip": "192.0.2.1"}, None if status == "pass" else "fix it"
            )
            for cid, status in verdicts.items()
        }
        observed = DomainObservations(domain, frozenset({"web"}), (observations or {}).get(domain, {}), {})
        outcomes.append(
            TargetOutcome(
                keys[domain], observed, Evaluation(results, score(profile, results, measurement.observed_at)), 0.1
            )
        )
    DatabaseSink(measurement).write(outcomes)
    return service.finish(measurement)
