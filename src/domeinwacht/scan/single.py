"""Observe and evaluate one domain: the unit of work of `domeinwacht check` and of every measurement.

    observations = await observe_domain("example.nl", env, groups={"web", "mail"})
    results = evaluate_domain(observations, CheckContext(profile="ncsc-2025-05"))

``observe_domain`` runs the observers of the requested groups concurrently under the per-target deadline. An
observer that overruns the deadline or crashes leaves its areas out and is named in ``failures``; the checks of
those areas then report ``error`` with that reason (see ``evaluate_domain``), never a guess.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from domeinwacht.checks.registry import CheckContext, evaluate, registered
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.scan.env import ScanEnv, ScanOptions
from domeinwacht.scan.observe import RegisteredObserver, observers

GROUPS = ("web", "mail")


@dataclass(frozen=True, slots=True)
class DomainObservations:
    """Everything observed about one domain, by area, plus the observers that could not finish."""

    domain: str
    groups: frozenset[str]
    areas: Mapping[str, Any] = field(default_factory=dict)
    failures: Mapping[str, str] = field(default_factory=dict)  # area -> reason


def selected_observers(groups: Iterable[str]) -> list[RegisteredObserver]:
    wanted = set(groups)
    return [o for o in observers().values() if o.groups & wanted]


async def observe_domain(domain: str, env: ScanEnv, groups: Iterable[str] = GROUPS) -> DomainObservations:
    """Run the observers of ``groups`` for ``domain`` within ``env.options.target_timeout``."""
    chosen = selected_observers(groups)

    async def run(entry: RegisteredObserver) -> tuple[RegisteredObserver, Mapping[str, Any] | str]:
        try:
            return entry, await entry.function(domain, env)
        except Exception as exc:
            return entry, f"observer {entry.name} failed: {type(exc).__name__}: {exc}"

    tasks = [asyncio.ensure_future(run(entry)) for entry in chosen]
    done, pending = await asyncio.wait(tasks, timeout=env.options.target_timeout) if tasks else ((), ())
    areas: dict[str, Any] = {}
    failures: dict[str, str] = {}
    for task in done:
        entry, outcome = task.result()
        if isinstance(outcome, str):
            failures.update(dict.fromkeys(entry.produces, outcome))
        else:
            areas.update(outcome)
    for task in pending:
        task.cancel()
    for entry in chosen:
        for area in entry.produces:
            if area not in areas and area not in failures:
                failures[area] = (
                    f"observer {entry.name} did not finish within the per-target budget of "
                    f"{env.options.target_timeout:g}s"
                )
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
    return DomainObservations(domain, frozenset(groups), areas, failures)


def evaluate_domain(observed: DomainObservations, ctx: CheckContext) -> dict[str, CheckResult]:
    """Evaluate every check of the observed areas; checks of failed areas say ``error`` with the reason."""
    results = evaluate(observed.areas, ctx)
    for check_id, entry in registered().items():
        if check_id in results:
            continue
        reasons = [observed.failures[a] for a in entry.areas if a in observed.failures]
        if reasons:
            results[check_id] = CheckResult(check_id, Status.ERROR, reasons[0], {"reason": reasons[0]})
    return dict(sorted(results.items()))


def check_options(options: ScanOptions, ca_pem: bytes | None = None) -> dict[str, Any]:
    """What checks may need from the scan options: the trust store (cert.trust) and the DKIM selectors asked for.

    ``ca_pem``: the trust store's content as stored with a measurement (wins over the file). A configured CA file
    that is gone and not stored is ``ca_missing``: cert.trust then says error, never a verdict against another
    trust store.
    """
    extra: dict[str, Any] = {}
    if options.ca_file is not None:
        extra["ca_file"] = str(options.ca_file)
        if ca_pem is not None:
            extra["ca_pem"] = ca_pem
        elif Path(options.ca_file).is_file():
            extra["ca_pem"] = Path(options.ca_file).read_bytes()
        else:
            extra["ca_missing"] = True
    elif ca_pem is not None:
        extra["ca_pem"] = ca_pem
    if options.dkim_selectors:
        extra["dkim_selectors"] = tuple(options.dkim_selectors)
    return extra


def check_context(
    options: ScanOptions,
    tls_profile: str | None = None,
    now: datetime | None = None,
    dmarc_spec: str = "rfc7489",
    *,
    ca_pem: bytes | None = None,
) -> CheckContext:
    """The evaluation context for observations made with ``options`` (the same for `check` and measurements);
    ``dmarc_spec`` is the policy profile's DMARC specification (``rfc7489`` or ``dmarcbis``)."""
    ctx = CheckContext(
        profile=tls_profile or options.profile, options=check_options(options, ca_pem), dmarc_spec=dmarc_spec
    )
    return ctx if now is None else CheckContext(ctx.profile, now, ctx.options, dmarc_spec)
