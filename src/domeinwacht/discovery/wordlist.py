"""The wordlist source: labels tried under every domain, with wildcard filtering.

``data/wordlist.tsv`` is curated: each label says where it comes from (a label other government bodies registered,
an RFC 2219 well-known alias, a product's fixed host name…). Labels found at one organisation are tried at the
others: ``run.discover(…, extra_labels=…)`` adds them for the rest of a run. ``check`` tries the first
``SHORT`` labels; ``discover`` tries them all.
"""

from __future__ import annotations

import asyncio
import re
from importlib import resources

from domeinwacht.discovery.context import DiscoveryContext
from domeinwacht.discovery.found import SourceReport
from domeinwacht.discovery.wildcard import Wildcard
from domeinwacht.net.dns import DnsError

SOURCE = "wordlist"
SHORT = 100
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")  # RFC 1123 §2.1 host label


def load(path: str | None = None) -> tuple[tuple[str, str], ...]:
    """``(label, origin)`` pairs from ``path`` (TSV, ``#`` comments) or the packaged list."""
    if path is None:
        text = resources.files("domeinwacht.discovery").joinpath("data/wordlist.tsv").read_text("utf-8")
    else:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        label, _, origin = line.partition("\t")
        label = label.strip().lower()
        if not _LABEL.match(label):
            raise ValueError(f"wordlist line {number}: {label!r} is not a host label (RFC 1123: a-z, 0-9, -)")
        if label not in seen:
            seen.add(label)
            rows.append((label, origin.strip()))
    return tuple(rows)


def labels(short: bool = False) -> tuple[str, ...]:
    rows = load()
    return tuple(label for label, _ in (rows[:SHORT] if short else rows))


async def run(domain: str, ctx: DiscoveryContext, wildcard: Wildcard, extra: tuple[str, ...] = ()) -> SourceReport:
    """Ask A (and AAAA where A is empty) for every label; keep names that exist and are not the wildcard's answer."""
    queries = 0
    tried = tuple(dict.fromkeys((*ctx.wordlist, *extra)))

    async def probe(label: str) -> str | None:
        nonlocal queries
        name = f"{label}.{domain}"
        seen_answer: list[str] = []
        chain: tuple[str, ...] = ()
        for rdtype in ("A", "AAAA"):
            try:
                async with ctx.semaphore:
                    queries += 1
                    answer = await ctx.resolver.query(name, rdtype)
            except DnsError:
                return None
            if answer.rcode == "NXDOMAIN" and not answer.cname_chain:
                return None  # no such name: AAAA would say the same
            if answer.rcode not in ("NOERROR", "NXDOMAIN", "CNAME_LOOP"):
                return None
            seen_answer.extend(answer.records)
            chain = chain or answer.cname_chain
            if answer.records:
                break
        if wildcard.explains(seen_answer, chain):
            return None
        return name

    found = await asyncio.gather(*(probe(label) for label in tried))
    return SourceReport(
        SOURCE, frozenset(n for n in found if n), queries, None, {"labels": len(tried), "wildcard": wildcard.present}
    )
