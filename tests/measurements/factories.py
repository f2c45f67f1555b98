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
