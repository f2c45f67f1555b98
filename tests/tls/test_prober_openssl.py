"""The prober against real TLS servers (Debian's ``openssl s_server``) on 127.0.0.1.

Each test starts a server with a known configuration and checks that the prober learns exactly that, and
what it costs: versions + suites + order + groups of a server accepting N TLS 1.2 suites cost at most
N + 10 connections (issue 3 acceptance).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from domeinwacht.checks.registry import CheckContext, evaluate
from domeinwacht.checks.result import Status
from domeinwacht.net.tls import probe_tls
from domeinwacht.observations.tls import TlsObservation
from domeinwacht.scan.env import ScanEnv, ScanOptions

from .conftest import Pki, StartServer

TLS12_SUITES = (
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-GCM-SHA256:AES128-SHA"
)
TLS12_IANA = [
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
]
# Connections of the steps the N + 10 bound covers (not the key-exchange-hash or 0-RTT probes).
BOUNDED_STEPS = ("tls13", "tls12", "older", "groups")


def probe(port: int, *, purpose: str = "web", server_name: str | None = "localhost") -> TlsObservation:
    async def run() -> TlsObservation:
        env = ScanEnv(ScanOptions(allow_non_public=True, io_timeout=5, target_timeout=60))
        obs = await probe_tls("127.0.0.1", port, server_name, env, purpose=purpose)  # type: ignore[arg-type]
        assert env.counters["tls_connections"] == obs.connections
        return obs

    return asyncio.run(run())


def bounded_cost(obs: TlsObservation) -> int:
    return sum(n for step, n in obs.connections_by_step if step in BOUNDED_STEPS)


def test_versions_suites_server_order_and_groups_are_learned(openssl_server: StartServer) -> None:
    port = openssl_server(
        "-cipher",
        TLS12_SUITES,
        "-ciphersuites",
        "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256",
        "-serverpref",
        "-groups",
        "X25519:P-256:P-384",
    )
    obs = probe(port)
    assert obs.error is None, obs.error
    assert obs.versions == ("TLSv1.3", "TLSv1.2")
    assert obs.versions_refused == ("TLSv1.1", "TLSv1.0", "SSLv3")
    tls12 = obs.suites_for("TLSv1.2")
    assert tls12 is not None
    assert list(tls12.suites) == TLS12_IANA  # the server's order
    assert tls12.server_preference is True
    tls13 = obs.suites_for("TLSv1.3")
    assert tls13 is not None
    assert set(tls13.suites) == {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"}
    assert set(obs.groups) == {"x25519", "secp256r1", "secp384r1"}
    assert bounded_cost(obs) <= len(TLS12_IANA) + 10, obs.connections_by_step


def test_a_server_following_the_client_order_is_recognised(openssl_server: StartServer) -> None:
    obs = probe(openssl_server("-cipher", TLS12_SUITES, "-tls1_2"))
    tls12 = obs.suites_for("TLSv1.2")
    assert tls12 is not None
    assert set(tls12.suites) == set(TLS12_IANA)
    assert tls12.server_preference is False
    assert "TLSv1.3" in obs.versions_refused


def test_the_connection_bound_holds_for_a_server_with_many_suites_and_default_groups(
    openssl_server: StartServer,
) -> None:
    obs = probe(openssl_server("-cipher", "ALL:!aNULL:!eNULL", "-serverpref"))
    tls12 = obs.suites_for("TLSv1.2")
    assert tls12 is not None and len(tls12.suites) > 20
    assert len(obs.groups) >= 5
    assert bounded_cost(obs) <= len(tls12.suites) + 10, obs.connections_by_step


def test_groups_come_from_the_next_handshake_when_the_first_gets_no_list(openssl_server: StartServer) -> None:
    # secp384r1 is the server's first choice: OpenSSL then sends no supported_groups in the first handshake's
    # EncryptedExtensions. The first suite-enumeration hello leaves secp384r1 out, so its handshake gets them.
    obs = probe(openssl_server("-groups", "P-384:X25519:ffdhe3072", "-tls1_3"))
    assert obs.groups_source == "encrypted_extensions"
    assert obs.groups == ("secp384r1", "x25519", "ffdhe3072")
    # Three suites: the first handshake, two more found, one refusal; the groups cost nothing extra.
    assert dict(obs.connections_by_step)["tls13"] == 4, obs.connections_by_step


def test_groups_are_enumerated_when_no_handshake_can_be_decrypted(openssl_server: StartServer) -> None:
    # Finite-field groups only: the prober computes no ffdhe key share, so every HelloRetryRequest ends the
    # hello and the groups come from the HRRs of the suite enumeration.
    obs = probe(openssl_server("-groups", "ffdhe3072:ffdhe2048", "-tls1_3"))
    assert obs.groups_source == "enumerated"
    assert obs.groups == ("ffdhe3072", "ffdhe2048")
    tls13 = obs.suites_for("TLSv1.3")
    assert tls13 is not None and len(tls13.suites) == 3


def test_tls12_curves_are_enumerated_without_tls13(openssl_server: StartServer) -> None:
    obs = probe(openssl_server("-groups", "P-256:P-521", "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"))
    assert obs.versions == ("TLSv1.2",)
    assert set(obs.groups) == {"secp256r1", "secp521r1"}
    assert obs.groups_source == "enumerated"


# A 2048-bit group generated once with `openssl dhparam 2048` (no published group: "self-generated").
CUSTOM_DH_PEM = """\
-----BEGIN DH PARAMETERS-----
MIIBCAKCAQEAsmhLhtFWhu8eFdlAv7zUZ0zc4EnszMeo10Pds10ATH1If0yvk9Cv
6ex31D0/joIl6HdZq4bXUbx4KodjChZ/pbbSrCqmdfw8PEcQqxDgnF696ooCdMhp
qfBVDPhzDgoB8qbJuYHm4SBqE1x/aiveclLF4qx9cL4h7iQJzbJNC5c9j35N5S9u
OJUuwK4QbgxT1xfblo/xRa9/gZxIm9cbqxZdjRD8M6frgtKwJvbwSLHIWxOrBTe3
nc5JTuvPYFpkWOKnhJH2Qi7cDRVxxKS9a2HbFsWa0KXXO0bGk2HYVLlSgxIRMdKm
ScmRFu9aCo/uZ4DVz4cdipaNkqggKv3rVwIBAg==
-----END DH PARAMETERS-----
"""


def test_a_custom_dh_group_is_seen_with_its_size(openssl_server: StartServer, tmp_path: Path) -> None:
    dhparam = tmp_path / "dh.pem"
    dhparam.write_text(CUSTOM_DH_PEM)
    obs = probe(openssl_server("-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256", "-dhparam", str(dhparam)))
    [params] = obs.dh_params
    assert (params.bits, params.group) == (2048, None)
    result = evaluate({"web_tls": (obs,)}, CheckContext())["web.tls.kex_groups"]
    assert result.status is Status.FAIL
    assert "custom 2048-bit group" in result.summary


def test_tls10_is_found_on_an_old_server(openssl_server: StartServer) -> None:
    obs = probe(openssl_server("-tls1", "-cipher", "ECDHE-RSA-AES128-SHA:AES128-SHA:@SECLEVEL=0"))
    assert obs.versions == ("TLSv1.0",)
    tls10 = obs.suites_for("TLSv1.0")
    assert tls10 is not None
    assert set(tls10.suites) == {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"}
    assert evaluate({"web_tls": (obs,)}, CheckContext())["web.tls.versions"].status is Status.FAIL


def test_sha1_key_exchange_signatures_are_detected(openssl_server: StartServer) -> None:
    weak = probe(openssl_server("-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0"))
    assert weak.kex_sha1_accepted is True
    strong = probe(openssl_server("-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"))
    assert strong.kex_sha1_accepted is False


def test_extensions_and_the_chain_are_read_from_the_handshake(openssl_server: StartServer, test_pki: Pki) -> None:
    obs = probe(openssl_server())
    assert (obs.secure_renegotiation, obs.extended_master_secret, obs.compression) == (True, True, False)
    assert obs.chain_version == "TLSv1.3"
    assert len(obs.chain) == 2  # leaf and the CA the server was given
    results = evaluate(
        {"web_tls": (obs,)},
        CheckContext(options={"ca_file": str(test_pki.ca_file)}),
    )
    assert results["web.cert.trust"].status is Status.PASS
    assert results["web.cert.hostname"].status is Status.PASS


def test_a_tls12_chain_comes_from_the_plaintext_certificate_message(openssl_server: StartServer) -> None:
    obs = probe(openssl_server("-tls1_2", cert="ecdsa"))
    assert obs.chain_version == "TLSv1.2"
    assert len(obs.chain) == 1


def test_a_server_without_ems_is_detected(openssl_server: StartServer, tmp_path: Path) -> None:
    conf = tmp_path / "openssl.cnf"
    conf.write_text(
        "openssl_conf = c\n[c]\nssl_conf = s\n[s]\nsystem_default = d\n[d]\nOptions = -ExtendedMasterSecret\n"
    )
    obs = probe(openssl_server("-tls1_2", conf=str(conf)))
    assert obs.extended_master_secret is False


def test_early_data_acceptance_is_detected(openssl_server: StartServer) -> None:
    accepting = probe(openssl_server("-early_data", "-tls1_3", www=False))
    assert accepting.early_data is True
    assert accepting.early_data_max > 0
    refusing = probe(openssl_server("-tls1_3"))
    assert refusing.early_data is False


def test_mail_probes_skip_the_early_data_handshake(openssl_server: StartServer) -> None:
    obs = probe(openssl_server("-early_data", "-tls1_3", www=False), purpose="mail")
    assert obs.early_data is None
    assert "early_data" not in dict(obs.connections_by_step)


def test_client_initiated_renegotiation_refused_by_default(openssl_server: StartServer) -> None:
    obs = probe(openssl_server("-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"))
    assert obs.client_renegotiation == "refused"
    assert evaluate({"web_tls": (obs,)}, CheckContext())["web.tls.client_renegotiation"].status is Status.PASS


def test_client_initiated_renegotiation_allowed_is_detected(openssl_server: StartServer) -> None:
    obs = probe(openssl_server("-tls1_2", "-cipher", "ECDHE-RSA-CHACHA20-POLY1305", "-client_renegotiation"))
    assert obs.client_renegotiation == "allowed"
    results = {
        profile: evaluate({"web_tls": (obs,)}, CheckContext(profile=profile))["web.tls.client_renegotiation"]
        for profile in ("ncsc-2025-05", "ncsc-2.1.1")
    }
    assert results["ncsc-2025-05"].status is Status.INFO
    assert results["ncsc-2.1.1"].status is Status.WARNING


def test_a_tls12_only_curve_is_found_next_to_tls13(openssl_server: StartServer) -> None:
    # secp224r1 does not exist in TLS 1.3, so only a TLS 1.2 hello can reveal it.
    obs = probe(openssl_server("-groups", "X25519:secp224r1", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"))
    assert "TLSv1.3" in obs.versions
    assert {"x25519", "secp224r1"} <= set(obs.groups)
    assert evaluate({"web_tls": (obs,)}, CheckContext())["web.tls.kex_groups"].status is Status.WARNING
    assert bounded_cost(obs) <= 1 + 10, obs.connections_by_step


def test_an_ecdsa_server_keeps_its_certificate_curve_offered_while_curves_are_enumerated(
    openssl_server: StartServer,
) -> None:
    obs = probe(
        openssl_server(
            "-tls1_2", "-groups", "X25519:secp224r1", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", cert="ecdsa"
        )
    )
    assert {"x25519", "secp224r1"} <= set(obs.groups)


LEGACY_SERVER_SUITES = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA:AES128-SHA:AES256-GCM-SHA384:@SECLEVEL=0"
LEGACY_TLS12_IANA = [
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
]
# The suites TLS 1.0 and 1.1 define, in the server's order.
LEGACY_OLD_IANA = ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"]


def test_the_connection_bound_holds_for_a_server_accepting_tls10_to_tls13(openssl_server: StartServer) -> None:
    port = openssl_server(
        "-min_protocol", "TLSv1", "-cipher", LEGACY_SERVER_SUITES, "-serverpref", "-groups", "X25519:P-256"
    )
    obs = probe(port)
    assert obs.error is None, obs.error
    assert obs.versions == ("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1.0")
    assert obs.versions_refused == ("SSLv3",)
    for version, expected in (
        ("TLSv1.2", LEGACY_TLS12_IANA),
        ("TLSv1.1", LEGACY_OLD_IANA),
        ("TLSv1.0", LEGACY_OLD_IANA),
    ):
        entry = obs.suites_for(version)
        assert entry is not None, version
        assert (list(entry.suites), entry.server_preference) == (expected, True), version
    tls13 = obs.suites_for("TLSv1.3")
    assert tls13 is not None
    assert set(tls13.suites) == {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"}
    assert set(obs.groups) == {"x25519", "secp256r1"}
    assert bounded_cost(obs) <= len(LEGACY_TLS12_IANA) + 10, obs.connections_by_step


def test_a_tls10_to_tls13_server_following_the_client_order_is_learned_within_the_bound(
    openssl_server: StartServer,
) -> None:
    obs = probe(openssl_server("-min_protocol", "TLSv1", "-cipher", LEGACY_SERVER_SUITES))
    assert obs.versions == ("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1.0")
    for version, expected in (("TLSv1.2", LEGACY_TLS12_IANA), ("TLSv1.1", LEGACY_OLD_IANA)):
        entry = obs.suites_for(version)
        assert entry is not None, version
        assert (set(entry.suites), entry.server_preference) == (set(expected), False), version
    assert bounded_cost(obs) <= len(LEGACY_TLS12_IANA) + 10, obs.connections_by_step


def test_a_server_order_shown_during_the_enumeration_needs_no_reversed_offer(openssl_server: StartServer) -> None:
    # The server's favourite (AES-256-GCM) is not the first accepted suite of the prober's first offer, so
    # that pick already shows the server's own order: N suites + 1 refusal, no reversed offer.
    obs = probe(openssl_server("-cipher", TLS12_SUITES, "-serverpref", "-tls1_2"))
    tls12 = obs.suites_for("TLSv1.2")
    assert tls12 is not None
    assert (list(tls12.suites), tls12.server_preference) == (TLS12_IANA, True)
    assert dict(obs.connections_by_step)["tls12"] == len(TLS12_IANA) + 1
