"""The NCSC TLS profiles as data: classes per profile for versions, suites, groups, DH, keys, hashes."""

from __future__ import annotations

import pytest

from domeinwacht.checks.result import Status
from domeinwacht.checks.tls.ncsc_tls import (
    PROFILES,
    UnknownProfileError,
    classify_cert_key,
    classify_dh,
    classify_group,
    classify_hash,
    classify_suite,
    classify_version,
    extension_setting,
    load_profile,
    status_for,
)
from domeinwacht.observations.tls import DhParams

NEW, OLD = "ncsc-2025-05", "ncsc-2.1.1"


def test_both_profiles_load_and_validate() -> None:
    assert [load_profile(p).id for p in PROFILES] == [NEW, OLD]


def test_an_unknown_profile_is_a_clear_error() -> None:
    with pytest.raises(UnknownProfileError, match="ncsc-9"):
        load_profile("ncsc-9")


def test_classes_map_to_statuses() -> None:
    assert [status_for(c) for c in ("good", "sufficient", "phase_out", "insufficient")] == [
        Status.PASS,
        Status.PASS,
        Status.WARNING,
        Status.FAIL,
    ]


@pytest.mark.parametrize(
    ("version", "new", "old"),
    [
        ("TLSv1.3", "good", "good"),
        ("TLSv1.2", "sufficient", "sufficient"),
        ("TLSv1.1", "insufficient", "phase_out"),
        ("TLSv1.0", "insufficient", "phase_out"),
        ("SSLv3", "insufficient", "insufficient"),
    ],
)
def test_versions(version: str, new: str, old: str) -> None:
    assert (classify_version(NEW, version), classify_version(OLD, version)) == (new, old)


@pytest.mark.parametrize(
    ("suite", "new", "old"),
    [
        ("TLS_AES_256_GCM_SHA384", "good", "good"),
        ("TLS_AES_128_GCM_SHA256", "sufficient", "sufficient"),
        ("TLS_AES_128_CCM_8_SHA256", "insufficient", "insufficient"),
        ("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "sufficient", "good"),
        ("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "sufficient", "good"),
        ("TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "sufficient", "sufficient"),
        ("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "phase_out", "sufficient"),
        ("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "insufficient", "sufficient"),
        ("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "phase_out", "sufficient"),
        ("TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "phase_out", "sufficient"),
        ("TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "phase_out", "phase_out"),
        ("TLS_RSA_WITH_AES_128_GCM_SHA256", "insufficient", "phase_out"),
        ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "insufficient", "phase_out"),
        ("TLS_RSA_WITH_RC4_128_SHA", "insufficient", "insufficient"),
        ("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "insufficient", "insufficient"),
        ("TLS_DH_anon_WITH_AES_256_GCM_SHA384", "insufficient", "insufficient"),
        ("TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", "insufficient", "insufficient"),
        ("TLS_PSK_WITH_AES_128_GCM_SHA256", "insufficient", "insufficient"),
        ("TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", "insufficient", "insufficient"),
        ("NOT_A_SUITE", "insufficient", "insufficient"),
    ],
)
def test_suites(suite: str, new: str, old: str) -> None:
    assert (classify_suite(NEW, suite), classify_suite(OLD, suite)) == (new, old)


@pytest.mark.parametrize(
    ("group", "new", "old"),
    [
        ("X25519MLKEM768", "good", "good"),
        ("x25519", "sufficient", "good"),
        ("secp521r1", "sufficient", "sufficient"),
        ("brainpoolP256r1", "sufficient", "sufficient"),
        ("secp224r1", "phase_out", "phase_out"),
        ("ffdhe2048", "insufficient", "phase_out"),
        ("ffdhe3072", "phase_out", "sufficient"),
        ("sect163k1", "insufficient", "insufficient"),
    ],
)
def test_groups(group: str, new: str, old: str) -> None:
    assert (classify_group(NEW, group), classify_group(OLD, group)) == (new, old)


def test_a_self_generated_dh_group_is_insufficient_under_2025_05_whatever_its_size() -> None:
    custom = DhParams(4096, None, "00" * 32)
    assert classify_dh(NEW, custom) == "insufficient"
    assert classify_dh(OLD, custom) == "phase_out"
    assert classify_dh(OLD, DhParams(1024, None, "00" * 32)) == "insufficient"


def test_an_ffdhe_group_in_a_server_key_exchange_is_classified_by_name() -> None:
    assert classify_dh(NEW, DhParams(3072, "ffdhe3072", "00" * 32)) == "phase_out"
    assert classify_dh(NEW, DhParams(2048, "modp2048", "00" * 32)) == "insufficient"


@pytest.mark.parametrize(
    ("kind", "bits", "curve", "new", "old"),
    [
        ("rsa", 4096, None, "sufficient", "good"),
        ("rsa", 2048, None, "phase_out", "sufficient"),
        ("rsa", 1024, None, "insufficient", "insufficient"),
        ("ec", 256, "secp256r1", "sufficient", "good"),
        ("ec", 256, "secp256k1", "insufficient", "insufficient"),
        ("ed25519", 256, None, "sufficient", "good"),
        ("dsa", 2048, None, "insufficient", "insufficient"),
    ],
)
def test_certificate_keys(kind: str, bits: int, curve: str | None, new: str, old: str) -> None:
    assert classify_cert_key(NEW, kind, bits=bits, curve=curve) == new
    assert classify_cert_key(OLD, kind, bits=bits, curve=curve) == old


@pytest.mark.parametrize(
    ("hash_name", "cls"),
    [
        ("SHA256", "good"),
        ("SHA512", "good"),
        ("SHA224", "phase_out"),
        ("SHA1", "insufficient"),
        ("MD5", "insufficient"),
        ("intrinsic", "good"),
    ],
)
def test_hashes(hash_name: str, cls: str) -> None:
    assert classify_hash(NEW, hash_name) == cls == classify_hash(OLD, hash_name)


def test_ems_is_required_only_under_2025_05() -> None:
    assert extension_setting(NEW, "ems_required") is True
    assert extension_setting(OLD, "ems_required") is False
