"""The offline signer: zones it signs validate with dnspython; its bogus variants do not (no root needed)."""

from __future__ import annotations

import datetime as dt

import dns.dnssec
import dns.name
import dns.rdatatype
import dns.zone
import pytest

from domeinwacht.lab.dnssec import Signing, Zone, render
from domeinwacht.lab.pki import KeyCache

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    return KeyCache(tmp_path_factory.mktemp("keys"))


def make_zone(signing: Signing | None, origin: str = "example.test.") -> Zone:
    z = Zone(origin, signing=signing)
    z.add("@", "SOA", "ns1.nic.test. hostmaster.nic.test. 1 3600 600 86400 300")
    z.add("@", "NS", "ns1.nic.test.")
    z.add("@", "A", "198.51.100.10")
    z.add("www", "AAAA", "2001:db8::10")
    z.add("lab._domainkey", "TXT", '"v=DKIM1; k=rsa; p=AAAA"')
    z.add("sub", "NS", "ns.sub.example.test.")
    z.add("ns.sub", "A", "198.51.100.11")  # glue: not signed, not in the chain
    return z


def load(text: str, origin: str = "example.test.") -> dns.zone.Zone:
    return dns.zone.from_text(text, origin=origin, relativize=False, check_origin=False)


def covered(node) -> set[int]:
    """Types the node has RRSIGs for."""
    return {rds.covers for rds in node.rdatasets if rds.rdtype == dns.rdatatype.RRSIG}


def validate(zone: dns.zone.Zone, name: str, rdtype: str, when: dt.datetime = NOW) -> None:
    origin = zone.origin
    keys = {origin: zone.find_rdataset(origin, "DNSKEY")}
    node = zone.find_node(dns.name.from_text(name))
    rrset = node.find_rdataset(dns.rdataclass.IN, dns.rdatatype.from_text(rdtype))
    sigs = node.find_rdataset(dns.rdataclass.IN, dns.rdatatype.RRSIG, dns.rdatatype.from_text(rdtype))
    dns.dnssec.validate_rrsig(
        (dns.name.from_text(name), rrset),
        sigs[0],
        keys,
        now=when.timestamp(),
        policy=dns.dnssec.allow_all_policy,
    )


@pytest.mark.parametrize("algorithm", ["ecdsa256", "rsasha256", "rsasha1"])
@pytest.mark.parametrize("denial", ["nsec", "nsec3"])
def test_every_authoritative_rrset_validates(keys, algorithm, denial):
    signed = render(make_zone(Signing(denial, algorithm)), keys, NOW)
    zone = load(signed.text)
    for name, rdtype in [
        ("example.test.", "SOA"),
        ("example.test.", "A"),
        ("www.example.test.", "AAAA"),
        ("lab._domainkey.example.test.", "TXT"),
        ("example.test.", "DNSKEY"),
    ]:
        validate(zone, name, rdtype)


def test_nsec3_chain_covers_names_and_empty_non_terminals(keys):
    zone = load(render(make_zone(Signing("nsec3")), keys, NOW).text)
    nsec3 = [n for n, node in zone.items() if node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.NSEC3)]
    # apex, www, lab._domainkey, _domainkey (empty non-terminal), sub (delegation); not the glue
    assert len(nsec3) == 5
    for name in nsec3:
        validate(zone, name.to_text(), "NSEC3")


def test_glue_and_delegation_ns_are_not_signed(keys):
    zone = load(render(make_zone(Signing("nsec")), keys, NOW).text)
    apex = zone.find_node(dns.name.from_text("example.test."))
    assert dns.rdatatype.NS in covered(apex)  # the apex NS is signed, the delegation NS is not
    for name in ("sub.example.test.", "ns.sub.example.test."):
        node = zone.find_node(dns.name.from_text(name))
        assert covered(node) <= {dns.rdatatype.NSEC}  # the delegation's NSEC is signed


def test_expired_variant_fails_validation_as_expired(keys):
    zone = load(render(make_zone(Signing("nsec3", bogus="expired")), keys, NOW).text)
    with pytest.raises(dns.dnssec.ValidationFailure, match="expired"):
        validate(zone, "example.test.", "A")


def test_missing_rrsig_variant_leaves_address_records_unsigned(keys):
    zone = load(render(make_zone(Signing("nsec3", bogus="missing_rrsig")), keys, NOW).text)
    node = zone.find_node(dns.name.from_text("example.test."))
    assert dns.rdatatype.A not in covered(node) and dns.rdatatype.SOA not in covered(node)
    assert dns.rdatatype.DNSKEY in covered(node)


def test_ds_matches_the_published_key_unless_bogus(keys):
    good = render(make_zone(Signing("nsec3")), keys, NOW)
    bad = render(make_zone(Signing("nsec3", bogus="ds_mismatch")), keys, NOW)
    origin = dns.name.from_text("example.test.")
    dnskey = load(good.text).find_rdataset(origin, "DNSKEY")[0]
    assert good.ds[0] == dns.dnssec.make_ds(origin, dnskey, "SHA256").to_text()
    assert bad.ds[0] != good.ds[0]


def test_sha1_ds_digest_type(keys):
    signed = render(make_zone(Signing("nsec", ds_digest=1)), keys, NOW)
    assert signed.ds[0].split()[2] == "1"


def test_clone_zone_carries_template_records_under_its_own_name(keys):
    template = make_zone(Signing("nsec3"))
    template.add("_dmarc", "TXT", '"v=DMARC1; p=reject; rua=mailto:d@example.test"')
    clone = Zone("other.test.", signing=Signing("nsec3", key="dnssec-example.test-ecdsa256"), clone_of=template)
    zone = load(render(clone, keys, NOW).text, "other.test.")
    validate(zone, "www.other.test.", "AAAA")
    txt = zone.find_rdataset("_dmarc.other.test.", "TXT")[0].to_text()
    assert "d@other.test" in txt


def test_unsigned_zone_has_no_signatures(keys):
    text = render(make_zone(None), keys, NOW).text
    assert "RRSIG" not in text and "DNSKEY" not in text
