"""A network-free observer and two checks for testing measurements (group ``fakescan``; test-only).

Imported by name as a measurement plugin (``plugins=["measurements.fakeplug"]``), also in subprocesses (the
``measure`` CLI killed with SIGKILL, Celery workers), with ``tests/`` on PYTHONPATH. Importing registers; the
``fakescan`` fixture unregisters after each test so the global registries stay clean for other tests.

Every domain "uses" one of three shared mail servers, probed through ``env.shared`` (counted in
``env.counters["fake.mx_probes"]``). ``crash-*`` domains make the observer raise; ``hang-*`` domains never finish.
``DOMEINWACHT_FAKE_DELAY`` (seconds) slows every target down and ``DOMEINWACHT_FAKE_LOG`` (a file) records every
domain observed, for the kill-and-resume test.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from dataclasses import dataclass

from domeinwacht.checks import registry
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.scan import observe

NAME = __name__
GROUP = "fakescan"
CHECK_IDS = ("test.fake.even", "test.fake.tls")


@dataclass(frozen=True, slots=True)
class FakeObservation:
    domain: str
    mx: str


@dataclass(frozen=True, slots=True)
class FakeEndpoint:
    host: str
    port: int
    version: str


def mx_of(domain: str) -> str:
    return f"mx{hashlib.sha256(domain.encode()).digest()[0] % 3}.shared.test"


async def _probe(host: str, env: observe.ScanEnv) -> FakeEndpoint:
    env.count("fake.mx_probes")
    await asyncio.sleep(0)
    return FakeEndpoint(host, 25, "TLSv1.2" if host.startswith("mx0") else "TLSv1.3")


async def observe_fake(domain: str, env: observe.ScanEnv) -> dict[str, object]:
    if domain.startswith("crash-"):
        raise RuntimeError("fake observer crashed")
    if domain.startswith("hang-"):
        await asyncio.sleep(3600)
    log = os.environ.get("DOMEINWACHT_FAKE_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:  # noqa: ASYNC230 - a test log line
            handle.write(domain + "\n")
    delay = float(os.environ.get("DOMEINWACHT_FAKE_DELAY", "0"))
    if delay:
        await asyncio.sleep(delay)
    mx = mx_of(domain)
    endpoint = await env.shared(("fake-mx", mx), lambda: _probe(mx, env))
    return {"fake": FakeObservation(domain, mx), "fake_tls": (endpoint,)}


def even(obs: FakeObservation, ctx: registry.CheckContext) -> CheckResult:
    if len(obs.domain) % 2 == 0:
        return CheckResult("test.fake.even", Status.PASS, "even length", {"length": len(obs.domain)})
    return CheckResult("test.fake.even", Status.FAIL, "odd length", {"length": len(obs.domain)}, "add a letter")


def tls(obs: tuple[FakeEndpoint, ...], ctx: registry.CheckContext) -> CheckResult:
    worst = min(e.version for e in obs)
    evidence = {"endpoints": [f"{e.host}:{e.port} {e.version}" for e in obs], "profile": ctx.profile}
    if worst >= "TLSv1.3":
        return CheckResult("test.fake.tls", Status.PASS, "TLS 1.3 only", evidence)
    return CheckResult("test.fake.tls", Status.FAIL, f"{worst} offered", evidence, "offer TLS 1.3")


def install() -> None:
    if "fake" not in observe._OBSERVERS:
        observe.observer(
            "fake", groups=(GROUP,), produces={"fake": FakeObservation, "fake_tls": tuple[FakeEndpoint, ...]}
        )(observe_fake)
    if "test.fake.even" not in registry._REGISTRY:
        registry.check("test.fake.even", area="fake")(even)
        registry.check("test.fake.tls", area="fake_tls")(tls)


def uninstall() -> None:
    observe._OBSERVERS.pop("fake", None)
    for check_id in CHECK_IDS:
        registry._REGISTRY.pop(check_id, None)


def _task_done(**kwargs: object) -> None:
    """In a Celery worker: note every finished task in the log, so a test can wait for a delivery."""
    log = os.environ.get("DOMEINWACHT_FAKE_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write("#task-done\n")


install()
try:
    from celery.signals import task_postrun
except ImportError:  # pragma: no cover - celery is a dependency
    pass
else:
    task_postrun.connect(_task_done, weak=False, dispatch_uid="domeinwacht-fakeplug-task-done")
