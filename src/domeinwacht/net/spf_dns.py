"""``SpfDns`` over our stub resolver (``domeinwacht.net.dns.Resolver``): the production DNS of the evaluator."""

from __future__ import annotations

import dns.name
import dns.rdataclass
import dns.rdatatype

from domeinwacht.mail.spf import SpfAnswer, SpfDnsError
from domeinwacht.net.dns import DnsError, Resolver, answer_from_message

MAX_TXT_BYTES = 8192  # a TXT RRset larger than this is no SPF record anyone can use; bound memory


class ResolverSpfDns:
    """Answers SPF questions through ``Resolver`` (cached per run); counts questions for the evidence."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.questions = 0

    async def query(self, name: str, rdtype: str) -> SpfAnswer:
        self.questions += 1
        try:
            message, server = await self.resolver.message(name, rdtype)
        except DnsError as exc:
            raise SpfDnsError(exc.reason) from None
        answer = answer_from_message(name, rdtype, message, server)
        if answer.rcode == "NXDOMAIN":
            return SpfAnswer("NXDOMAIN")
        if answer.rcode != "NOERROR":  # SERVFAIL, REFUSED, CNAME_LOOP…: RFC 7208 temperror
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
