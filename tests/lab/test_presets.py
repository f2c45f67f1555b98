"""TLS presets and the address plan say what the lab's servers are configured with (no root needed)."""

from __future__ import annotations

import pytest

from domeinwacht.lab import addresses
from domeinwacht.lab.presets import STRICT_SIGALGS, TLS_PRESETS, tls_settings


def test_strict_signature_algorithms_name_no_sha1_or_sha224():
    algorithms = STRICT_SIGALGS.upper().split(":")
    assert not [a for a in algorithms if a.endswith(("SHA1", "SHA224"))]


@pytest.mark.parametrize("preset", [p for p in TLS_PRESETS if p != "legacy10"])
def test_presets_above_security_level_0_sign_with_sha256_or_better_only(preset):
    assert tls_settings(preset, "ecdsa256")["sigalgs"] == STRICT_SIGALGS


def test_security_level_0_keeps_openssls_signature_algorithms_sha1_included():
    assert tls_settings("legacy10", "ecdsa256")["sigalgs"] is None
    assert tls_settings("modern", "sha1")["sigalgs"] is None  # the SHA-1 certificate needs level 0


def test_a_mapping_can_set_signature_algorithms_explicitly():
    assert tls_settings({"preset": "legacy10", "sigalgs": STRICT_SIGALGS}, "ecdsa256")["sigalgs"] == STRICT_SIGALGS


def test_insufficient_first_prefers_rsa_key_exchange():
    settings = tls_settings("insufficient_first", "rsa3072")
    assert settings["prefer_server"] is True
    assert settings["ciphers"].split(":")[0] == "AES256-GCM-SHA384"


def test_target_addresses_never_collide_with_the_infrastructure():
    alloc = addresses.Allocator()
    handed_out = [alloc.take("valid")[0] for _ in range(200)]
    infra = {v4 for v4, _ in addresses.INFRA.values()}
    assert not infra & set(handed_out)
    assert len(set(handed_out)) == len(handed_out)
