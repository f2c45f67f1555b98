"""The policy catalogue of check ids matches CHECKS.md, and every profile names only catalogue ids."""

from __future__ import annotations

import pytest

from domeinwacht.checks.catalogue import CHECK_IDS, expand
from domeinwacht.policy.profile import available, load


def test_catalogue_parse_finds_ids_of_every_section(catalogue):
    assert {"dns.dnssec.secure", "web.hsts", "mail.dane.valid", "hygiene.dangling_cname"} <= catalogue
    assert {"web.tls.versions", "mail.tls.versions", "web.cert.trust", "mail.rpki.valid"} <= catalogue


def test_zero_rtt_exists_for_web_only(catalogue):
    assert "web.tls.zero_rtt" in catalogue
    assert "mail.tls.zero_rtt" not in catalogue


def test_policy_catalogue_equals_checks_md(catalogue):
    assert set(CHECK_IDS) == set(catalogue)


def test_shipped_profiles_are_the_four_of_policies_md():
    assert set(available()) == {"nl-wdo", "nl-ptolu-2025", "internetnl", "us-bod-18-01"}


@pytest.mark.parametrize("name", ["nl-wdo", "nl-ptolu-2025", "internetnl", "us-bod-18-01"])
def test_every_check_id_of_the_profile_is_in_checks_md(name, catalogue):
    unknown = load(name).check_ids - catalogue
    assert not unknown, f"{name} names check ids that CHECKS.md does not define: {sorted(unknown)}"


def test_web_tls_wildcard_expands_to_the_tls_set():
    assert expand("web.tls.*") == tuple(
        f"web.tls.{x}"
        for x in (
            "versions",
            "ciphers",
            "cipher_order",
            "kex_groups",
            "kex_hash",
            "compression",
            "secure_renegotiation",
            "client_renegotiation",
            "zero_rtt",
            "extended_master_secret",
            "ocsp_stapling",
        )
    )


def test_web_cert_wildcard_expands_to_the_certificate_set():
    assert expand("web.cert.*") == (
        "web.cert.trust",
        "web.cert.hostname",
        "web.cert.pubkey",
        "web.cert.signature",
        "web.cert.expiry",
    )


def test_unknown_wildcard_is_refused():
    with pytest.raises(ValueError, match=r"unknown wildcard 'web\.foo\.\*'"):
        expand("web.foo.*")
