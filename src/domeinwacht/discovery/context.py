"""What every discovery source gets: the run's resolver, address guard, HTTP client and limits."""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from domeinwacht.net.dns import DnsError, Resolver
from domeinwacht.net.guard import AddressGuard
from domeinwacht.net.http import HttpClient, HttpLimits


@dataclass(frozen=True, slots=True)
class DiscoveryLimits:
    """Politeness and bounds; every value finite.

    Attributes:
        concurrency: DNS questions in flight at once per domain.
        per_try: seconds one question to one authoritative server may take.
        axfr_timeout / axfr_max_bytes: a zone transfer's time and size caps (a hostile server cannot fill memory).
        nsec_max_names: names an NSEC walk follows before it stops (and says so).
        nsec3_max_queries / nsec3_patience: random questions asked to collect NSEC3 hashes; stop after
            ``nsec3_patience`` questions in a row that brought no new hash.
        ct_max_entries: log entries read per log and run (the rest next run: CT is incremental).
        ct_batch: entries asked per get-entries request (a log may return fewer).
        max_hosts: hosts kept per domain (a zone with more is reported as truncated).
    """

    concurrency: int = 16
    per_try: float = 3.0
    axfr_timeout: float = 15.0
    axfr_max_bytes: int = 16 * 1024 * 1024
    nsec_max_names: int = 5_000
    nsec3_max_queries: int = 64
    nsec3_patience: int = 8
    ct_max_entries: int = 100_000
    ct_batch: int = 256
    max_hosts: int = 10_000


@dataclass
class DiscoveryContext:
    """The run's shared clients and settings (one per ``discover`` run, shared by every domain).

    Attributes:
        resolver: the run's caching resolver (the configured, validating one).
        guard: the address guard every source consults before it connects.
        ca_file: trusted roots for HTTPS (links source); ``None`` = the system's.
        ct_logs: base URLs of the CT logs to read (``https://log.example/2025h1/``).
        ct_start: per log URL, the tree size already read in an earlier run (read from there on).
        ct_names: DNS names from CT read so far: earlier runs' (stored), dumps given by the user, and what
            ``ct.refresh`` reads in this run.
        wordlist: labels to try under every domain (``wordlist.load()``), in order.
        limits: see ``DiscoveryLimits``.
    """

    resolver: Resolver
    guard: AddressGuard
    ca_file: Path | None = None
    ct_logs: tuple[str, ...] = ()
    ct_start: dict[str, int] = field(default_factory=dict)
    ct_names: set[str] = field(default_factory=set)
    wordlist: tuple[str, ...] = ()
    limits: DiscoveryLimits = field(default_factory=DiscoveryLimits)

    def __post_init__(self) -> None:
        self.semaphore = asyncio.Semaphore(self.limits.concurrency)
        self._http: HttpClient | None = None
        self.ct_error: str | None = None
        self.ct_done = False  # the logs were read for this run (ct.refresh)
        self.ct_lock = asyncio.Lock()

    @property
    def http(self) -> HttpClient:
        if self._http is None:
            self._http = HttpClient(guard=self.guard, ca_file=self.ca_file, limits=HttpLimits(max_body=8 << 20))
        return self._http

    async def addresses(self, host: str, *, any_family: bool = False) -> list[str]:
        """A and AAAA of ``host`` (an IP literal is its own address); empty when it has none or the lookup fails.

        ``any_family``: stop at the first family with an address (A, else AAAA) — for a server where one address
        will do (a name server to ask, a log to read).
        """
        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            pass
        found: list[str] = []
        for rdtype in ("A", "AAAA"):
            try:
                async with self.semaphore:
                    answer = await self.resolver.query(host, rdtype)
            except DnsError:
                continue
            found.extend(answer.records)
            if found and any_family:
                break
        return found


def under(name: str, domain: str) -> bool:
    """``name`` is ``domain`` or a name below it (case-insensitive, trailing dots ignored)."""
    name = name.lower().rstrip(".")
    domain = domain.lower().rstrip(".")
    return name == domain or name.endswith("." + domain)


async def name_servers(domain: str, ctx: DiscoveryContext) -> tuple[list[tuple[str, str]], str | None]:
    """``(ns_name, address)`` for the addresses of every NS of ``domain`` (IPv4, else IPv6); the error when none."""
    try:
        async with ctx.semaphore:
            answer = await ctx.resolver.query(domain, "NS")
    except DnsError as exc:
        return [], f"NS lookup failed: {exc.reason}"
    if not answer.records:
        return [], f"{domain} has no NS records ({answer.rcode})"
    servers: list[tuple[str, str]] = []
    for ns in answer.records:
        host = ns.rstrip(".").lower()
        servers.extend((host, ip) for ip in await ctx.addresses(host, any_family=True))
    if not servers:
        return [], "no address for any name server"
    return servers, None
