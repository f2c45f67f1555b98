"""``SpfDns`` over our stub resolver (``domeinwacht.net.dns.Resolver``): the production DNS of the evaluator."""

from __future__ import annotations

from dataclasses import replace

import dns.message
import dns.name
import dns.rdataclass
import dns.rdatatype

from domeinwacht.mail.spf import SpfAnswer, SpfDnsError
from domeinwacht.net.dns import MAX_CNAME_CHAIN, DnsAnswer, DnsError, Resolver, answer_from_message

MAX_TXT_BYTES = 8192  # a TXT RRset larger than this is no SPF record anyone can use; bound memory


class ResolverSpfDns:
    """Answers SPF questions through ``Resolver`` (cached per run); counts questions for the evidence."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.questions = 0

    async def query(self, name: str, rdtype: str) -> SpfAnswer:
        self.questions += 1
        message, answer = await self._follow(name, rdtype)
        if answer.rcode == "NXDOMAIN":
            return SpfAnswer("NXDOMAIN")
        if answer.rcode == "CNAME_LOOP":  # RFC 7208 temperror, and the owner must see which names loop
            raise SpfDnsError(f"CNAME loop for {rdtype} {name}: {' -> '.join(answer.cname_chain)}")
        if answer.rcode != "NOERROR":  # SERVFAIL, REFUSED…: RFC 7208 temperror
            raise SpfDnsError(f"{answer.rcode} for {rdtype} {name}")
        owner = dns.name.from_text(answer.cname_chain[-1] if answer.cname_chain else name)
        rrset = message.get_rrset(message.answer, owner, dns.rdataclass.IN, dns.rdatatype.from_text(rdtype))
        if rrset is None:
            return SpfAnswer("NOERROR")
        records: list[str] = []
        for rdata in rrset:
            if rdtype == "TXT":
                raw = b"".join(rdata.strings)
                if len(raw) > MAX_TXT_BYTES:
                    raw = raw[:MAX_TXT_BYTES]
                records.append(raw.decode("utf-8", "replace"))
            elif rdtype == "MX":
                records.append(rdata.exchange.to_text(omit_final_dot=True))
            elif rdtype == "PTR":
                records.append(rdata.target.to_text(omit_final_dot=True))
            else:
                records.append(rdata.to_text())
        return SpfAnswer("NOERROR", tuple(records))

    async def _follow(self, name: str, rdtype: str) -> tuple[dns.message.Message, DnsAnswer]:
        """The response holding the answer, following a CNAME chain a resolver left unfinished.

        A resolver may answer a CNAME without its target's data; then the last target is asked again (as
        ``Resolver.query`` does), with one loop check over the whole chain, so that a loop at the apex is
        named instead of read as "no TXT record".
        """
        try:
            message, server = await self.resolver.message(name, rdtype)
        except DnsError as exc:
            raise SpfDnsError(exc.reason) from None
        answer = answer_from_message(name, rdtype, message, server)
        chain = list(answer.cname_chain)
        while (
            chain
            and answer.rcode == "NOERROR"
            and not answer.records
            and not any(r.rdtype == dns.rdatatype.SOA for r in message.authority)
        ):
            if len(chain) > MAX_CNAME_CHAIN:
                return message, replace(answer, rcode="CNAME_LOOP", cname_chain=tuple(chain))
            try:
                message, server = await self.resolver.message(chain[-1], rdtype)
            except DnsError as exc:
                raise SpfDnsError(exc.reason) from None
            step = answer_from_message(chain[-1], rdtype, message, server)
            more = list(step.cname_chain[1:])
            seen = {n.lower().rstrip(".") for n in chain}
            if step.rcode == "CNAME_LOOP" or any(n.lower().rstrip(".") in seen for n in more):
                return message, replace(answer, rcode="CNAME_LOOP", cname_chain=(*chain, *more))
            chain.extend(more)
            answer = replace(step, qname=name, cname_chain=tuple(chain))
            if not more:
                break
        return message, answer
