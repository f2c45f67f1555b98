"""Names sharing one endpoint: the full plan once per ``ip:port``, one confirming handshake per other name.

Against Debian's ``openssl s_server`` on 127.0.0.1, which serves a second certificate for a second SNI name
(``-servername`` / ``-cert2``), as a shared-hosting server does.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from domeinwacht.net.tls import probe_tls, probe_tls_name
from domeinwacht.observations.tls import TlsObservation
from domeinwacht.scan.env import ScanEnv, ScanOptions

from . import pki
from .conftest import Pki, StartServer


def probe_two_names(port: int, first: str, second: str) -> tuple[TlsObservation, TlsObservation]:
    async def run() -> tuple[TlsObservation, TlsObservation]:
        env = ScanEnv(ScanOptions(allow_non_public=True, io_timeout=5, target_timeout=60))
        base = await probe_tls("127.0.0.1", port, first, env)
        return base, await probe_tls_name(base, second, env)

    return asyncio.run(run())


def second_cert(test_pki: Pki) -> tuple[str, ...]:
    cert, key = test_pki.ecdsa
    return ("-servername", "other.localhost", "-cert2", str(cert), "-key2", str(key))


def test_another_name_on_the_same_endpoint_costs_one_handshake(openssl_server: StartServer) -> None:
    port = openssl_server()
    base, other = probe_two_names(port, "localhost", "www.localhost")
    assert base.connections > 5
    assert other.connections == 1
    assert other.server_name == "www.localhost"
    assert (other.versions, other.suites, other.groups) == (base.versions, base.suites, base.groups)
    assert any("measured once" in note for note in other.notes)


def test_the_reused_observation_carries_the_names_own_certificate(
    openssl_server: StartServer, test_pki: Pki, tmp_path: Path
) -> None:
    leaf = pki.issue(test_pki.ca, ("other.localhost",), key=pki.make_key("rsa", 2048))
    cert, key = pki.write_pair(tmp_path, "other", leaf)
    port = openssl_server("-servername", "other.localhost", "-cert2", str(cert), "-key2", str(key))
    base, other = probe_two_names(port, "localhost", "other.localhost")
    assert other.connections == 1
    assert other.chain and other.chain[0] == leaf.cert.public_bytes(serialization.Encoding.DER)
    assert base.chain[0] != other.chain[0]


def test_a_name_with_another_kind_of_key_gets_the_full_plan(openssl_server: StartServer, test_pki: Pki) -> None:
    """TLS 1.2 suites depend on the certificate (ECDHE-RSA vs ECDHE-ECDSA): the same TLS 1.3 answer is not enough."""
    port = openssl_server(*second_cert(test_pki))
    base, other = probe_two_names(port, "localhost", "other.localhost")
    assert other.connections > 1
    assert other.chain[0] == x509.load_pem_x509_certificate(test_pki.ecdsa[0].read_bytes()).public_bytes(
        serialization.Encoding.DER
    )
    assert any("ECDSA" in suite for suite in other.all_suites)
    assert not any("ECDSA" in suite for suite in base.all_suites)


def test_a_name_the_server_answers_differently_gets_the_full_plan(openssl_server: StartServer, test_pki: Pki) -> None:
    suites = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256"
    port = openssl_server("-tls1_2", "-cipher", suites, *second_cert(test_pki))
    base, other = probe_two_names(port, "localhost", "other.localhost")
    assert set(base.all_suites) == {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}
    assert other.all_suites == ("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",)
    assert other.connections > 1
    assert not any("measured once" in note for note in other.notes)


def test_a_warning_unrecognized_name_alert_is_not_a_refusal(openssl_server: StartServer, test_pki: Pki) -> None:
    """s_server (like Apache) warns ``unrecognized_name`` for an SNI it has no certificate for, then goes on."""
    port = openssl_server("-tls1_2", *second_cert(test_pki))
    base, _ = probe_two_names(port, "unknown.localhost", "localhost")
    assert base.error is None
    assert base.versions == ("TLSv1.2",)
    assert base.client_renegotiation == "refused"
