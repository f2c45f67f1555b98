"""The DNS checks as specifications: observations in, verdicts with evidence and remedies out."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from domeinwacht.checks.dns import dnssec_status_result
from domeinwacht.checks.dns.dnssec import dnssec_algorithms, dnssec_secure
from domeinwacht.checks.dns.ns import ns_ipv4_reach, ns_ipv6, ns_ipv6_reach
from domeinwacht.checks.hygiene.dangling_cname import dangling_cname
from domeinwacht.checks.registry import CheckContext, registered
from domeinwacht.checks.result import Status
from domeinwacht.observations.dns import CaaLookup, CnameChain, DnsObservation, NameServer, NsProbe
from domeinwacht.observations.dnssec import DnssecResult, DnssecStatus, DsInfo, KeyInfo, ZoneLink
from domeinwacht.serde import from_jsonable, to_jsonable

CTX = CheckContext(now=datetime(2026, 11, 29, tzinfo=UTC))
NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)

GOOD_LINK = ZoneLink(
    "example.test.",
    DnssecStatus.SECURE,
    (DsInfo(12345, 13, 2),),
    (KeyInfo(12345, 13, 257), KeyInfo(54321, 13, 256)),
    "DNSKEY RRset of example.test. is signed by 12345/13/KSK",
)
SECURE = DnssecResult(
    "example.test.",
    "SOA",
    DnssecStatus.SECURE,
    "example.test. SOA is signed by key 54321 of example.test.",
    "example.test.",
    (ZoneLink(".", DnssecStatus.SECURE), ZoneLink("test.", DnssecStatus.SECURE), GOOD_LINK),
    "NOERROR",
    NOW,
)


def ns(
    name: str, v4: tuple[str, ...], v6: tuple[str, ...], *, lame: set[str] = frozenset(), down: set[str] = frozenset()
) -> NameServer:  # type: ignore[assignment]
    probes = []
    for family, addrs in ((4, v4), (6, v6)):
        for a in addrs:
            if a in down:
                probes.append(NsProbe(a, family, error=f"no answer over UDP from {a}:53 within 3s; no answer over TCP"))
            elif a in lame:
                probes.append(NsProbe(a, family, answered=True, rcode="REFUSED", transport="udp"))
            else:
                probes.append(NsProbe(a, family, answered=True, authoritative=True, rcode="NOERROR", transport="udp"))
    return NameServer(name, v4, v6, probes=tuple(probes))


GOOD = DnsObservation(
    domain="example.test",
    zone="example.test",
    dnssec=SECURE,
    ns=(
        ns("ns1.example.test", ("192.0.2.53",), ("2001:db8::53",)),
        ns("ns2.example.test", ("198.51.100.53",), ("2001:db8:1::53",)),
    ),
    caa=(
        CaaLookup("example.test", "example.test", ('0 issue "ca.test"',), ("example.test",)),
        CaaLookup("www.example.test", "example.test", ('0 issue "ca.test"',), ("www.example.test", "example.test")),
    ),
    cnames=(
        CnameChain("example.test", (), "NOERROR", ("192.0.2.1",)),
        CnameChain("www.example.test", ("www.example.test", "example.test"), "NOERROR", ("192.0.2.1",)),
    ),
)


def test_every_dns_check_id_is_registered() -> None:
    ids = set(registered())
    expected = {
        "dns.dnssec.secure",
        "dns.dnssec.algorithms",
        "dns.caa",
        "dns.ns.ipv6",
        "dns.ns.ipv6_reach",
        "dns.ns.ipv4_reach",
        "hygiene.dangling_cname",
    }
    assert expected <= ids


def test_the_observation_round_trips_through_json() -> None:
    assert from_jsonable(DnsObservation, to_jsonable(GOOD)) == GOOD


# -- dns.dnssec.secure ------------------------------------------------------------------------------------


def test_a_secure_domain_passes() -> None:
    result = dnssec_secure(GOOD, CTX)
    assert result.status is Status.PASS
    assert result.evidence["chain"][-1]["ds"] == ["12345/13/2"]
    assert result.remedy is None


def test_an_insecure_domain_fails_with_sign_remedy() -> None:
    link = ZoneLink("example.test.", DnssecStatus.INSECURE, (), (), "test. delegates example.test. without DS")
    insecure = replace(SECURE, status=DnssecStatus.INSECURE, reason=link.reason, chain=(*SECURE.chain[:2], link))
    result = dnssec_secure(replace(GOOD, dnssec=insecure), CTX)
    assert result.status is Status.FAIL
    assert "without DS" in result.summary
    assert result.remedy is not None and result.remedy.startswith("Sign the zone")


def test_a_signed_zone_without_ds_gets_the_publish_ds_remedy() -> None:
    link = ZoneLink("example.test.", DnssecStatus.INSECURE, (), (KeyInfo(1, 13, 257),), "no DS")
    insecure = replace(SECURE, status=DnssecStatus.INSECURE, reason="no DS", chain=(link,))
    result = dnssec_secure(replace(GOOD, dnssec=insecure), CTX)
    assert result.remedy is not None and "publish the DS" in result.remedy


def test_an_expired_signature_fails_with_the_precise_reason_and_resign_remedy() -> None:
    reason = "RRSIG for example.test. SOA by key 54321 expired 2026-11-01T00:00:00Z (now 2026-11-29T12:00:00Z)"
    bogus = replace(SECURE, status=DnssecStatus.BOGUS, reason=reason)
    result = dnssec_secure(replace(GOOD, dnssec=bogus), CTX)
    assert result.status is Status.FAIL
    assert reason in result.summary
    assert result.remedy is not None and result.remedy.startswith("Re-sign the zone")


def test_a_ds_mismatch_gets_the_update_ds_remedy() -> None:
    reason = "DS 4242/13/2 at test. matches no DNSKEY of example.test. (DNSKEYs present: 12345/13/KSK)"
    result = dnssec_secure(replace(GOOD, dnssec=replace(SECURE, status=DnssecStatus.BOGUS, reason=reason)), CTX)
    assert result.remedy is not None and "update the DS" in result.remedy


def test_an_indeterminate_result_is_an_error_never_a_pass() -> None:
    result = dnssec_secure(
        replace(GOOD, dnssec=replace(SECURE, status=DnssecStatus.INDETERMINATE, reason="SERVFAIL")), CTX
    )
    assert result.status is Status.ERROR
    assert "SERVFAIL" in result.summary


def test_no_validation_at_all_is_an_error_with_the_reason() -> None:
    result = dnssec_secure(replace(GOOD, dnssec=None, dnssec_error="trust anchor unusable: x"), CTX)
    assert result.status is Status.ERROR
    assert result.evidence["reason"] == "trust anchor unusable: x"


def test_the_shared_helper_words_other_check_ids_the_same() -> None:
    result = dnssec_status_result("mail.dnssec.secure", SECURE)
    assert result.check_id == "mail.dnssec.secure"
    assert result.summary == dnssec_secure(GOOD, CTX).summary


def test_the_shared_helper_accepts_a_stored_status_and_reason() -> None:
    from domeinwacht.observations.mail import DnssecStatusInfo

    stored = DnssecStatusInfo("mx.example.test", "bogus", "RRSIG for mx.example.test. A by key 1 expired …")
    result = dnssec_status_result("mail.dnssec.secure", stored)
    assert result.status is Status.FAIL
    assert result.summary.startswith("mx.example.test has broken DNSSEC (bogus): RRSIG")
    assert result.remedy and result.remedy.startswith("Re-sign")
    unknown = dnssec_status_result("mail.dnssec.secure", DnssecStatusInfo("mx.example.test", None, "not validated"))
    assert unknown.status is Status.ERROR


TLD_DS_BROKEN = replace(
    SECURE,
    status=DnssecStatus.BOGUS,
    reason="DS 4242/13/2 at . matches no DNSKEY of test. (DNSKEYs present: 54793/13/KSK)",
    zone="test.",
    chain=(ZoneLink(".", DnssecStatus.SECURE), ZoneLink("test.", DnssecStatus.BOGUS)),
)


def test_a_chain_broken_at_the_tld_is_an_error_naming_the_tld_without_remedy() -> None:
    result = dnssec_secure(replace(GOOD, dnssec=TLD_DS_BROKEN), CTX)
    assert result.status is Status.ERROR
    assert "breaks above the domain, at test (bogus: DS 4242/13/2 at . matches no DNSKEY of test." in result.summary
    assert result.remedy is None
    assert result.evidence["broken_at"] == "test."


def test_a_root_without_dnskey_is_blamed_on_the_root_not_the_domain() -> None:
    # What a resolver answering NXDOMAIN for everything looks like to the validator.
    reason = ". publishes no DNSKEY although DS 20326/8/2 at the trust anchor says it is signed"
    broken = replace(
        SECURE, status=DnssecStatus.BOGUS, reason=reason, zone=".", chain=(ZoneLink(".", DnssecStatus.BOGUS),)
    )
    result = dnssec_secure(replace(GOOD, dnssec=broken), CTX)
    assert result.status is Status.ERROR
    assert "breaks above the domain, at the root" in result.summary
    assert result.remedy is None


def test_an_unsigned_tld_is_not_the_domains_fail() -> None:
    unsigned = replace(
        TLD_DS_BROKEN,
        status=DnssecStatus.INSECURE,
        reason=". delegates test. without DS",
        chain=(ZoneLink(".", DnssecStatus.SECURE), ZoneLink("test.", DnssecStatus.INSECURE)),
    )
    assert dnssec_secure(replace(GOOD, dnssec=unsigned), CTX).status is Status.ERROR


def test_a_broken_ds_of_the_domain_itself_still_fails() -> None:
    reason = "DS 4242/13/2 at test. matches no DNSKEY of example.test. (DNSKEYs present: 12345/13/KSK)"
    chain = (*SECURE.chain[:2], replace(GOOD_LINK, status=DnssecStatus.BOGUS))
    own = replace(SECURE, status=DnssecStatus.BOGUS, reason=reason, chain=chain)
    result = dnssec_secure(replace(GOOD, dnssec=own), CTX)
    assert result.status is Status.FAIL
    assert result.evidence["broken_at"] == "example.test."


def test_a_broken_subzone_delegation_is_the_domains_fail() -> None:
    sub = replace(
        SECURE,
        qname="shop.example.test.",
        status=DnssecStatus.BOGUS,
        reason="shop.example.test. publishes no DNSKEY although DS 1/13/2 at example.test. says it is signed",
        zone="shop.example.test.",
        chain=(*SECURE.chain, ZoneLink("shop.example.test.", DnssecStatus.BOGUS)),
    )
    assert dnssec_status_result("dns.dnssec.secure", sub).status is Status.FAIL


def test_a_stored_mail_status_with_its_broken_zone_is_blamed_the_same_way() -> None:
    from domeinwacht.observations.mail import DnssecStatusInfo

    stored = DnssecStatusInfo("mx.example.test", "bogus", "DS 4242/13/2 at . matches no DNSKEY of test.", "test.")
    assert dnssec_status_result("mail.dnssec.secure", stored).status is Status.ERROR


def test_algorithms_are_an_error_when_the_chain_breaks_above_the_domain() -> None:
    result = dnssec_algorithms(replace(GOOD, dnssec=TLD_DS_BROKEN), CTX)
    assert result.status is Status.ERROR
    assert "breaks at test" in result.summary


# -- dns.dnssec.algorithms --------------------------------------------------------------------------------


def with_link(link: ZoneLink) -> DnsObservation:
    return replace(GOOD, dnssec=replace(SECURE, chain=(*SECURE.chain[:2], link)))


def test_modern_algorithms_pass() -> None:
    result = dnssec_algorithms(GOOD, CTX)
    assert result.status is Status.PASS
    assert result.evidence["dnskeys"][0]["algorithm_name"] == "ECDSAP256SHA256"


def test_rsasha1_signing_is_a_warning() -> None:
    link = replace(GOOD_LINK, dnskeys=(KeyInfo(1, 5, 257, 2048),), ds=(DsInfo(1, 5, 2),))
    result = dnssec_algorithms(with_link(link), CTX)
    assert result.status is Status.WARNING
    assert "algorithm 5 (RSASHA1)" in result.summary


def test_a_sha1_ds_digest_is_a_warning() -> None:
    link = replace(GOOD_LINK, ds=(DsInfo(12345, 13, 1),))
    result = dnssec_algorithms(with_link(link), CTX)
    assert result.status is Status.WARNING
    assert "digest type 1 (SHA-1)" in result.summary


def test_a_short_rsa_key_is_a_warning() -> None:
    link = replace(GOOD_LINK, dnskeys=(KeyInfo(7, 8, 257, 1024),), ds=(DsInfo(7, 8, 2),))
    result = dnssec_algorithms(with_link(link), CTX)
    assert result.status is Status.WARNING
    assert "1024-bit RSA key" in result.summary
    assert result.evidence["dnskeys"][0]["bits"] == 1024


def test_an_unsigned_zone_has_no_algorithms_to_judge() -> None:
    link = ZoneLink("example.test.", DnssecStatus.INSECURE, (), (), "no DS")
    result = dnssec_algorithms(with_link(link), CTX)
    assert result.status is Status.NOT_APPLICABLE


def test_algorithms_without_validation_is_an_error() -> None:
    assert dnssec_algorithms(replace(GOOD, dnssec=None), CTX).status is Status.ERROR


# -- dns.ns.* ---------------------------------------------------------------------------------------------


def test_two_name_servers_with_ipv6_pass() -> None:
    assert ns_ipv6(GOOD, CTX).status is Status.PASS


def test_one_name_server_with_ipv6_fails() -> None:
    obs = replace(GOOD, ns=(GOOD.ns[0], ns("ns2.example.test", ("198.51.100.53",), ())))
    result = ns_ipv6(obs, CTX)
    assert result.status is Status.FAIL
    assert "Only 1 of 2" in result.summary
    assert result.remedy


def test_ns_lookup_failure_is_an_error_for_every_ns_check() -> None:
    obs = replace(GOOD, ns=(), ns_error="NS lookup for example.test failed: no answer within 8.0s")
    for fn in (ns_ipv6, ns_ipv6_reach, ns_ipv4_reach):
        result = fn(obs, CTX)
        assert result.status is Status.ERROR
        assert "no answer within" in result.summary


def test_every_ns_answering_over_ipv6_passes() -> None:
    assert ns_ipv6_reach(GOOD, CTX).status is Status.PASS


def test_some_ns_silent_over_ipv6_is_a_warning_naming_the_address() -> None:
    obs = replace(
        GOOD, ns=(GOOD.ns[0], ns("ns2.example.test", ("198.51.100.53",), ("2001:db8:1::53",), down={"2001:db8:1::53"}))
    )
    result = ns_ipv6_reach(obs, CTX)
    assert result.status is Status.WARNING
    assert "[2001:db8:1::53]:53 (ns2.example.test) did not answer" in result.summary


def test_no_ns_answering_over_ipv6_fails() -> None:
    down = {"2001:db8::53", "2001:db8:1::53"}
    obs = replace(GOOD, ns=tuple(ns(n.name, n.ipv4, n.ipv6, down=down) for n in GOOD.ns))
    assert ns_ipv6_reach(obs, CTX).status is Status.FAIL


def test_no_ns_with_ipv6_fails_ipv6_reach() -> None:
    obs = replace(GOOD, ns=tuple(ns(n.name, n.ipv4, ()) for n in GOOD.ns))
    result = ns_ipv6_reach(obs, CTX)
    assert result.status is Status.FAIL
    assert "IPv6 address" in result.summary


def test_every_ns_answering_authoritatively_over_ipv4_passes() -> None:
    assert ns_ipv4_reach(GOOD, CTX).status is Status.PASS


def test_a_lame_name_server_fails_ipv4_reach() -> None:
    obs = replace(GOOD, ns=(GOOD.ns[0], ns("ns2.example.test", ("198.51.100.53",), (), lame={"198.51.100.53"})))
    result = ns_ipv4_reach(obs, CTX)
    assert result.status is Status.FAIL
    assert "198.51.100.53:53 (ns2.example.test) answered without authority (REFUSED)" in result.summary
    assert "lame delegation" in (result.remedy or "")


def test_an_unreachable_name_server_fails_ipv4_reach() -> None:
    obs = replace(GOOD, ns=(GOOD.ns[0], ns("ns2.example.test", ("198.51.100.53",), (), down={"198.51.100.53"})))
    assert ns_ipv4_reach(obs, CTX).status is Status.FAIL


def test_a_name_server_without_any_address_fails_ipv4_reach() -> None:
    obs = replace(GOOD, ns=(GOOD.ns[0], NameServer("ghost.example.test")))
    result = ns_ipv4_reach(obs, CTX)
    assert result.status is Status.FAIL
    assert "ghost.example.test" in result.summary


def test_an_address_refused_by_the_guard_is_an_error_not_a_pass() -> None:
    refused = NsProbe("192.0.2.53", 4, error="refusing to connect to 192.0.2.53: documentation-range address")
    obs = replace(GOOD, ns=(NameServer("ns1.example.test", ("192.0.2.53",), (), probes=(refused,)),))
    assert ns_ipv4_reach(obs, CTX).status is Status.ERROR


# -- hygiene.dangling_cname -------------------------------------------------------------------------------


def test_chains_that_resolve_pass() -> None:
    result = dangling_cname(GOOD, CTX)
    assert result.status is Status.PASS
    assert "www.example.test -> example.test resolves to 192.0.2.1" in result.summary


def test_a_chain_ending_in_nxdomain_fails() -> None:
    gone = CnameChain("www.example.test", ("www.example.test", "old.cloud.test"), "NXDOMAIN", ())
    result = dangling_cname(replace(GOOD, cnames=(GOOD.cnames[0], gone)), CTX)
    assert result.status is Status.FAIL
    assert "old.cloud.test ends in a name that does not exist" in result.summary
    assert result.remedy and "takeover" in result.remedy


def test_a_chain_ending_without_addresses_is_a_warning() -> None:
    empty = CnameChain("www.example.test", ("www.example.test", "mx-only.test"), "NOERROR", ())
    assert dangling_cname(replace(GOOD, cnames=(empty,)), CTX).status is Status.WARNING


def test_a_cname_loop_fails_naming_the_loop() -> None:
    loop = CnameChain("www.example.test", ("www.example.test", "a.test", "www.example.test"), "CNAME_LOOP", ())
    result = dangling_cname(replace(GOOD, cnames=(loop,)), CTX)
    assert result.status is Status.FAIL
    assert "CNAME loop" in result.summary


def test_a_failed_lookup_is_an_error() -> None:
    broken = CnameChain("www.example.test", error="A lookup for www.example.test failed: no answer within 8.0s")
    assert dangling_cname(replace(GOOD, cnames=(broken,)), CTX).status is Status.ERROR


def test_hosts_without_aliases_pass() -> None:
    plain = (CnameChain("example.test", (), "NOERROR", ("192.0.2.1",)), CnameChain("www.example.test", (), "NXDOMAIN"))
    assert dangling_cname(replace(GOOD, cnames=plain), CTX).status is Status.PASS
