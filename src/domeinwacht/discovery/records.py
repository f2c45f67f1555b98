"""The records source: names under the domain that its own records point at.

MX and NS targets, SRV targets of common services (RFC 2782; RFC 6186 mail, RFC 6120 XMPP, Lync/Teams), the
names an SPF record includes (``include:``, ``a:``, ``mx:``, ``exists:``, ``redirect=``; RFC 7208 §5, §6.1) and the
CNAME targets of the domain and ``www``. Only names under the domain count: ``mail.provider.example`` is the
provider's, not the organisation's.
"""

from __future__ import annotations

import re

from domeinwacht.discovery.context import DiscoveryContext, under
from domeinwacht.discovery.found import SourceReport
from domeinwacht.net.dns import DnsError

SOURCE = "records"
SRV_SERVICES = (
    "_submission._tcp", "_submissions._tcp", "_imap._tcp", "_imaps._tcp", "_pop3s._tcp",  # RFC 6186, RFC 8314
    "_autodiscover._tcp", "_sip._tls", "_sipfederationtls._tcp", "_xmpp-server._tcp", "_xmpp-client._tcp",
    "_caldavs._tcp", "_carddavs._tcp", "_ldap._tcp",
)  # fmt: skip
_SPF_TARGET = re.compile(r"(?:^|\s)[+\-~?]?(?:include:|a:|mx:|exists:|redirect=)([^\s/]+)", re.IGNORECASE)


async def run(domain: str, ctx: DiscoveryContext) -> SourceReport:
    queries = 0
    names: set[str] = set()
    errors: list[str] = []

    async def ask(qname: str, rdtype: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        nonlocal queries
        queries += 1
        try:
            async with ctx.semaphore:
                answer = await ctx.resolver.query(qname, rdtype)
        except DnsError as exc:
            errors.append(f"{qname} {rdtype}: {exc.reason}")
            return (), ()
        return answer.records, answer.cname_chain

    mx, _ = await ask(domain, "MX")
    names |= {r.split()[-1] for r in mx}
    ns, _ = await ask(domain, "NS")
    names |= set(ns)
    for service in SRV_SERVICES:
        srv, _ = await ask(f"{service}.{domain}", "SRV")
        names |= {r.split()[-1] for r in srv}
    txt, _ = await ask(domain, "TXT")
    for record in txt:
        text = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', record)) or record
        if text.lower().startswith("v=spf1"):
            names |= {m.group(1) for m in _SPF_TARGET.finditer(text) if "%" not in m.group(1)}  # macros skipped
    for host in (domain, f"www.{domain}"):
        _, chain = await ask(host, "A")
        names |= set(chain[1:])
    kept = {n.lower().rstrip(".") for n in names}
    kept = {n for n in kept if under(n, domain) and n != domain and "*" not in n}
    error = "; ".join(errors[:3]) if errors and not kept else None
    return SourceReport(SOURCE, frozenset(kept), queries, error)
