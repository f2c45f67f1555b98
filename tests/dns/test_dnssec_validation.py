"""DNSSEC chain-of-trust validation on zones signed in the test, served by an in-process fake resolver."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import dns.name
import dns.rdatatype
import pytest
from dnszones import NOW, FakeNet, Zone, make_key, name, standard_tree

from domeinwacht.net.dnssec import validate
from domeinwacht.observations.dnssec import DnssecStatus


def run(net: FakeNet, qname: str, rdtype: str = "A", **kwargs):  # type: ignore[no-untyped-def]
    anchors = kwargs.pop("anchors", None) or net.anchors()
    return asyncio.run(validate(net, qname, rdtype, anchors=anchors, now=kwargs.pop("now", NOW)))


def test_a_fully_signed_chain_is_secure() -> None:
    net, *_ = standard_tree()
    result = run(net, "example.test.")
    assert result.status is DnssecStatus.SECURE, result.reason
    assert [link.zone for link in result.chain] == [".", "test.", "example.test."]
    assert result.zone == "example.test."
    assert "example.test. A is signed by key" in result.reason


def test_a_dnskey_trust_anchor_works_like_a_ds_anchor() -> None:
    net, *_ = standard_tree()
    result = run(net, "example.test.", anchors=net.anchors(as_dnskey=True))
    assert result.status is DnssecStatus.SECURE, result.reason


def test_the_chain_records_ds_digest_types_and_key_algorithms() -> None:
    net, *_ = standard_tree()
    link = run(net, "example.test.", "SOA").zone_link
    assert link is not None
    assert {d.digest_type for d in link.ds} == {2}
    assert {k.algorithm for k in link.dnskeys} == {13}
    assert {k.flags for k in link.dnskeys} == {256, 257}


def test_rsa_key_sizes_are_reported() -> None:
    example = Zone("example.test.", keys=[make_key(8, ksk=True, bits=1024)])
    net, *_ = standard_tree(example=example)
    link = run(net, "example.test.", "SOA").zone_link
    assert link is not None
    assert [k.key_bits for k in link.dnskeys] == [1024]


def test_an_expired_rrsig_is_bogus_naming_the_rrset_key_and_window() -> None:
    example = Zone("example.test.")
    expired = (NOW - timedelta(days=60), NOW - timedelta(days=28))
    example.sig_window[(name("example.test."), dns.rdatatype.A)] = expired
    net, *_ = standard_tree(example=example)
    result = run(net, "example.test.")
    assert result.status is DnssecStatus.BOGUS
    zsk = example.keys[1].tag
    assert f"RRSIG for example.test. A by key {zsk} expired 2026-11-01T12:00:00Z" in result.reason
    assert "now 2026-11-29T12:00:00Z" in result.reason


def test_a_not_yet_valid_rrsig_is_bogus() -> None:
    example = Zone("example.test.")
    example.sig_window[(name("example.test."), dns.rdatatype.A)] = (
        NOW + timedelta(days=1),
        NOW + timedelta(days=30),
    )
    net, *_ = standard_tree(example=example)
    result = run(net, "example.test.")
    assert result.status is DnssecStatus.BOGUS
    assert "not yet valid: inception 2026-11-30T12:00:00Z" in result.reason


def test_a_signature_that_does_not_verify_is_bogus() -> None:
    net, *_ = standard_tree()
    net.tamper.add((name("example.test."), dns.rdatatype.A))
    result = run(net, "example.test.")
    assert result.status is DnssecStatus.BOGUS
    assert "does not verify" in result.reason


def test_a_ds_matching_no_dnskey_is_bogus_naming_the_ds() -> None:
    net, _root, test, example = standard_tree()
    test.remove("example.test.", "DS")
    test.add("example.test.", "DS", "4242 13 2 " + "00" * 32)
    net.rebuild()
    result = run(net, "example.test.")
    assert result.status is DnssecStatus.BOGUS
    assert result.reason.startswith("DS 4242/13/2 at test. matches no DNSKEY of example.test.")
    assert str(example.ksk.tag) in result.reason


def test_a_ds_for_a_zone_without_dnskey_is_bogus() -> None:
    example = Zone("example.test.", publish_dnskey=False)
    net, *_ = standard_tree(example=example)
    result = run(net, "example.test.")
    assert result.status is DnssecStatus.BOGUS
    assert "example.test. publishes no DNSKEY although DS" in result.reason


def test_dnskey_set_signed_only_by_a_key_outside_the_ds_is_bogus() -> None:
    example = Zone("example.test.")
    net, _root, test, _ = standard_tree(example=example)
    # the parent's DS names the ZSK, which does not sign the DNSKEY RRset
    import dns.dnssec

    test.remove("example.test.", "DS")
    made = dns.dnssec.make_ds(example.origin, example.keys[1].dnskey, 2)
    test.add("example.test.", "DS", made.to_text())
    net.rebuild()
    result = run(net, "example.test.")
    assert result.status is DnssecStatus.BOGUS
    assert "RRSIG for example.test. DNSKEY by key" in result.reason
    assert "has no matching usable DNSKEY" in result.reason


def test_no_ds_proven_by_nsec_is_insecure() -> None:
    example = Zone("example.test.", signed=False)
    net, *_ = standard_tree(example=example, ds=False)
    result = run(net, "example.test.")
    assert result.status is DnssecStatus.INSECURE
    assert "test. delegates example.test. without DS (proven by the NSEC" in result.reason
    assert result.zone == "example.test."


def test_a_signed_zone_without_ds_is_insecure_and_says_the_ds_is_missing() -> None:
    net, *_ = standard_tree(ds=False)
    result = run(net, "example.test.")
    assert result.status is DnssecStatus.INSECURE
    assert "a DS at the parent is missing" in result.reason


def test_no_ds_proven_by_nsec3_is_insecure() -> None:
    example = Zone("example.test.", signed=False)
    net, *_ = standard_tree(example=example, ds=False, test_denial="nsec3")
    result = run(net, "example.test.")
    assert result.status is DnssecStatus.INSECURE
    assert "proven by the NSEC3" in result.reason


def test_an_nsec3_opt_out_span_is_insecure() -> None:
    example = Zone("example.test.", signed=False)
    net, _root, test, _ = standard_tree(example=example, ds=False, test_denial="nsec3")
    test.nsec3_optout = True
    net.rebuild()
    result = run(net, "example.test.")
    assert result.status is DnssecStatus.INSECURE
    assert "opt-out" in result.reason


def test_a_missing_denial_of_ds_is_bogus() -> None:
    example = Zone("example.test.", signed=False)
    net, *_ = standard_tree(example=example, ds=False)
    net.strip_denial.add(name("example.test."))
    result = run(net, "example.test.")
    assert result.status is DnssecStatus.BOGUS
    assert "no NSEC/NSEC3 proving its absence" in result.reason


def test_a_secure_delegation_with_nsec3_parent_is_secure() -> None:
    net, *_ = standard_tree(test_denial="nsec3")
    assert run(net, "example.test.").status is DnssecStatus.SECURE


def test_a_name_inside_the_zone_is_not_mistaken_for_a_zone_cut() -> None:
    net, _root, _test, example = standard_tree()
    example.add("deep.er.example.test.", "A", "192.0.2.7")
    net.rebuild()
    result = run(net, "deep.er.example.test.")
    assert result.status is DnssecStatus.SECURE, result.reason
    assert result.zone == "example.test."


def test_a_signed_cname_to_a_secure_name_is_secure() -> None:
    net, *_ = standard_tree()
    result = run(net, "www.example.test.")
    assert result.status is DnssecStatus.SECURE, result.reason
    assert result.reason.startswith("www.example.test. is a signed CNAME to example.test.")


def test_a_cname_into_an_insecure_zone_is_insecure() -> None:
    other = Zone("other.test.", signed=False)
    other.add("host.other.test.", "A", "192.0.2.9")
    net, _root, test, example = standard_tree()
    example.add("cdn.example.test.", "CNAME", "host.other.test.")
    test.delegate(other, ds=False)
    net.zones.append(other)
    net.rebuild()
    result = run(net, "cdn.example.test.")
    assert result.status is DnssecStatus.INSECURE
    assert "host.other.test." in result.reason


def test_a_cname_loop_is_indeterminate() -> None:
    net, _root, _test, example = standard_tree()
    example.add("a.example.test.", "CNAME", "b.example.test.")
    example.add("b.example.test.", "CNAME", "a.example.test.")
    net.rebuild()
    result = run(net, "a.example.test.")
    assert result.status is DnssecStatus.INDETERMINATE
    assert "CNAME loop" in result.reason


def test_nxdomain_proven_by_nsec_is_secure() -> None:
    net, *_ = standard_tree()
    result = run(net, "missing.example.test.")
    assert result.status is DnssecStatus.SECURE, result.reason
    assert result.rcode == "NXDOMAIN"
    assert "NXDOMAIN, authenticated by the NSEC" in result.reason


def test_nxdomain_proven_by_nsec3_is_secure() -> None:
    example = Zone("example.test.", denial="nsec3")
    net, *_ = standard_tree(example=example)
    result = run(net, "missing.example.test.")
    assert result.status is DnssecStatus.SECURE, result.reason
    assert "closest encloser example.test." in result.reason


def test_nodata_proven_by_nsec3_is_secure() -> None:
    example = Zone("example.test.", denial="nsec3")
    net, *_ = standard_tree(example=example)
    result = run(net, "example.test.", "AAAA")
    assert result.status is DnssecStatus.SECURE, result.reason
    assert "no AAAA record, authenticated by the NSEC3" in result.reason


def test_nodata_proven_by_nsec_is_secure() -> None:
    net, *_ = standard_tree()
    result = run(net, "example.test.", "AAAA")
    assert result.status is DnssecStatus.SECURE, result.reason


def test_nxdomain_without_proof_is_bogus() -> None:
    net, *_ = standard_tree()
    net.strip_denial.add(name("missing.example.test."))
    result = run(net, "missing.example.test.")
    assert result.status is DnssecStatus.BOGUS
    assert "sent no NSEC/NSEC3 proof" in result.reason


def test_servfail_is_indeterminate() -> None:
    net, *_ = standard_tree()
    net.servfail.add((name("example.test."), dns.rdatatype.A))
    result = run(net, "example.test.")
    assert result.status is DnssecStatus.INDETERMINATE
    assert "SERVFAIL" in result.reason


def test_a_timeout_is_indeterminate_with_the_reason() -> None:
    net, *_ = standard_tree()
    net.timeout.add((name("example.test."), dns.rdatatype.DNSKEY))
    result = run(net, "example.test.")
    assert result.status is DnssecStatus.INDETERMINATE
    assert "DNSKEY query for example.test. failed: no answer within" in result.reason


def test_a_name_outside_every_anchor_is_indeterminate() -> None:
    net, *_ = standard_tree()
    from domeinwacht.net.dnssec import parse_trust_anchors

    anchors = parse_trust_anchors("other. IN DS 1 13 2 " + "00" * 32)
    result = run(net, "example.test.", anchors=anchors)
    assert result.status is DnssecStatus.INDETERMINATE
    assert "no trust anchor covers" in result.reason


def test_validations_are_cached_per_zone_per_run() -> None:
    net, _root, _test, example = standard_tree()
    example.add("mail.example.test.", "A", "192.0.2.25")
    net.rebuild()
    anchors = net.anchors()

    async def both() -> None:
        await validate(net, "example.test.", "A", anchors=anchors, now=NOW)
        net.asked.clear()
        await validate(net, "mail.example.test.", "A", anchors=anchors, now=NOW)

    asyncio.run(both())
    assert ("test.", "DNSKEY") not in net.asked
    assert (".", "DNSKEY") not in net.asked


@pytest.mark.parametrize("algorithm", [8, 13, 14])
def test_each_common_algorithm_validates(algorithm: int) -> None:
    keys = [make_key(algorithm, ksk=True, bits=2048)]
    example = Zone("example.test.", keys=keys)
    net, *_ = standard_tree(example=example)
    assert run(net, "example.test.").status is DnssecStatus.SECURE


def test_result_is_stable_for_the_root_anchor_parse() -> None:
    from domeinwacht.net.dnssec import load_trust_anchors

    anchors = load_trust_anchors(None)
    assert anchors.zones == (dns.name.root,)
    assert sorted(d.key_tag for d in anchors.ds[dns.name.root]) == [20326, 38696]


def test_a_flood_of_bad_signatures_is_cut_off_by_the_work_limit() -> None:
    keys = [make_key(13, ksk=True, index=50), *(make_key(13, ksk=False, index=100 + i) for i in range(30))]
    example = Zone("example.test.", keys=keys)
    net, *_ = standard_tree(example=example)
    net.tamper.add((name("example.test."), dns.rdatatype.A))
    result = run(net, "example.test.")
    assert result.status is DnssecStatus.BOGUS
    assert "gave up after 8 of 30 RRSIGs for example.test. A (work limit)" in result.reason


def test_a_wildcard_expansion_with_its_nsec_proof_is_secure() -> None:
    net, _root, _test, example = standard_tree()
    example.add("*.example.test.", "A", "192.0.2.42")
    net.rebuild()
    result = run(net, "anything.example.test.")
    assert result.status is DnssecStatus.SECURE, result.reason


def test_a_wildcard_expansion_without_proof_is_bogus() -> None:
    net, _root, _test, example = standard_tree()
    example.add("*.example.test.", "A", "192.0.2.42")
    net.rebuild()
    net.strip_denial.add(name("anything.example.test."))
    result = run(net, "anything.example.test.")
    assert result.status is DnssecStatus.BOGUS
    assert "wildcard expansion without NSEC/NSEC3 proof" in result.reason


def test_a_ds_rrset_is_validated_in_the_parent_zone() -> None:
    net, *_ = standard_tree()
    result = run(net, "example.test.", "DS")
    assert result.status is DnssecStatus.SECURE, result.reason
    assert result.zone == "test."


def test_a_proven_absent_ds_is_a_secure_denial() -> None:
    example = Zone("example.test.", signed=False)
    net, *_ = standard_tree(example=example, ds=False)
    result = run(net, "example.test.", "DS")
    assert result.status is DnssecStatus.SECURE, result.reason
    assert "no DS record, authenticated by the NSEC at example.test." in result.reason


def test_a_cancelled_validation_does_not_cancel_another_sharing_its_work() -> None:
    net, *_ = standard_tree()
    net.delay = 0.02
    anchors = net.anchors()

    async def go() -> DnssecStatus:
        first = asyncio.ensure_future(validate(net, "example.test.", "A", anchors=anchors, now=NOW))
        await asyncio.sleep(0.01)
        second = asyncio.ensure_future(validate(net, "www.example.test.", "A", anchors=anchors, now=NOW))
        await asyncio.sleep(0.03)
        first.cancel()
        return (await second).status

    assert asyncio.run(go()) is DnssecStatus.SECURE


def test_a_ds_question_inside_an_opt_out_span_is_insecure() -> None:
    example = Zone("example.test.", signed=False)
    net, _root, test, _ = standard_tree(example=example, ds=False, test_denial="nsec3")
    test.nsec3_optout = True
    net.rebuild()
    result = run(net, "example.test.", "DS")
    assert result.status is DnssecStatus.INSECURE
    assert "opt-out" in result.reason
