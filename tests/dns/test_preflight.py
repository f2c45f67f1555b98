"""The resolver preflight against an honest fake resolver and three liars (net.preflight)."""

from __future__ import annotations

import asyncio
from typing import Any

import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
from dnszones import NOW, FakeNet, Zone, make_key, standard_tree

from domeinwacht.net.dns import DnsTimeoutError, answer_from_message
from domeinwacht.net.preflight import preflight


class Liar:
    """A resolver wrapping an honest FakeNet and lying in one way (``mode``)."""

    def __init__(self, honest: FakeNet, mode: str) -> None:
        self.honest, self.mode = honest, mode

    async def message(self, qname: str, rdtype: str, *, dnssec: bool = False) -> tuple[dns.message.Message, str]:
        message, server = await self.honest.message(qname, rdtype, dnssec=dnssec)
        if self.mode == "nxdomain":
            response = dns.message.make_response(dns.message.make_query(qname, rdtype))
            response.set_rcode(dns.rcode.NXDOMAIN)
            return response, server
        if self.mode == "strip":
            for section in (message.answer, message.authority):
                section[:] = [r for r in section if r.rdtype not in (dns.rdatatype.RRSIG,)]
            return message, server
        if self.mode == "rewrite" and message.rcode() == dns.rcode.NXDOMAIN:
            response = dns.message.make_response(dns.message.make_query(qname, rdtype))
            if rdtype == "A":
                rrset = response.find_rrset(
                    response.answer, dns.name.from_text(qname), dns.rdataclass.IN, dns.rdatatype.A, create=True
                )
                rrset.add(dns.rdata.from_text("IN", "A", "192.0.2.99"), 60)
            return response, server
        return message, server

    async def query(self, qname: str, rdtype: str, *, dnssec: bool = False) -> Any:
        message, server = await self.message(qname, rdtype, dnssec=dnssec)
        return answer_from_message(qname, rdtype, message, server)


def run(source: Any, net: FakeNet) -> Any:
    return asyncio.run(preflight(source, net.anchors(), zone="test", now=NOW, label="dw-preflight-0"))


def test_an_honest_validating_path_passes_every_step() -> None:
    net, *_ = standard_tree()
    result = run(net, net)
    assert result.ok, result.problem
    assert len(result.steps) == 4
    assert "dw-preflight-0.test. is an authenticated denial" in result.steps[-1]


def test_an_nsec3_opt_out_denial_counts_as_authenticated() -> None:
    # nl. signs with NSEC3 opt-out: a random name falls in an opt-out span, which validates as insecure.
    root = Zone(".", keys=[make_key(13, ksk=True, index=1)])
    tld = Zone("test.", denial="nsec3", nsec3_optout=True, keys=[make_key(13, ksk=True, index=2)])
    root.delegate(tld)
    net = FakeNet(root, tld)
    result = run(net, net)
    assert result.ok, result.problem


def test_a_resolver_answering_nxdomain_for_everything_is_refused() -> None:
    net, *_ = standard_tree()
    result = run(Liar(net, "nxdomain"), net)
    assert not result.ok
    assert result.problem == "answers NXDOMAIN without records for the root NS set (. NS): it cannot resolve"


def test_a_resolver_stripping_signatures_is_refused() -> None:
    net, *_ = standard_tree()
    result = run(Liar(net, "strip"), net)
    assert not result.ok
    assert result.problem == "strips DNSSEC signatures: the DNSKEY RRset of . comes without RRSIG"


def test_a_resolver_rewriting_nxdomain_to_an_address_is_refused() -> None:
    net, *_ = standard_tree()
    result = run(Liar(net, "rewrite"), net)
    assert not result.ok
    assert result.problem.startswith("rewrites NXDOMAIN: dw-preflight-0.test., which does not exist, answered with")
    assert "192.0.2.99" in result.problem
    assert len(result.steps) == 3


def test_a_silent_resolver_is_refused_with_the_reason() -> None:
    net, *_ = standard_tree()

    class Silent(Liar):
        async def message(self, qname: str, rdtype: str, *, dnssec: bool = False) -> tuple[dns.message.Message, str]:
            raise DnsTimeoutError(qname, rdtype, "no answer within 8.0s")

    result = run(Silent(net, ""), net)
    assert not result.ok
    assert result.problem == "does not answer: no answer within 8.0s"


def test_a_root_key_set_not_matching_the_trust_anchor_is_refused() -> None:
    net, *_ = standard_tree()
    other, *_ = standard_tree()
    other.zones[0].keys = other.zones[1].keys[:1]  # another root key than the anchor's
    other.rebuild()
    result = asyncio.run(preflight(other, net.anchors(), zone="test", now=NOW, label="dw-preflight-0"))
    assert not result.ok
    assert result.problem.startswith("returns a DNSKEY RRset for . that does not validate against the trust anchor")
