"""The certificate checks and OCSP stapling, from observed chains (test PKI made with ``cryptography``)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes

from domeinwacht.checks.registry import CheckContext, registered
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.observations.tls import TlsObservation

from . import pki

NEW, OLD = "ncsc-2025-05", "ncsc-2.1.1"


@pytest.fixture(scope="module")
def ca() -> pki.Issued:
    return pki.make_ca()


@pytest.fixture(scope="module")
def good(ca: pki.Issued) -> TlsObservation:
    leaf = pki.issue(ca, ("www.example.nl", "example.nl"), ocsp_url="http://ocsp.example.nl/")
    return TlsObservation(
        "192.0.2.10",
        443,
        "www.example.nl",
        versions=("TLSv1.3",),
        chain=(leaf.der, ca.der),
        ocsp_stapled=True,
    )


def run(check_id: str, obs: TlsObservation, ca: pki.Issued, profile: str = NEW) -> CheckResult:
    ctx = CheckContext(profile=profile, now=pki.NOW, options={"ca_pem": ca.pem.decode()})
    return registered()[check_id].function((obs,), ctx)


def with_leaf(obs: TlsObservation, leaf: pki.Issued, ca: pki.Issued) -> TlsObservation:
    return replace(obs, chain=(leaf.der, ca.der))


@pytest.mark.parametrize(
    "check_id",
    ["web.cert.trust", "web.cert.hostname", "web.cert.pubkey", "web.cert.signature", "web.cert.expiry"],
)
def test_a_good_chain_passes_every_certificate_check(check_id: str, good: TlsObservation, ca: pki.Issued) -> None:
    assert run(check_id, good, ca).status is Status.PASS


def test_trust_fails_for_a_chain_from_an_unknown_ca(good: TlsObservation, ca: pki.Issued) -> None:
    other = pki.make_ca("Somebody Else")
    result = run("web.cert.trust", with_leaf(good, pki.issue(other, ("www.example.nl",)), other), ca)
    assert result.status is Status.FAIL
    assert "does not validate" in result.summary


def test_trust_fails_when_the_intermediate_is_missing(ca: pki.Issued, good: TlsObservation) -> None:
    intermediate = pki.make_ca("Intermediate")
    # An intermediate signed by the root, not sent by the server.
    from cryptography import x509

    inter_cert = (
        x509.CertificateBuilder()
        .subject_name(intermediate.cert.subject)
        .issuer_name(ca.cert.subject)
        .public_key(intermediate.key.public_key())  # type: ignore[arg-type]
        .serial_number(x509.random_serial_number())
        .not_valid_before(pki.NOW - timedelta(days=10))
        .not_valid_after(pki.NOW + timedelta(days=1000))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(intermediate.key.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(ca.key, hashes.SHA256())  # type: ignore[arg-type]
    )
    inter = pki.Issued(inter_cert, intermediate.key)
    leaf = pki.issue(inter, ("www.example.nl",))
    assert run("web.cert.trust", replace(good, chain=(leaf.der, inter.der)), ca).status is Status.PASS
    assert run("web.cert.trust", replace(good, chain=(leaf.der,)), ca).status is Status.FAIL


def test_trust_is_judged_apart_from_the_host_name(good: TlsObservation, ca: pki.Issued) -> None:
    other_name = with_leaf(good, pki.issue(ca, ("mail.example.nl",)), ca)
    assert run("web.cert.trust", other_name, ca).status is Status.PASS
    assert run("web.cert.hostname", other_name, ca).status is Status.FAIL


def test_mail_trust_and_hostname_are_information_only(good: TlsObservation, ca: pki.Issued) -> None:
    other = pki.make_ca("Somebody Else")
    mail = replace(
        with_leaf(good, pki.issue(other, ("other.example",)), other),
        port=25,
        purpose="mail",
        server_name="mx.example.nl",
    )
    assert run("mail.cert.trust", mail, ca).status is Status.INFO
    assert run("mail.cert.hostname", mail, ca).status is Status.INFO


@pytest.mark.parametrize(
    ("names", "host", "expected"),
    [
        (("*.example.nl",), "www.example.nl", Status.PASS),
        (("*.example.nl",), "example.nl", Status.FAIL),
        (("*.example.nl",), "a.b.example.nl", Status.FAIL),
        (("WWW.Example.NL",), "www.example.nl", Status.PASS),
        (("www.example.nl",), "www.example.nl.", Status.PASS),
        (("*.nl",), "example.nl", Status.FAIL),
    ],
)
def test_hostname_follows_the_rfc_6125_wildcard_rules(
    names: tuple[str, ...], host: str, expected: Status, good: TlsObservation, ca: pki.Issued
) -> None:
    obs = replace(with_leaf(good, pki.issue(ca, names), ca), server_name=host)
    assert run("web.cert.hostname", obs, ca).status is expected


def test_hostname_is_not_applicable_without_a_host_name(good: TlsObservation, ca: pki.Issued) -> None:
    assert run("web.cert.hostname", replace(good, server_name=None), ca).status is Status.NOT_APPLICABLE


def test_an_rsa_2048_leaf_is_phase_out_under_2025_05_and_sufficient_under_2_1_1(
    good: TlsObservation, ca: pki.Issued
) -> None:
    obs = with_leaf(good, pki.issue(ca, ("www.example.nl",), key=pki.make_key("rsa", 2048)), ca)
    result = run("web.cert.pubkey", obs, ca)
    assert result.status is Status.WARNING
    assert "RSA 2048" in result.summary
    assert run("web.cert.pubkey", obs, ca, OLD).status is Status.PASS


def test_an_rsa_1024_leaf_fails(good: TlsObservation, ca: pki.Issued) -> None:
    obs = with_leaf(good, pki.issue(ca, ("www.example.nl",), key=pki.make_key("rsa", 1024)), ca)
    assert run("web.cert.pubkey", obs, ca).status is Status.FAIL


def test_the_self_signed_root_is_not_judged(good: TlsObservation) -> None:
    weak_root = pki.make_ca("Weak Root", key=pki.make_key("rsa", 1024))
    obs = with_leaf(good, pki.issue(weak_root, ("www.example.nl",)), weak_root)
    result = run("web.cert.pubkey", obs, weak_root)
    assert result.status is Status.PASS
    assert len(result.evidence["endpoints"]["192.0.2.10:443"]["keys"]) == 1


def test_a_sha224_signature_warns(good: TlsObservation) -> None:
    rsa_ca = pki.make_ca("RSA Root", key=pki.make_key("rsa", 2048))
    sha224 = pki.issue(rsa_ca, ("www.example.nl",), hash_algorithm=hashes.SHA224())
    assert run("web.cert.signature", with_leaf(good, sha224, rsa_ca), rsa_ca).status is Status.WARNING


def test_a_sha1_signature_fails(good: TlsObservation, tmp_path: Path) -> None:
    # cryptography refuses to sign with SHA-1, OpenSSL's command line still does.
    openssl = shutil.which("openssl")
    assert openssl is not None, "openssl (Debian package, installed by scripts/bootstrap.sh) is missing"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-sha1",
            "-days",
            "30",
            "-subj",
            "/CN=www.example.nl",
            "-keyout",
            str(tmp_path / "k.pem"),
            "-out",
            str(tmp_path / "c.pem"),
            "-outform",
            "DER",
        ],
        check=True,
        capture_output=True,
    )
    leaf_der = (tmp_path / "c.pem").read_bytes()
    result = run("web.cert.signature", replace(good, chain=(leaf_der,)), pki.make_ca())
    assert result.status is Status.FAIL
    assert "SHA1" in result.summary


def test_expired_fails_soon_expiring_warns_with_days_left(good: TlsObservation, ca: pki.Issued) -> None:
    expired = with_leaf(good, pki.issue(ca, ("www.example.nl",), not_after=pki.NOW - timedelta(days=1)), ca)
    soon = with_leaf(good, pki.issue(ca, ("www.example.nl",), not_after=pki.NOW + timedelta(days=5)), ca)
    future = with_leaf(good, pki.issue(ca, ("www.example.nl",), not_before=pki.NOW + timedelta(days=2)), ca)
    assert run("web.cert.expiry", expired, ca).status is Status.FAIL
    assert run("web.cert.expiry", future, ca).status is Status.FAIL
    result = run("web.cert.expiry", soon, ca)
    assert result.status is Status.WARNING
    assert result.evidence["endpoints"]["192.0.2.10:443"]["certificates"][0]["days_left"] in (4, 5)


def test_no_chain_observed_is_an_error(good: TlsObservation, ca: pki.Issued) -> None:
    for check_id in ("web.cert.trust", "web.cert.pubkey", "web.cert.expiry", "web.tls.ocsp_stapling"):
        assert run(check_id, replace(good, chain=(), ocsp_stapled=None), ca).status is Status.ERROR


def test_garbage_instead_of_a_certificate_fails(good: TlsObservation, ca: pki.Issued) -> None:
    assert run("web.cert.signature", replace(good, chain=(b"\x30\x03junk",)), ca).status is Status.FAIL


def test_ocsp_stapling_is_information_only_and_needs_an_ocsp_url(good: TlsObservation, ca: pki.Issued) -> None:
    assert run("web.tls.ocsp_stapling", good, ca).status is Status.PASS
    assert run("web.tls.ocsp_stapling", replace(good, ocsp_stapled=False), ca).status is Status.INFO
    no_url = with_leaf(good, pki.issue(ca, ("www.example.nl",)), ca)
    assert run("web.tls.ocsp_stapling", no_url, ca).status is Status.NOT_APPLICABLE


def test_a_sha1_signed_leaf_from_a_trusted_ca_still_chains_and_fails_only_signature(
    good: TlsObservation, tmp_path: Path
) -> None:
    openssl = shutil.which("openssl")
    assert openssl is not None, "openssl (Debian package, installed by scripts/bootstrap.sh) is missing"
    rsa_ca = pki.make_ca("RSA Root", key=pki.make_key("rsa", 2048))
    (tmp_path / "ca.pem").write_bytes(rsa_ca.pem)
    (tmp_path / "ca.key").write_bytes(rsa_ca.key_pem)
    (tmp_path / "ext.cnf").write_text("subjectAltName=DNS:www.example.nl\nbasicConstraints=critical,CA:FALSE\n")

    def sh(*args: str) -> None:
        subprocess.run([openssl, *args], check=True, capture_output=True, cwd=tmp_path)

    sh(
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=www.example.nl",
        "-keyout",
        "l.key",
        "-out",
        "l.csr",
    )
    sh(
        "x509",
        "-req",
        "-in",
        "l.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-sha1",
        "-days",
        "3650",
        "-extfile",
        "ext.cnf",
        "-out",
        "l.der",
        "-outform",
        "DER",
    )
    obs = replace(good, chain=((tmp_path / "l.der").read_bytes(), rsa_ca.der))
    ctx = CheckContext(options={"ca_pem": rsa_ca.pem.decode()})  # now: the leaf is valid from today
    trust = registered()["web.cert.trust"].function((obs,), ctx)
    signature = registered()["web.cert.signature"].function((obs,), ctx)
    assert trust.status is Status.PASS, trust.summary
    assert "cert.signature" in trust.summary
    assert signature.status is Status.FAIL
