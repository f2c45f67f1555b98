"""Run the discovery sources for one domain and turn their names into hosts."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from domeinwacht.discovery import axfr, ct, links, nsec, records, sans, wildcard, wordlist
from domeinwacht.discovery.context import DiscoveryContext
from domeinwacht.discovery.found import Discovery, FoundHost, SourceReport
from domeinwacht.net.dns import DnsError

SOURCES = ("axfr", "nsec", "wordlist", "ct", "records", "sans", "links")
CHEAP = ("axfr", "nsec", "wordlist", "sans")  # what `check` runs by default (a few dozen queries, two handshakes)


async def _resolve(name: str, ctx: DiscoveryContext) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
    """(rcode, addresses, cname chain) of ``name``; ``None`` when the lookup itself failed."""
    addresses: list[str] = []
    chain: tuple[str, ...] = ()
    rcode = "NOERROR"
    for rdtype in ("A", "AAAA"):
        try:
            async with ctx.semaphore:
                answer = await ctx.resolver.query(name, rdtype)
        except DnsError:
            return None
        rcode = answer.rcode
        chain = chain or answer.cname_chain
        addresses.extend(answer.records)
        if rcode in ("NXDOMAIN", "CNAME_LOOP"):
            break
    return rcode, tuple(sorted(set(addresses))), chain


async def discover(
    domain: str,
    ctx: DiscoveryContext,
    sources: Sequence[str] = SOURCES,
    *,
    extra_labels: tuple[str, ...] = (),
    known: tuple[str, ...] = (),
) -> Discovery:
    """The hosts under ``domain`` that ``sources`` find (``extra_labels``: labels found at other organisations)."""
    domain = domain.lower().rstrip(".")
    unknown = set(sources) - set(SOURCES)
    if unknown:
        raise ValueError(f"unknown discovery source(s): {', '.join(sorted(unknown))} (known: {', '.join(SOURCES)})")
    # Only guessed names need the wildcard's answer to be told apart (the other sources read real names).
    card = await wildcard.detect(domain, ctx) if "wordlist" in sources else wildcard.Wildcard(False)
    runners: dict[str, Callable[[], Awaitable[SourceReport]]] = {
        "axfr": lambda: axfr.run(domain, ctx),
        "nsec": lambda: nsec.run(domain, ctx, extra_labels),
        "wordlist": lambda: wordlist.run(domain, ctx, card, extra_labels),
        "ct": lambda: ct.run(domain, ctx),
        "records": lambda: records.run(domain, ctx),
        "sans": lambda: sans.run(domain, ctx, known),
        "links": lambda: links.run(domain, ctx, known),
    }
    chosen = [s for s in SOURCES if s in sources]
    reports = dict(zip(chosen, await asyncio.gather(*(runners[s]() for s in chosen)), strict=True))
    by_name: dict[str, set[str]] = {}
    for report in reports.values():
        for name in report.names:
            if not any(label.startswith("_") for label in name.split(".")):  # service labels are not hosts
                by_name.setdefault(name, set()).add(report.source)
    names = sorted(by_name)[: ctx.limits.max_hosts]
    resolved = await asyncio.gather(*(_resolve(n, ctx) for n in names))
    hosts: list[FoundHost] = []
    unresolved: list[str] = []
    for name, outcome in zip(names, resolved, strict=True):
        if outcome is None:
            continue
        rcode, addresses, chain = outcome
        if addresses or chain:
            hosts.append(FoundHost(name, tuple(sorted(by_name[name])), addresses, chain, rcode))
        elif rcode == "NXDOMAIN":
            unresolved.append(name)
    if card.error:
        reports["wordlist"] = (
            SourceReport("wordlist", reports["wordlist"].names, reports["wordlist"].queries, card.error)
            if "wordlist" in reports
            else reports.get("wordlist", SourceReport("wordlist"))
        )
    return Discovery(domain, tuple(hosts), card.present, card.answer, reports, tuple(unresolved))
