"""The registry of checks: check id -> pure function of observations.

A check is registered with the observation *area* it reads (``dns``, ``web``, ``mail``, ``web_tls``…). The
evaluator hands each check the observation object of its area and the context; checks never do I/O.

    @check("web.hsts", area="web")
    def hsts(obs: WebObservation, ctx: CheckContext) -> CheckResult: ...

A check that needs several areas names them all and receives a mapping ``{area: observation}``:

    @check("web.dane", area=("web", "web_tls"))
    def dane(obs: Mapping[str, Any], ctx: CheckContext) -> CheckResult: ...
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from domeinwacht.checks.result import CheckResult, Status

CheckFunction = Callable[[Any, "CheckContext"], CheckResult]
F = TypeVar("F", bound=CheckFunction)


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check may know besides its observations.

    Attributes:
        profile: the NCSC TLS profile id (``ncsc-2025-05`` or ``ncsc-2.1.1``).
        now: the evaluation time (injected so that stored observations evaluate reproducibly).
        options: free settings a check documents itself (e.g. DKIM selectors asked for).
        dmarc_spec: the DMARC specification the mail.dmarc.* checks apply, ``rfc7489`` or ``dmarcbis`` (the
            policy profile's ``dmarc:`` setting; see mail/dmarc.py).
    """

    profile: str = "ncsc-2025-05"
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    options: Mapping[str, Any] = field(default_factory=dict)
    dmarc_spec: str = "rfc7489"


@dataclass(frozen=True, slots=True)
class RegisteredCheck:
    check_id: str
    area: str | tuple[str, ...]
    function: CheckFunction

    @property
    def areas(self) -> tuple[str, ...]:
        return (self.area,) if isinstance(self.area, str) else self.area


_REGISTRY: dict[str, RegisteredCheck] = {}

TLS_PROFILES = ("ncsc-2025-05", "ncsc-2.1.1")


def check(check_id: str, *, area: str | tuple[str, ...]) -> Callable[[F], F]:
    """Register ``function`` as the implementation of ``check_id``; duplicate ids are a bug."""

    def decorate(function: F) -> F:
        if check_id in _REGISTRY:
            raise ValueError(f"check id {check_id!r} registered twice")
        _REGISTRY[check_id] = RegisteredCheck(check_id, area, function)
        return function

    return decorate


def registered() -> Mapping[str, RegisteredCheck]:
    """All registered checks (after importing the check modules)."""
    load_all()
    return dict(_REGISTRY)


_LOADED = False


def load_all() -> None:
    """Import every check module so that its decorators run (once per process: it sits on the hot path)."""
    global _LOADED  # noqa: PLW0603 - a process-wide, idempotent import of the check modules
    if _LOADED:
        return
    import importlib
    import pkgutil

    import domeinwacht.checks as package

    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not module.name.rsplit(".", 1)[-1].startswith("_"):
            importlib.import_module(module.name)
    _LOADED = True


def evaluate(
    observations: Mapping[str, Any],
    ctx: CheckContext,
    *,
    only_areas: set[str] | None = None,
) -> dict[str, CheckResult]:
    """Run every registered check whose area has an observation.

    A check that raises is a bug in the check, but one bug must not hide the other verdicts: it becomes
    ``error`` with the exception as reason.
    """
    results: dict[str, CheckResult] = {}
    for check_id, entry in sorted(registered().items()):
        if only_areas is not None and not set(entry.areas) <= only_areas:
            continue
        if any(observations.get(area) is None for area in entry.areas):
            continue
        argument = (
            observations[entry.area]
            if isinstance(entry.area, str)
            else {area: observations[area] for area in entry.areas}
        )
        try:
            result = entry.function(argument, ctx)
        except Exception as exc:
            result = CheckResult(
                check_id,
                Status.ERROR,
                f"internal error in check: {type(exc).__name__}: {exc}",
                {"reason": "bug", "exception": f"{type(exc).__name__}: {exc}"},
            )
        results[check_id] = result
    return results
