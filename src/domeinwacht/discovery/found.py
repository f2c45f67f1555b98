"""What discovery returns: hosts with the sources that found them, and a report per source."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class SourceReport:
    """What one source did for one domain.

    Attributes:
        source: the source's name (``axfr``, ``nsec``, ``wordlist``, ``ct``, ``records``, ``sans``, ``links``).
        names: the names under the domain it produced (before resolution and wildcard filtering).
        queries: DNS questions, transfers, TLS handshakes or HTTP requests it sent.
        error: why it could not run or stopped early (``None`` when it ran to the end). A source that ran and
            found nothing has no error: "nothing found" and "could not look" are different answers.
        detail: source-specific facts (e.g. ``{"denial": "nsec3", "hashes": 12}``, ``{"tree_size": 1042}``).
    """

    source: str
    names: frozenset[str] = frozenset()
    queries: int = 0
    error: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "found": len(self.names),
            "queries": self.queries,
            "error": self.error,
            **({"detail": self.detail} if self.detail else {}),
        }


@dataclass(frozen=True, slots=True)
class FoundHost:
    """A name under the domain that exists in the DNS.

    Attributes:
        name: the host name (lower case, no trailing dot, A-labels).
        sources: the sources that found it, sorted.
        addresses: its A and AAAA addresses (after CNAMEs), sorted; empty for an alias that ends nowhere.
        cname_chain: the aliases followed, starting with ``name`` (empty when it is not an alias).
        rcode: the final answer's rcode (``NOERROR``; ``NXDOMAIN`` at the end of a dangling alias).
    """

    name: str
    sources: tuple[str, ...]
    addresses: tuple[str, ...] = ()
    cname_chain: tuple[str, ...] = ()
    rcode: str = "NOERROR"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "sources": list(self.sources), "addresses": list(self.addresses)}
        if self.cname_chain:
            out["cname_chain"] = list(self.cname_chain)
            out["rcode"] = self.rcode
        return out


@dataclass(frozen=True, slots=True)
class Discovery:
    """The hosts found under one domain.

    Attributes:
        domain: the registered domain searched.
        hosts: the hosts that exist, sorted by name (the apex is not listed: it is the domain itself).
        wildcard: the zone answers for any label (``*.domain``): names guessed from the wordlist that get the
            wildcard's answer are not reported as hosts.
        wildcard_answer: what a random label resolves to (addresses, or the CNAME target) when ``wildcard``.
        sources: a report per source that ran.
        unresolved: names a source produced that do not exist (any more): CT entries of removed hosts, links
            to dead names. Kept apart: they are leads, not hosts.
    """

    domain: str
    hosts: tuple[FoundHost, ...]
    wildcard: bool = False
    wildcard_answer: tuple[str, ...] = ()
    sources: dict[str, SourceReport] = field(default_factory=dict)
    unresolved: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The JSON contract of ``domeinwacht discover --format json`` (docs/DISCOVERY.md)."""
        return {
            "domain": self.domain,
            "hosts": [h.to_json() for h in self.hosts],
            "wildcard": self.wildcard,
            **({"wildcard_answer": list(self.wildcard_answer)} if self.wildcard else {}),
            "sources": {name: report.to_json() for name, report in sorted(self.sources.items())},
            "unresolved": list(self.unresolved),
        }
