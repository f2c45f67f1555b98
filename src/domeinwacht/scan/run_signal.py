"""The whole-run signal: when most domains of a run fail the same way, say so once, at the top.

    signal = run_signal(domain_symptoms(obs) for obs in stored)   # obs: JSON as stored (dump_observations)
    if signal: print(signal.message)

Thousands of identical fails are rarely thousands of broken domains: a resolver path that answers NXDOMAIN for
every name, or a network that refuses every outgoing connection, makes each domain look dead. The verdicts per
domain stay as measured; `check` and the report put this one line above them so nobody publishes the figures
without reading it. Symptoms, each judged from a domain's stored observations:

* ``nxdomain`` — every address lookup of every web host (or, without web observations, every alias chain of the
  DNS observation) answered NXDOMAIN;
* ``connect_refused`` — the domain's web hosts resolved, and every TCP connection to every address was refused.

A symptom shared by at least ``SHARE`` of the domains observed (and by at least one) is the run's signal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["SHARE", "RunSignal", "domain_symptoms", "run_signal"]

SHARE = 0.8

_ADVICE = {
    "nxdomain": (
        "every DNS lookup answered NXDOMAIN",
        "rarely the domains' doing: check the resolver path (`domeinwacht resolver status`, the preflight) and the "
        "domain list before publishing",
    ),
    "connect_refused": (
        "every TCP connection was refused",
        "rarely the domains' doing: check this machine's outbound network (firewall, proxy, address guard) before "
        "publishing",
    ),
}


@dataclass(frozen=True, slots=True)
class RunSignal:
    """``domains`` of ``total`` observed domains share ``symptom``; ``message`` says it in one line."""

    symptom: str
    domains: int
    total: int
    message: str


def _all_nxdomain(lookups: list[Any]) -> bool:
    return bool(lookups) and all(isinstance(x, Mapping) and x.get("rcode") == "NXDOMAIN" for x in lookups)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def domain_symptoms(observations: Mapping[str, Any]) -> set[str]:
    """The run-level symptoms one domain shows (stored observation JSON, by area)."""
    found: set[str] = set()
    web = observations.get("web")
    hosts = web.get("hosts") if isinstance(web, Mapping) else None
    if isinstance(hosts, list) and hosts:
        lookups = [h.get(rd) for h in hosts if isinstance(h, Mapping) for rd in ("a", "aaaa")]
        if _all_nxdomain(lookups):
            found.add("nxdomain")
        endpoints = [e for h in hosts if isinstance(h, Mapping) for e in _list(h.get("endpoints"))]
        probes = [p for e in endpoints if isinstance(e, Mapping) for p in _list(e.get("tcp"))]
        if probes and all(isinstance(p, Mapping) and p.get("refused") for p in probes):
            found.add("connect_refused")
    else:
        dns = observations.get("dns")
        chains = dns.get("cnames") if isinstance(dns, Mapping) else None
        if isinstance(chains, list) and _all_nxdomain(chains):
            found.add("nxdomain")
    return found


def run_signal(symptoms: Iterable[set[str]], share: float = SHARE) -> RunSignal | None:
    """The symptom most domains share (``share`` or more of them), or ``None``.

    ``symptoms``: one ``domain_symptoms(observations)`` per domain observed.
    """
    counts: dict[str, int] = {}
    total = 0
    for found in symptoms:
        total += 1
        for symptom in found:
            counts[symptom] = counts.get(symptom, 0) + 1
    if not total or not counts:
        return None
    symptom, count = max(counts.items(), key=lambda item: (item[1], item[0]))
    if count < share * total:
        return None
    what, advice = _ADVICE[symptom]
    return RunSignal(
        symptom,
        count,
        total,
        f"WHOLE RUN: {count:,} of {total:,} domains ({100 * count / total:.0f}%): {what} — {advice}.",
    )
