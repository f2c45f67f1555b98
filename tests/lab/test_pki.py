"""The lab PKI issues each certificate variant with the defect its name promises (no root needed)."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from domeinwacht.lab.pki import KeyCache, LabPKI

NAMES = ("site.test", "www.site.test")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return LabPKI(KeyCache(tmp_path_factory.mktemp("pki")))


def verify(leaf: x509.Certificate, issuer: x509.Certificate) -> None:
    leaf.verify_directly_issued_by(issuer)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def test_valid_leaf_chains_to_the_lab_root_through_the_intermediate(pki):
    leaf = pki.issue("ecdsa256", NAMES, "t-valid")
    verify(leaf.cert, pki.intermediate)
    verify(pki.intermediate, pki.root)
    assert leaf.chain == (pki.intermediate,)
    san = leaf.cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == list(NAMES)


@pytest.mark.parametrize(
    ("variant", "kind", "size"),
    [
        ("rsa1024", rsa.RSAPublicKey, 1024),
        ("rsa2048", rsa.RSAPublicKey, 2048),
        ("rsa3072", rsa.RSAPublicKey, 3072),
        ("ecdsa256", ec.EllipticCurvePublicKey, 256),
        ("ecdsa384", ec.EllipticCurvePublicKey, 384),
    ],
)
def test_key_variants_have_their_size(pki, variant, kind, size):
    key = pki.issue(variant, NAMES, f"t-{variant}").cert.public_key()
    assert isinstance(key, kind)
    assert key.key_size == size


def test_expired_and_not_yet_valid(pki):
    assert pki.issue("expired", NAMES, "t-exp").cert.not_valid_after_utc < now()
    assert pki.issue("notyet", NAMES, "t-ny").cert.not_valid_before_utc > now()


def test_sha1_variant_is_signed_with_sha1_by_the_intermediate(pki):
    leaf = pki.issue("sha1", NAMES, "t-sha1")
    assert leaf.cert.signature_hash_algorithm.name == "sha1"
    assert leaf.cert.issuer == pki.intermediate.subject


def test_selfsigned_untrusted_nointermediate_wronghost(pki):
    selfsigned = pki.issue("selfsigned", NAMES, "t-ss")
    assert selfsigned.cert.issuer == selfsigned.cert.subject and selfsigned.chain == ()
    untrusted = pki.issue("untrusted", NAMES, "t-un")
    verify(untrusted.cert, pki.rogue)
    assert pki.rogue.subject != pki.root.subject
    assert pki.issue("nointermediate", NAMES, "t-ni").chain == ()
    wrong = pki.issue("wronghost", NAMES, "t-wh").cert
    san = wrong.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert not set(san.get_values_for_type(x509.DNSName)) & set(NAMES)


def test_keys_are_cached_across_instances(tmp_path):
    first = LabPKI(KeyCache(tmp_path)).issue("ecdsa256", NAMES, "same")
    second = LabPKI(KeyCache(tmp_path)).issue("ecdsa256", NAMES, "same")
    assert first.tlsa_311 == second.tlsa_311


def test_unknown_variant_is_refused(pki):
    with pytest.raises(ValueError, match="unknown certificate variant"):
        pki.issue("rsa512", NAMES, "x")


def test_ocsp_variant_names_the_lab_ocsp_responder(pki):
    from cryptography.x509.oid import AuthorityInformationAccessOID

    from domeinwacht.lab.pki import OCSP_URL

    leaf = pki.issue("ocsp", NAMES, "t-ocsp")
    verify(leaf.cert, pki.intermediate)
    aia = leaf.cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert [(d.access_method, d.access_location.value) for d in aia] == [(AuthorityInformationAccessOID.OCSP, OCSP_URL)]


def test_ocsp_response_says_good_and_is_signed_by_the_issuing_ca(pki):
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509 import ocsp

    leaf = pki.issue("ocsp", NAMES, "t-ocsp")
    response = ocsp.load_der_ocsp_response(pki.ocsp_response(leaf, now()))
    assert response.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    assert response.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert response.serial_number == leaf.cert.serial_number
    assert response.this_update_utc <= now() < response.next_update_utc
    key = pki.intermediate.public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey)
    key.verify(response.signature, response.tbs_response_bytes, ec.ECDSA(hashes.SHA256()))
