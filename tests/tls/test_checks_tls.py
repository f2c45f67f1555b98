"""The TLS checks, from observations: each rule's pass and its failure, under both profiles, per endpoint."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from domeinwacht.checks.registry import CheckContext, registered
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.observations.tls import DhParams, TlsObservation, VersionSuites

NEW, OLD = "ncsc-2025-05", "ncsc-2.1.1"

GOOD = TlsObservation(
    ip="192.0.2.10",
    port=443,
    server_name="www.example.nl",
    versions=("TLSv1.3", "TLSv1.2"),
    versions_refused=("TLSv1.1", "TLSv1.0", "SSLv3"),
    suites=(
        VersionSuites("TLSv1.3", ("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")),
        VersionSuites(
            "TLSv1.2",
            ("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
            True,
        ),
    ),
    groups=("x25519", "secp256r1", "secp384r1"),
    groups_source="encrypted_extensions",
    tls12_groups=("x25519",),
    kex_sha1_accepted=False,
    kex_sha224_accepted=False,
    kex_hashes_used=("SHA256",),
    compression=False,
    secure_renegotiation=True,
    extended_master_secret=True,
    client_renegotiation="refused",
    early_data=False,
    ocsp_stapled=False,
    connections=9,
)
TLS13_ONLY = replace(
    GOOD,
    versions=("TLSv1.3",),
    versions_refused=("TLSv1.2", "TLSv1.1", "TLSv1.0", "SSLv3"),
    suites=GOOD.suites[:1],
    compression=None,
    secure_renegotiation=None,
    extended_master_secret=None,
    client_renegotiation=None,
    kex_sha1_accepted=None,
    kex_sha224_accepted=None,
)


def run(check_id: str, *observations: TlsObservation, profile: str = NEW) -> CheckResult:
    ctx = CheckContext(profile=profile, now=datetime(2026, 6, 1, tzinfo=UTC))
    return registered()[check_id].function(tuple(observations), ctx)


def status(check_id: str, *observations: TlsObservation, profile: str = NEW) -> Status:
    return run(check_id, *observations, profile=profile).status


def test_every_tls_check_is_registered_for_web_and_mail_except_zero_rtt_for_mail() -> None:
    ids = set(registered())
    for name in (
        "versions",
        "ciphers",
        "cipher_order",
        "kex_groups",
        "kex_hash",
        "compression",
        "secure_renegotiation",
        "client_renegotiation",
        "extended_master_secret",
        "ocsp_stapling",
    ):
        assert f"web.tls.{name}" in ids and f"mail.tls.{name}" in ids
    assert "web.tls.zero_rtt" in ids and "mail.tls.zero_rtt" not in ids
    assert registered()["web.tls.versions"].area == "web_tls"
    assert registered()["mail.tls.versions"].area == "mail_tls"


@pytest.mark.parametrize("profile", [NEW, OLD])
@pytest.mark.parametrize(
    "check_id",
    [
        "web.tls.versions",
        "web.tls.ciphers",
        "web.tls.cipher_order",
        "web.tls.kex_groups",
        "web.tls.kex_hash",
        "web.tls.compression",
        "web.tls.secure_renegotiation",
        "web.tls.client_renegotiation",
        "web.tls.extended_master_secret",
        "web.tls.zero_rtt",
    ],
)
def test_a_well_configured_endpoint_passes_or_is_not_applicable(check_id: str, profile: str) -> None:
    assert status(check_id, GOOD, profile=profile) in (Status.PASS, Status.NOT_APPLICABLE)


# --- versions -------------------------------------------------------------------------------------------------


def test_tls10_fails_under_2025_05_and_warns_under_2_1_1() -> None:
    old = replace(GOOD, versions=("TLSv1.3", "TLSv1.2", "TLSv1.0"))
    result = run("web.tls.versions", old)
    assert result.status is Status.FAIL
    assert "TLSv1.0" in result.summary and result.remedy
    assert status("web.tls.versions", old, profile=OLD) is Status.WARNING


def test_the_evidence_names_each_endpoint_and_its_versions() -> None:
    result = run("web.tls.versions", GOOD)
    endpoint = result.evidence["endpoints"]["192.0.2.10:443"]
    assert endpoint["accepted"] == {"TLSv1.3": "good", "TLSv1.2": "sufficient"}
    assert endpoint["status"] == "pass"


def test_the_worst_endpoint_decides_and_is_named() -> None:
    bad = replace(GOOD, ip="192.0.2.11", versions=("TLSv1.2", "TLSv1.1"))
    result = run("web.tls.versions", GOOD, bad)
    assert result.status is Status.FAIL
    assert "192.0.2.11:443" in result.summary
    assert set(result.evidence["endpoints"]) == {"192.0.2.10:443", "192.0.2.11:443"}


def test_an_endpoint_that_could_not_be_measured_is_an_error_with_its_reason() -> None:
    broken = TlsObservation("192.0.2.12", 443, "www.example.nl", error="TCP connect to port 443 timed out")
    result = run("web.tls.versions", GOOD, broken)
    assert result.status is Status.ERROR
    assert "timed out" in result.summary


def test_no_endpoint_at_all_is_not_applicable_never_a_pass() -> None:
    assert status("web.tls.ciphers") is Status.NOT_APPLICABLE
    assert status("mail.cert.trust") is Status.NOT_APPLICABLE


def test_an_unknown_profile_is_an_error() -> None:
    assert status("web.tls.versions", GOOD, profile="ncsc-1.0") is Status.ERROR


# --- ciphers --------------------------------------------------------------------------------------------------


def with_tls12(*suites: str, preference: bool | None = True) -> TlsObservation:
    return replace(GOOD, suites=(GOOD.suites[0], VersionSuites("TLSv1.2", suites, preference)))


def test_an_insufficient_suite_fails_and_is_listed_with_its_class() -> None:
    obs = with_tls12("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256")
    result = run("web.tls.ciphers", obs)
    assert result.status is Status.FAIL
    suites = result.evidence["endpoints"]["192.0.2.10:443"]["suites"]["TLSv1.2"]
    assert suites == {
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": "sufficient",
        "TLS_RSA_WITH_AES_128_GCM_SHA256": "insufficient",
    }
    assert "TLS_RSA_WITH_AES_128_GCM_SHA256" in (result.remedy or "")


def test_a_phase_out_suite_warns() -> None:
    obs = with_tls12("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")
    assert status("web.tls.ciphers", obs) is Status.WARNING


def test_rsa_key_exchange_is_phase_out_under_2_1_1() -> None:
    obs = with_tls12("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256")
    assert status("web.tls.ciphers", obs, profile=OLD) is Status.WARNING


# --- cipher order ---------------------------------------------------------------------------------------------


def test_cipher_order_is_not_applicable_without_phase_out_suites() -> None:
    assert status("web.tls.cipher_order", GOOD) is Status.NOT_APPLICABLE


def test_cipher_order_is_not_applicable_for_tls13_only() -> None:
    assert status("web.tls.cipher_order", TLS13_ONLY) is Status.NOT_APPLICABLE


def test_server_preference_with_good_suites_first_passes() -> None:
    obs = with_tls12("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256")
    assert status("web.tls.cipher_order", obs) is Status.PASS


def test_a_server_that_follows_the_client_order_fails_when_phase_out_suites_are_offered() -> None:
    obs = with_tls12("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", preference=False)
    result = run("web.tls.cipher_order", obs)
    assert result.status is Status.FAIL
    assert "own suite order" in result.summary


def test_a_phase_out_suite_preferred_over_a_sufficient_one_fails() -> None:
    obs = with_tls12("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
    result = run("web.tls.cipher_order", obs)
    assert result.status is Status.FAIL
    assert "ranked after a phase-out suite" in result.summary


# --- key exchange ---------------------------------------------------------------------------------------------


def test_ffdhe2048_fails_under_2025_05_and_warns_under_2_1_1() -> None:
    obs = replace(GOOD, groups=("x25519", "ffdhe2048"))
    assert status("web.tls.kex_groups", obs) is Status.FAIL
    assert status("web.tls.kex_groups", obs, profile=OLD) is Status.WARNING


def test_a_self_generated_dh_group_fails_under_2025_05() -> None:
    obs = replace(GOOD, dh_params=(DhParams(4096, None, "ab" * 32),))
    result = run("web.tls.kex_groups", obs)
    assert result.status is Status.FAIL
    assert "custom 4096-bit group" in result.summary


def test_secp224r1_warns() -> None:
    assert status("web.tls.kex_groups", replace(GOOD, groups=("x25519", "secp224r1"))) is Status.WARNING


def test_hybrid_pqc_groups_count_as_good() -> None:
    result = run("web.tls.kex_groups", replace(GOOD, groups=("X25519MLKEM768", "x25519")))
    assert result.status is Status.PASS
    assert result.evidence["endpoints"]["192.0.2.10:443"]["groups"]["X25519MLKEM768"] == "good"


def test_no_ephemeral_key_exchange_at_all_is_not_applicable_for_the_groups_check() -> None:
    rsa_only = replace(
        GOOD,
        versions=("TLSv1.2",),
        suites=(VersionSuites("TLSv1.2", ("TLS_RSA_WITH_AES_128_GCM_SHA256",)),),
        groups=(),
        tls12_groups=(),
        groups_source="tls12",
    )
    assert status("web.tls.kex_groups", rsa_only) is Status.NOT_APPLICABLE


def test_sha1_only_key_exchange_signatures_fail_and_sha224_warn() -> None:
    assert status("web.tls.kex_hash", replace(GOOD, kex_sha1_accepted=True)) is Status.FAIL
    assert status("web.tls.kex_hash", replace(GOOD, kex_sha224_accepted=True)) is Status.WARNING


def test_kex_hash_not_tested_is_an_error_and_tls13_only_is_not_applicable() -> None:
    assert status("web.tls.kex_hash", replace(GOOD, kex_sha1_accepted=None)) is Status.ERROR
    assert status("web.tls.kex_hash", TLS13_ONLY) is Status.NOT_APPLICABLE


# --- extensions -----------------------------------------------------------------------------------------------


def test_compression_fails() -> None:
    assert status("web.tls.compression", replace(GOOD, compression=True)) is Status.FAIL


def test_tls13_only_cannot_compress() -> None:
    assert status("web.tls.compression", TLS13_ONLY) is Status.PASS


def test_missing_secure_renegotiation_fails_and_tls13_only_passes() -> None:
    assert status("web.tls.secure_renegotiation", replace(GOOD, secure_renegotiation=False)) is Status.FAIL
    assert status("web.tls.secure_renegotiation", TLS13_ONLY) is Status.PASS


def test_client_renegotiation_allowed_is_info_under_2025_05_and_warning_under_2_1_1() -> None:
    obs = replace(GOOD, client_renegotiation="unlimited")
    assert status("web.tls.client_renegotiation", obs) is Status.INFO
    assert status("web.tls.client_renegotiation", obs, profile=OLD) is Status.WARNING


def test_tls13_only_cannot_renegotiate_at_all() -> None:
    assert status("web.tls.client_renegotiation", TLS13_ONLY) is Status.PASS


def test_client_renegotiation_not_measured_is_an_error_with_the_reason() -> None:
    obs = replace(
        GOOD,
        client_renegotiation=None,
        notes=("client-initiated renegotiation not measured: needs a full session",),
    )
    result = run("web.tls.client_renegotiation", obs)
    assert result.status is Status.ERROR
    assert "not measured" in result.summary


def test_zero_rtt_accepted_fails_and_not_tested_is_an_error() -> None:
    assert status("web.tls.zero_rtt", replace(GOOD, early_data=True, early_data_max=16384)) is Status.FAIL
    assert status("web.tls.zero_rtt", replace(GOOD, early_data=None)) is Status.ERROR
    no13 = replace(GOOD, versions=("TLSv1.2",), early_data=None)
    assert status("web.tls.zero_rtt", no13) is Status.NOT_APPLICABLE


def test_missing_ems_fails_under_2025_05_only() -> None:
    obs = replace(GOOD, extended_master_secret=False)
    assert status("web.tls.extended_master_secret", obs) is Status.FAIL
    assert status("web.tls.extended_master_secret", obs, profile=OLD) is Status.INFO
    assert status("web.tls.extended_master_secret", TLS13_ONLY) is Status.NOT_APPLICABLE


def test_mail_checks_judge_the_mail_area_the_same_way() -> None:
    mail = replace(GOOD, port=25, purpose="mail", server_name="mx.example.nl", versions=("TLSv1.2", "TLSv1.0"))
    result = run("mail.tls.versions", mail)
    assert result.status is Status.FAIL
    assert "192.0.2.10:25" in result.evidence["endpoints"]


def test_a_rate_limited_mail_server_is_an_error_never_a_fail() -> None:
    limited = TlsObservation("192.0.2.25", 25, "mx.example.nl", "mail", error="rate-limited: 421 too many")
    result = run("mail.tls.ciphers", limited)
    assert result.status is Status.ERROR
    assert "rate-limited" in result.summary
