"""The environment of one scan run: options, the shared resolver, limits and the shared-probe cache.

Every observer receives the same ``ScanEnv``; it is the ``net.context.ProbeContext`` the ``net/`` clients take.
Probes that several targets need (an MX host shared by 300 domains, a name server, one IP address) go through
``ScanEnv.shared(key, factory)`` and run once per run (``domeinwacht.lru.SharedWork``), with bounded memory.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from domeinwacht.lru import SharedWork
from domeinwacht.net.dns import Resolver, ResolverConfig
from domeinwacht.net.guard import AddressGuard

T = TypeVar("T")

# Probes of an address (or of the whole run), small and asked for by every domain that uses the address: kept
# in their own, larger LRU, so that the per-name probes of thousands of domains never push them out (a hosting
# address's full TLS probe evicted and redone is ~30 handshakes, with every domain on it waiting).
PER_ADDRESS_KINDS = frozenset(
    {"tcp", "tls-endpoint", "smtp", "tls-mail", "dns-ns-probe", "dnssec-anchors", "dnssec-trust-anchors", "rpki-tables"}
)
MAX_SHARED_PER_ADDRESS = 20_000


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """What the user asked for (CLI flags, measurement settings).

    Attributes:
        resolver: resolver addresses (``addr[:port]``); empty means the system's.
        trust_anchor_file: DNSSEC trust anchor (DS or DNSKEY records, zone-file format); ``None`` = root KSK.
        ca_file: PEM bundle of trusted roots; ``None`` = the system bundle.
        allow_non_public: lift the address guard (the lab needs this).
        profile: NCSC TLS profile id.
        ehlo_name: the stable name we announce to mail servers.
        dkim_selectors: extra DKIM selectors to probe.
        vrp_file / pfx2as_file: RPKI VRP export and prefix-to-origin table; ``None`` = RPKI checks error.
        target_timeout: seconds one target may take in total.
        connect_timeout / io_timeout: per connection, per read.
        global_concurrency: open connections at once, in total.
        per_ip_concurrency: open connections at once to one IP address, per kind of client: HTTP requests and
            TLS probe handshakes have a queue each (so at most twice this in all). The TLS prober is sequential
            and needs ~30 handshakes per endpoint; behind the HTTP requests of a hundred domains sharing the
            address it would starve past every deadline.
        mail_per_server_concurrency: open connections at once to one mail server address (1–2: be gentle).
        discover: discovery sources the DNS observer runs first (``discovery.run.CHEAP`` for ``check``), so that
            the hygiene checks cover every host found under the domain, not only the domain and ``www``; empty
            (the default, and what measurements use) runs none.
        preflight_zone: the signed zone whose SOA and denial the resolver preflight validates (``nl``; the lab's
            options say ``test``).
        dnssec_untrusted: why the DNSSEC answers of this run cannot be trusted (the preflight was skipped); when
            set, no name is validated and every DNSSEC verdict is ``error`` with this reason.
    """

    resolver: tuple[str, ...] = ()
    trust_anchor_file: Path | None = None
    ca_file: Path | None = None
    allow_non_public: bool = False
    profile: str = "ncsc-2025-05"
    ehlo_name: str = "scanner.domeinwacht.invalid"
    dkim_selectors: tuple[str, ...] = ()
    vrp_file: Path | None = None
    pfx2as_file: Path | None = None
    target_timeout: float = 120.0
    connect_timeout: float = 5.0
    io_timeout: float = 10.0
    global_concurrency: int = 256
    per_ip_concurrency: int = 4
    mail_per_server_concurrency: int = 2
    discover: tuple[str, ...] = ()
    preflight_zone: str = "nl"
    dnssec_untrusted: str = ""


@dataclass
class ScanEnv:
    """Shared, per-run state. Create one per run (it holds asyncio objects: one event loop).

    The shared-probe cache is bounded: at most ``max_shared`` finished per-name probes (HTTP responses, a name's
    TLS confirmation) and ``MAX_SHARED_PER_ADDRESS`` per-address ones (``PER_ADDRESS_KINDS``) are kept; probes
    still running are never dropped. Runs and reuses are counted in ``counters["shared.run"]`` and
    ``counters["shared.reused"]``.
    """

    options: ScanOptions = field(default_factory=ScanOptions)
    max_shared: int = 2_000
    resolver: Resolver = field(init=False)
    guard: AddressGuard = field(init=False)
    global_limit: asyncio.Semaphore = field(init=False)
    _per_ip: dict[tuple[str, str], asyncio.Semaphore] = field(default_factory=dict, repr=False)
    _per_name: SharedWork[tuple[Any, ...], Any] = field(init=False, repr=False)
    _per_address: SharedWork[tuple[Any, ...], Any] = field(init=False, repr=False)
    counters: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.guard = AddressGuard(allow_non_public=self.options.allow_non_public)
        self.resolver = Resolver(
            ResolverConfig(nameservers=self.options.resolver),
            # The resolver the user configured is trusted: it is not a scan target.
            guard=AddressGuard(allow_non_public=True),
        )
        self.global_limit = asyncio.Semaphore(self.options.global_concurrency)
        self._per_name = SharedWork(max_entries=self.max_shared)
        self._per_address = SharedWork(max_entries=MAX_SHARED_PER_ADDRESS)

    def ip_limit(self, ip: str, kind: str = "any") -> asyncio.Semaphore:
        """The semaphore bounding concurrent connections to ``ip`` (``kind="smtp"`` is stricter)."""
        key = (kind, ip)
        sem = self._per_ip.get(key)
        if sem is None:
            limit = self.options.mail_per_server_concurrency if kind == "smtp" else self.options.per_ip_concurrency
            sem = self._per_ip[key] = asyncio.Semaphore(limit)
        return sem

    async def shared(self, key: tuple[Any, ...], factory: Callable[[], Awaitable[T]]) -> T:
        """Run ``factory()`` once per run for ``key``; every caller gets the same result (or exception)."""
        work = self._per_address if key and key[0] in PER_ADDRESS_KINDS else self._per_name
        self.count("shared.reused" if work.holds(key) else "shared.run")
        result: T = await work.get(key, factory)
        return result

    def count(self, name: str, n: int = 1) -> None:
        """Add ``n`` to a counter (connections, handshakes, queries) reported with the results."""
        self.counters[name] = self.counters.get(name, 0) + n
