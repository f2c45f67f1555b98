"""Observers: async functions that probe one domain and return its observations, by area.

An observer is registered with the areas it produces and their types (for storing and reloading):

    @observer("web", produces={"web": WebObservation, "web_tls": tuple[TlsObservation, ...]})
    async def observe_web(domain: str, env: ScanEnv) -> dict[str, object]: ...

Groups select observers: ``--web`` runs the observers in group "web", ``--mail`` those in "mail". An observer
must not raise for network trouble: it records the failure in its observation so that the checks say
``error`` with the reason.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from domeinwacht.scan.env import ScanEnv
from domeinwacht.serde import from_jsonable, to_jsonable

ObserverFunction = Callable[[str, ScanEnv], Awaitable[Mapping[str, Any]]]


@dataclass(frozen=True, slots=True)
class RegisteredObserver:
    name: str
    groups: frozenset[str]
    produces: Mapping[str, Any]
    function: ObserverFunction


_OBSERVERS: dict[str, RegisteredObserver] = {}


def observer(
    name: str, *, groups: tuple[str, ...], produces: Mapping[str, Any]
) -> Callable[[ObserverFunction], ObserverFunction]:
    def decorate(function: ObserverFunction) -> ObserverFunction:
        if name in _OBSERVERS:
            raise ValueError(f"observer {name!r} registered twice")
        _OBSERVERS[name] = RegisteredObserver(name, frozenset(groups), dict(produces), function)
        return function

    return decorate


_LOADED = False


def observers() -> Mapping[str, RegisteredObserver]:
    """Every registered observer (the observer modules are imported once per process)."""
    global _LOADED  # noqa: PLW0603 - a process-wide, idempotent import of the observer modules
    if not _LOADED:
        for module in pkgutil.iter_modules(__path__, __name__ + "."):
            importlib.import_module(module.name)
        _LOADED = True
    return dict(_OBSERVERS)


def area_types() -> dict[str, Any]:
    """Area name -> observation type, over every observer."""
    types: dict[str, Any] = {}
    for entry in observers().values():
        types.update(entry.produces)
    return types


def dump_observations(observations: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-ready copy of an observation bag (for storage)."""
    return {area: to_jsonable(value) for area, value in observations.items()}


def load_observations(data: Mapping[str, Any]) -> dict[str, Any]:
    """Rebuild an observation bag stored with ``dump_observations``."""
    types = area_types()
    return {area: from_jsonable(types[area], value) for area, value in data.items() if area in types}
