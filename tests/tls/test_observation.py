"""TlsObservation is pure data that survives storage: serde round-trip."""

from __future__ import annotations

from domeinwacht.observations.tls import DhParams, TlsObservation, VersionSuites
from domeinwacht.serde import from_jsonable, to_jsonable


def full_observation() -> TlsObservation:
    return TlsObservation(
        ip="2001:db8::1",
        port=443,
        server_name="www.example.nl",
        purpose="web",
        versions=("TLSv1.3", "TLSv1.2"),
        versions_refused=("TLSv1.1", "TLSv1.0", "SSLv3"),
        suites=(
            VersionSuites("TLSv1.3", ("TLS_AES_256_GCM_SHA384",), None),
            VersionSuites("TLSv1.2", ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",), True),
        ),
        groups=("x25519", "secp256r1"),
        groups_source="encrypted_extensions",
        tls12_groups=("x25519",),
        dh_params=(DhParams(2048, "ffdhe2048", "ab" * 32),),
        kex_sha1_accepted=False,
        kex_sha224_accepted=False,
        kex_hashes_used=("SHA256",),
        compression=False,
        secure_renegotiation=True,
        extended_master_secret=True,
        early_data=False,
        ocsp_stapled=True,
        ocsp_response=b"\x30\x03\x0a\x01\x00",
        chain=(b"\x30\x82leaf", b"\x30\x82ca"),
        chain_version="TLSv1.3",
        connections=9,
        duration=0.25,
        notes=("client-initiated renegotiation not measured",),
    )


def test_a_full_observation_round_trips_through_json() -> None:
    obs = full_observation()
    assert from_jsonable(TlsObservation, to_jsonable(obs)) == obs


def test_an_error_observation_round_trips_through_json() -> None:
    obs = TlsObservation("192.0.2.1", 25, "mx.example.nl", "mail", error="rate-limited: 421")
    assert from_jsonable(TlsObservation, to_jsonable(obs)) == obs


def test_a_tuple_of_observations_round_trips_as_the_area_value() -> None:
    area = (full_observation(), TlsObservation("192.0.2.2", 443, None, error="timeout"))
    assert from_jsonable(tuple[TlsObservation, ...], to_jsonable(area)) == area


def test_endpoint_brackets_ipv6_addresses() -> None:
    assert full_observation().endpoint == "[2001:db8::1]:443"
    assert TlsObservation("192.0.2.1", 25, None).endpoint == "192.0.2.1:25"


def test_all_suites_lists_each_accepted_suite_once_over_versions() -> None:
    assert full_observation().all_suites == (
        "TLS_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    )
