"""TLS 1.3 key schedule against the RFC 8448 "Simple 1-RTT Handshake" trace (section 3), and the TLS 1.2 PRF."""

from __future__ import annotations

import hashlib
import hmac

from domeinwacht.net.tls._crypto import KeySchedule, Transcript, hkdf_expand_label, make_key
from domeinwacht.net.tls._renegotiation import prf

# RFC 8448 section 3 values.
EARLY_SECRET = "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a"
DERIVED = "6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba"
ECDHE_SHARED = "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d"
HELLO_HASH = "860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8"
HANDSHAKE_SECRET = "1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac"
CLIENT_HS = "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21"
SERVER_HS = "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38"
SERVER_HS_KEY = "3fce516009c21727d0f2e4e86ee403bc"
SERVER_HS_IV = "5d313eb2671276ee13000b30"


def test_the_early_secret_without_psk_and_its_derived_secret_match_rfc_8448() -> None:
    schedule = KeySchedule(0x1301)
    assert schedule.early_secret.hex() == EARLY_SECRET
    assert schedule.derive_secret(schedule.early_secret, "derived", schedule.empty_hash()).hex() == DERIVED


def test_handshake_traffic_secrets_match_rfc_8448() -> None:
    schedule = KeySchedule(0x1301)
    client, server = schedule.handshake(bytes.fromhex(ECDHE_SHARED), bytes.fromhex(HELLO_HASH))
    assert schedule.handshake_secret.hex() == HANDSHAKE_SECRET
    assert (client.hex(), server.hex()) == (CLIENT_HS, SERVER_HS)


def test_the_server_handshake_key_and_iv_match_rfc_8448() -> None:
    secret = bytes.fromhex(SERVER_HS)
    assert hkdf_expand_label("sha256", secret, "key", b"", 16).hex() == SERVER_HS_KEY
    assert hkdf_expand_label("sha256", secret, "iv", b"", 12).hex() == SERVER_HS_IV


def test_a_record_sealed_with_a_key_opens_with_the_same_key() -> None:
    secret = bytes(32)
    sealed = make_key(0x1301, secret).encrypt(22, b"\x08\x00\x00\x00")
    content_type, plain = make_key(0x1301, secret).decrypt(sealed[:5], sealed[5:])
    assert (content_type, plain) == (22, b"\x08\x00\x00\x00")


def test_the_transcript_after_a_hello_retry_starts_with_message_hash() -> None:
    transcript = Transcript("sha256")
    transcript.restart_after_hrr(b"client hello 1")
    inner = hashlib.sha256(b"client hello 1").digest()
    assert transcript.digest() == hashlib.sha256(b"\xfe\x00\x00\x20" + inner).digest()


def test_the_tls12_prf_is_p_sha256_of_label_and_seed() -> None:
    secret, label, seed = b"secret", b"test label", b"seed"
    a1 = hmac.new(secret, label + seed, "sha256").digest()
    first_block = hmac.new(secret, a1 + label + seed, "sha256").digest()
    assert prf("sha256", secret, label, seed, 32) == first_block
    assert len(prf("sha384", secret, label, seed, 100)) == 100
