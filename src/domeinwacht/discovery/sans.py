"""The SAN source: the other names on the certificates of known hosts (a certificate for ``www`` often also
covers ``mail``, ``intranet`` or an old campaign site). One TLS handshake per address of the apex and ``www``."""

from __future__ import annotations

from domeinwacht.discovery.context import DiscoveryContext
from domeinwacht.discovery.ct import certificate_names, hosts_under
from domeinwacht.discovery.found import SourceReport
from domeinwacht.net.leaf_cert import LeafError, fetch_leaf

SOURCE = "sans"


async def run(domain: str, ctx: DiscoveryContext, known: tuple[str, ...] = ()) -> SourceReport:
    names: set[str] = set()
    handshakes = 0
    errors: list[str] = []
    for host in dict.fromkeys((domain, f"www.{domain}", *known)):
        for ip in (await ctx.addresses(host))[:2]:
            handshakes += 1
            try:
                async with ctx.semaphore:
                    der = await fetch_leaf(ip, host, ctx.guard, limit=ctx.limits.per_try * 2)
            except LeafError as exc:
                errors.append(f"{host}: {exc}")
                continue
            names |= hosts_under(certificate_names(der), domain)
            break  # one certificate per host name is enough
    error = "; ".join(errors[:3]) if errors and not names and handshakes == len(errors) else None
    return SourceReport(SOURCE, frozenset(names), handshakes, error)
