"""web.dane: TLSA against the served chain, in a DNSSEC-secure zone, on every address."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.web.dane import dane
from domeinwacht.observations.tls import TlsObservation
from domeinwacht.observations.web import TlsaLookup

from .builders import endpoint, host, https_response, observation
from .conftest import Pki

CTX = CheckContext()
V4, V6 = "192.0.2.10", "2001:db8::10"
NAME = "_443._tcp.example.nl"


def spki_sha256(der: bytes) -> str:
    cert = x509.load_der_x509_certificate(der)
    return hashlib.sha256(cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)).hexdigest()


def bag(pki: Pki, tlsa: TlsaLookup, *, chains: dict[str, tuple[bytes, ...]] | None = None, verified: bool = True):  # type: ignore[no-untyped-def]
    chain = (pki.cert_der, pki.ca_der)
    eps = []
    for ip in (V4, V6):
        response = replace(https_response("example.nl", ip), tls_verified=verified)
        eps.append(endpoint("example.nl", ip, https=response))
    web = observation(host("example.nl", *eps, tlsa=tlsa))
    tls = tuple(
        TlsObservation(ip=ip, port=443, server_name="example.nl", chain=(chains or {}).get(ip, chain))
        for ip in (V4, V6)
    )
    return {"web": web, "web_tls": tls}


def test_absent_tlsa_is_info(pki: Pki):
    result = dane(bag(pki, TlsaLookup(NAME, (), "NXDOMAIN", "secure", "")), CTX)
    assert result.status is Status.INFO
    assert result.remedy


def test_a_dane_ee_record_matching_every_address_in_a_secure_zone_passes(pki: Pki):
    tlsa = TlsaLookup(NAME, (f"3 1 1 {spki_sha256(pki.cert_der)}",), "NOERROR", "secure", "validated")
    result = dane(bag(pki, tlsa), CTX)
    assert result.status is Status.PASS
    assert {e["ip"] for e in result.evidence["endpoints"]} == {V4, V6}


def test_a_dane_ta_record_for_the_issuer_passes(pki: Pki):
    tlsa = TlsaLookup(NAME, (f"2 1 1 {spki_sha256(pki.ca_der)}",), "NOERROR", "secure", "validated")
    assert dane(bag(pki, tlsa), CTX).status is Status.PASS


def test_tlsa_in_an_insecure_zone_fails(pki: Pki):
    tlsa = TlsaLookup(NAME, (f"3 1 1 {spki_sha256(pki.cert_der)}",), "NOERROR", "insecure", "no DS for example.nl")
    result = dane(bag(pki, tlsa), CTX)
    assert result.status is Status.FAIL
    assert "DNSSEC-insecure" in result.summary


def test_tlsa_under_a_tld_with_a_broken_chain_is_an_error_not_the_sites_fail(pki: Pki):
    reason = "DS 4242/13/2 at . matches no DNSKEY of nl."
    tlsa = TlsaLookup(NAME, (f"3 1 1 {spki_sha256(pki.cert_der)}",), "NOERROR", "bogus", reason, dnssec_zone="nl.")
    result = dane(bag(pki, tlsa), CTX)
    assert result.status is Status.ERROR
    assert "breaks above the domain, at nl" in result.summary


def test_tlsa_whose_own_zone_is_bogus_still_fails(pki: Pki):
    tlsa = TlsaLookup(
        NAME, (f"3 1 1 {spki_sha256(pki.cert_der)}",), "NOERROR", "bogus", "expired", dnssec_zone="example.nl."
    )
    assert dane(bag(pki, tlsa), CTX).status is Status.FAIL


def test_a_record_that_matches_no_address_fails(pki: Pki):
    tlsa = TlsaLookup(NAME, ("3 1 1 " + "00" * 32,), "NOERROR", "secure", "validated")
    result = dane(bag(pki, tlsa), CTX)
    assert result.status is Status.FAIL
    assert "no TLSA record matches" in result.summary


def test_one_address_serving_another_certificate_fails_and_is_named(pki: Pki):
    tlsa = TlsaLookup(NAME, (f"3 1 1 {spki_sha256(pki.cert_der)}",), "NOERROR", "secure", "validated")
    result = dane(bag(pki, tlsa, chains={V6: (pki.ca_der,)}), CTX)
    assert result.status is Status.FAIL
    assert "[2001:db8::10]:443" in result.summary and "192.0.2.10:443" not in result.summary


def test_a_pkix_ee_match_also_needs_a_validating_chain(pki: Pki):
    record = f"1 0 1 {hashlib.sha256(pki.cert_der).hexdigest()}"
    tlsa = TlsaLookup(NAME, (record,), "NOERROR", "secure", "validated")
    assert dane(bag(pki, tlsa), CTX).status is Status.PASS
    assert dane(bag(pki, tlsa, verified=False), CTX).status is Status.FAIL


def test_an_unknown_dnssec_status_or_missing_chain_is_an_error(pki: Pki):
    record = f"3 1 1 {spki_sha256(pki.cert_der)}"
    assert dane(bag(pki, TlsaLookup(NAME, (record,), "NOERROR", None, "not validated")), CTX).status is Status.ERROR
    secure = TlsaLookup(NAME, (record,), "NOERROR", "secure", "validated")
    assert dane(bag(pki, secure, chains={V4: ()}), CTX).status is Status.ERROR
