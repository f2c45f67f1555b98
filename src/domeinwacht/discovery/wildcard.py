"""Wildcard detection: does the zone answer for any label (RFC 4592 ``*.domain``)?

Two random labels are asked (A, AAAA, following CNAMEs). When they exist, the zone has a wildcard, and a guessed
name whose answer is the wildcard's (the same addresses, or an alias to the same target) is not a host of its
own. Names found by a source that reads the zone itself (AXFR, NSEC, CT, links) are kept regardless: a real
``app.domain`` under a wildcard exists all the same.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from domeinwacht.discovery.context import DiscoveryContext
from domeinwacht.net.dns import DnsError

PROBES = 2


@dataclass(frozen=True, slots=True)
class Wildcard:
    """What a random label under the domain resolves to.

    Attributes:
        present: at least one random label exists.
        addresses: the addresses the random labels got.
        targets: the final CNAME targets the random labels got.
        queries: questions asked to find out.
        error: the lookups failed (then ``present`` is False and guessed names are not filtered).
    """

    present: bool
    addresses: frozenset[str] = frozenset()
    targets: frozenset[str] = frozenset()
    queries: int = 0
    error: str | None = None

    def explains(self, addresses: Sequence[str], chain: Sequence[str]) -> bool:
        """Whether a guessed name with this answer is just the wildcard answering."""
        if not self.present:
            return False
        if chain and chain[-1].lower() in self.targets:
            return True
        return bool(addresses) and set(addresses) <= self.addresses

    @property
    def answer(self) -> tuple[str, ...]:
        return tuple(sorted(self.addresses | self.targets))


def random_label() -> str:
    return "dw-" + secrets.token_hex(8)


async def detect(domain: str, ctx: DiscoveryContext) -> Wildcard:
    addresses: set[str] = set()
    targets: set[str] = set()
    queries = 0
    present = False
    for _ in range(PROBES):
        name = f"{random_label()}.{domain}"
        for rdtype in ("A", "AAAA"):
            try:
                async with ctx.semaphore:
                    queries += 1
                    answer = await ctx.resolver.query(name, rdtype)
            except DnsError as exc:
                return Wildcard(False, queries=queries, error=f"wildcard probe failed: {exc.reason}")
            if answer.rcode == "NXDOMAIN" and not answer.cname_chain:
                break
            if answer.records or answer.cname_chain:
                present = True
                addresses.update(answer.records)
                if answer.cname_chain:
                    targets.add(answer.cname_chain[-1].lower())
            if answer.records:
                break  # guessed names are judged on their first answer with records too (wordlist.run)
    return Wildcard(present, frozenset(addresses), frozenset(targets), queries)
