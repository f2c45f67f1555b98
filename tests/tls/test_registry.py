"""The IANA registries as data: every suite name parses into its parts."""

from __future__ import annotations

import pytest

from domeinwacht.net.tls import SUITES, SUITES_BY_NAME, signature_hash, suites_for_version
from domeinwacht.tls_registry import TLS10, TLS12, TLS13, parse_suite_name


def test_the_registry_holds_the_suites_openssl_knows_and_the_legacy_ones() -> None:
    assert len(SUITES) >= 250
    assert SUITES[0xC02F].name == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    assert SUITES[0x000A].name == "TLS_RSA_WITH_3DES_EDE_CBC_SHA"
    assert SUITES[0x1303].name == "TLS_CHACHA20_POLY1305_SHA256"


@pytest.mark.parametrize(
    ("name", "kex", "auth", "family", "mac"),
    [
        ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE", "RSA", "AESGCM", "AEAD"),
        ("TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE", "ECDSA", "AESCBC", "SHA384"),
        ("TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE", "RSA", "CHACHA20", "AEAD"),
        ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "RSA", "RSA", "3DES", "SHA"),
        ("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "ECDHE", "ECDSA", "AESCCM8", "AEAD"),
        ("TLS_DH_anon_WITH_AES_128_CBC_SHA", "DHE", "anon", "AESCBC", "SHA"),
        ("TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", "ECDH", "RSA", "AESGCM", "AEAD"),
        ("TLS_RSA_WITH_NULL_MD5", "RSA", "RSA", "NULL", "MD5"),
        ("TLS_AES_128_CCM_8_SHA256", "ANY", "ANY", "AESCCM8", "AEAD"),
        ("TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", "ECDHE", "RSA", "ARIAGCM", "AEAD"),
    ],
)
def test_a_suite_name_gives_its_key_exchange_authentication_cipher_and_mac(
    name: str, kex: str, auth: str, family: str, mac: str
) -> None:
    suite = SUITES_BY_NAME[name]
    assert (suite.kex, suite.auth, suite.family, suite.mac) == (kex, auth, family, mac)


def test_export_suites_are_marked() -> None:
    assert SUITES_BY_NAME["TLS_RSA_EXPORT_WITH_RC4_40_MD5"].export
    assert not SUITES_BY_NAME["TLS_RSA_WITH_RC4_128_MD5"].export


def test_aead_and_sha2_mac_suites_are_tls12_only_and_tls13_suites_are_13_only() -> None:
    assert not SUITES_BY_NAME["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"].valid_for(TLS10)
    assert SUITES_BY_NAME["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"].valid_for(TLS10)
    assert SUITES_BY_NAME["TLS_AES_128_GCM_SHA256"].valid_for(TLS13)
    assert not SUITES_BY_NAME["TLS_AES_128_GCM_SHA256"].valid_for(TLS12)
    assert not SUITES_BY_NAME["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"].valid_for(TLS13)


def test_offers_per_version_contain_only_valid_suites_strong_ones_first() -> None:
    tls12 = suites_for_version(TLS12)
    assert all(SUITES[c].valid_for(TLS12) for c in tls12)
    assert SUITES[tls12[0]].aead
    assert set(suites_for_version(TLS13)) == {0x1301, 0x1302, 0x1303, 0x1304, 0x1305}


def test_a_name_outside_the_grammar_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown key exchange"):
        parse_suite_name(0xFFFF, "TLS_FOO_WITH_AES_128_GCM_SHA256")


@pytest.mark.parametrize(
    ("scheme", "hash_name"),
    [
        (0x0201, "SHA1"),
        (0x0303, "SHA224"),
        (0x0401, "SHA256"),
        (0x0804, "SHA256"),
        (0x0806, "SHA512"),
        (0x0807, "intrinsic"),
    ],
)
def test_signature_schemes_map_to_their_hash(scheme: int, hash_name: str) -> None:
    assert signature_hash(scheme) == hash_name


def test_the_package_exports_exactly_its_public_names() -> None:
    import domeinwacht.net.tls as package

    assert sorted(package.__all__) == sorted(
        name
        for name in vars(package)
        if not name.startswith("_")
        and name not in ("annotations",)
        and not isinstance(vars(package)[name], type(package))
    )
