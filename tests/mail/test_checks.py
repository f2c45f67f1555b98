"""Mail checks, pure: each verdict from an observation (CHECKS.md, Mail)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domeinwacht.checks.mail.dane import dane_exists, dane_rollover, dane_valid
from domeinwacht.checks.mail.dkim import dkim_exists
from domeinwacht.checks.mail.dmarc import dmarc_exists, dmarc_external_reporting, dmarc_policy
from domeinwacht.checks.mail.dnssec import mail_dnssec
from domeinwacht.checks.mail.ipv6 import mail_ipv6_aaaa, mail_ipv6_reach
from domeinwacht.checks.mail.mtasts import mta_sts
from domeinwacht.checks.mail.mx import mail_mx
from domeinwacht.checks.mail.spf import spf_exists, spf_policy
from domeinwacht.checks.mail.starttls import starttls_available
from domeinwacht.checks.mail.tlsrpt import tls_rpt
from domeinwacht.checks.registry import CheckContext, evaluate
from domeinwacht.checks.result import Status
from domeinwacht.mail.dkim import DkimKey
from domeinwacht.mail.txt_lookup import TxtLookup
from domeinwacht.observations.mail import (
    DkimSelector,
    DnssecStatusInfo,
    MxHost,
    ReportAuthorisation,
    TlsaObservation,
)

from . import factories as f
from .certs import chain
from .test_dane import record as tlsa_record

CTX = CheckContext()
MAIL_CHECKS = {
    "mail.mx", "mail.ipv6.aaaa", "mail.ipv6.reach", "mail.spf.exists", "mail.spf.policy", "mail.dmarc.exists",
    "mail.dmarc.policy", "mail.dmarc.external_reporting", "mail.dkim.exists", "mail.starttls.available",
    "mail.dane.exists", "mail.dane.valid", "mail.dane.rollover", "mail.mta_sts", "mail.tls_rpt", "mail.dnssec.secure",
}  # fmt: skip


# --- the green domain -------------------------------------------------------------------------------------


def test_the_green_domain_passes_every_mail_check_it_can() -> None:
    results = evaluate({"mail": f.green(), "mail_tls": ()}, CTX, only_areas={"mail", "mail_tls"})
    mail = {k: v for k, v in results.items() if k in MAIL_CHECKS}
    assert len(mail) == 16
    not_pass = {k: v.status for k, v in mail.items() if v.status is not Status.PASS}
    assert not_pass == {"mail.dane.rollover": Status.INFO}  # the green factory publishes one TLSA record


def test_every_result_that_is_not_pass_has_a_remedy_or_a_reason() -> None:
    obs = f.green(spf=f.spf(all_qualifier="?"), dmarc=f.dmarc("v=DMARC1; p=none"))
    for result in evaluate({"mail": obs, "mail_tls": ()}, CTX, only_areas={"mail", "mail_tls"}).values():
        if result.status in (Status.FAIL, Status.WARNING):
            assert result.remedy, result
        if result.status is Status.ERROR:
            assert result.evidence.get("reason"), result


# --- mail.mx ----------------------------------------------------------------------------------------------


def test_null_mx_alone_passes_and_makes_receive_checks_not_applicable() -> None:
    obs = f.green(mx=(MxHost("", 0),))
    assert mail_mx(obs, CTX).status is Status.PASS
    for check in (starttls_available, mail_ipv6_aaaa, dane_exists, dane_rollover, mta_sts, tls_rpt):
        assert check(obs, CTX).status is Status.NOT_APPLICABLE


def test_null_mx_next_to_other_mx_is_a_warning() -> None:
    assert mail_mx(f.green(mx=(MxHost("", 0), f.mx_host())), CTX).status is Status.WARNING


def test_no_mx_but_an_address_is_info() -> None:
    assert mail_mx(f.green(mx=(), has_address=True), CTX).status is Status.INFO


def test_an_mx_lookup_failure_is_an_error_everywhere() -> None:
    obs = f.green(mx=(), mx_error="timeout")
    for check in (mail_mx, starttls_available, mail_ipv6_aaaa, dane_exists, mail_dnssec):
        assert check(obs, CTX).status is Status.ERROR


# --- IPv6 -------------------------------------------------------------------------------------------------


def test_an_mx_without_aaaa_fails() -> None:
    obs = f.with_mx(f.green(), ipv6=(), smtp=(f.smtp(),))
    assert mail_ipv6_aaaa(obs, CTX).status is Status.FAIL
    assert mail_ipv6_reach(obs, CTX).status is Status.NOT_APPLICABLE


def test_an_unreachable_ipv6_address_fails_reach() -> None:
    obs = f.with_mx(f.green(), smtp=(f.smtp(), f.smtp("2001:db8::25", connected=False, error="connection refused")))
    result = mail_ipv6_reach(obs, CTX)
    assert result.status is Status.FAIL and "[2001:db8::25]:25" in result.summary


# --- SPF --------------------------------------------------------------------------------------------------


def test_spf_exists_needs_exactly_one_record() -> None:
    assert spf_exists(f.green(), CTX).status is Status.PASS
    assert spf_exists(f.green(spf=f.spf(records=(), status="none")), CTX).status is Status.FAIL
    two = f.spf(records=("v=spf1 -all", "v=spf1 ~all"), status="multiple")
    assert spf_exists(f.green(spf=two), CTX).status is Status.FAIL


@pytest.mark.parametrize(
    ("qualifier", "status"),
    [("-", Status.PASS), ("~", Status.PASS), ("+", Status.FAIL), ("?", Status.FAIL), (None, Status.FAIL)],
)
def test_spf_policy_judges_the_final_all(qualifier: str | None, status: Status) -> None:
    assert spf_policy(f.green(spf=f.spf(all_qualifier=qualifier)), CTX).status is status


def test_spf_permerror_fails_with_the_reason() -> None:
    analysis = f.spf(status="permerror", reason="more than 2 void lookups: a.nl, b.nl, c.nl", all_qualifier=None)
    result = spf_policy(f.green(spf=analysis), CTX)
    assert result.status is Status.FAIL and "void" in result.summary


def test_spf_temperror_is_an_error_not_a_verdict() -> None:
    analysis = f.spf(status="temperror", reason="TXT lookup of example.nl failed: timeout")
    assert spf_exists(f.green(spf=analysis), CTX).status is Status.ERROR
    assert spf_policy(f.green(spf=analysis), CTX).status is Status.ERROR


# --- DMARC ------------------------------------------------------------------------------------------------


def test_dmarc_missing_fails() -> None:
    assert dmarc_exists(f.green(dmarc=f.dmarc(None)), CTX).status is Status.FAIL
    assert dmarc_policy(f.green(dmarc=f.dmarc(None)), CTX).status is Status.FAIL


def test_dmarc_at_the_organisational_domain_counts_and_sp_applies() -> None:
    obs = f.dmarc("v=DMARC1; p=reject; sp=none", source="organisational", org_domain="example.nl")
    obs = replace(obs, domain="sub.example.nl")
    assert dmarc_exists(f.green(dmarc=obs), CTX).status is Status.PASS
    result = dmarc_policy(f.green(dmarc=obs), CTX)
    assert result.status is Status.FAIL and "sp=none" in result.summary


@pytest.mark.parametrize(
    ("record", "status"),
    [
        ("v=DMARC1; p=reject", Status.PASS),
        ("v=DMARC1; p=quarantine", Status.PASS),
        ("v=DMARC1; p=none", Status.FAIL),
        ("v=DMARC1; p=reject; pct=50", Status.FAIL),
        ("v=DMARC1; p=reject; t=y", Status.FAIL),
        ("v=DMARC1; rua=mailto:a@example.nl", Status.FAIL),
        ("v=DMARC1; p=reject; adkim=x", Status.WARNING),
    ],
)
def test_dmarc_policy(record: str, status: Status) -> None:
    assert dmarc_policy(f.green(dmarc=f.dmarc(record)), CTX).status is status


def test_dmarc_lookup_failure_is_an_error() -> None:
    obs = f.dmarc(None, lookup=TxtLookup("_dmarc.example.nl", error="SERVFAIL"))
    assert dmarc_exists(f.green(dmarc=obs), CTX).status is Status.ERROR


def test_external_reporting_needs_authorisation() -> None:
    denied = f.dmarc(
        "v=DMARC1; p=reject; rua=mailto:d@reports.example.com",
        external=(ReportAuthorisation("reports.example.com", "example.nl._report._dmarc.reports.example.com", False),),
    )
    assert dmarc_external_reporting(f.green(dmarc=denied), CTX).status is Status.WARNING
    allowed = replace(denied, external=(replace(denied.external[0], authorised=True),))
    assert dmarc_external_reporting(f.green(dmarc=allowed), CTX).status is Status.PASS
    assert dmarc_external_reporting(f.green(), CTX).status is Status.PASS
    assert dmarc_external_reporting(f.green(dmarc=f.dmarc(None)), CTX).status is Status.NOT_APPLICABLE


# --- DKIM -------------------------------------------------------------------------------------------------


def test_dkim_nxdomain_fails_and_noerror_passes() -> None:
    assert dkim_exists(f.green(), CTX).status is Status.PASS
    assert dkim_exists(f.green(dkim=f.dkim(rcode="NXDOMAIN", selectors=())), CTX).status is Status.FAIL


def test_dkim_is_not_applicable_for_a_domain_that_sends_no_mail() -> None:
    obs = f.green(spf=f.spf("v=spf1 -all"), dmarc=f.dmarc("v=DMARC1; p=reject"), dkim=f.dkim(rcode="NXDOMAIN"))
    assert dkim_exists(obs, CTX).status is Status.NOT_APPLICABLE


def _with_key(bits: int) -> DkimSelector:
    return DkimSelector("s1", TxtLookup("s1._domainkey.example.nl"), DkimKey("p=…", "rsa", bits))


@pytest.mark.parametrize(
    ("bits", "status"), [(512, Status.FAIL), (1024, Status.WARNING), (2048, Status.PASS), (4096, Status.PASS)]
)
def test_dkim_key_sizes(bits: int, status: Status) -> None:
    assert dkim_exists(f.green(dkim=f.dkim(selectors=(_with_key(bits),))), CTX).status is status


def test_dkim_wildcard_is_reported() -> None:
    result = dkim_exists(f.green(dkim=f.dkim(wildcard=True)), CTX)
    assert result.evidence["wildcard"] is True and "wildcard" in result.summary


def test_dkim_wildcard_text_at_selector_names_is_not_a_broken_key() -> None:
    echo = DkimSelector("default", TxtLookup("default._domainkey.example.nl", "NOERROR", ("wildcard",)), None, "no p=")
    assert dkim_exists(f.green(dkim=f.dkim(wildcard=True, selectors=(echo,))), CTX).status is Status.PASS
    assert dkim_exists(f.green(dkim=f.dkim(wildcard=False, selectors=(echo,))), CTX).status is Status.WARNING


def test_dkim_lookup_failure_is_an_error() -> None:
    assert dkim_exists(f.green(dkim=f.dkim(error="timeout")), CTX).status is Status.ERROR


# --- STARTTLS and rate limiting ---------------------------------------------------------------------------


def test_starttls_missing_fails() -> None:
    obs = f.with_mx(f.green(), smtp=(f.smtp(starttls_offered=False, starttls_ok=None, extensions=()),))
    assert starttls_available(obs, CTX).status is Status.FAIL


def test_a_rate_limiting_server_is_an_error_never_a_fail() -> None:
    limited = f.smtp(
        connected=True,
        rate_limited=True,
        error="rate-limited: greeting 421 too many",
        starttls_offered=None,
        starttls_ok=None,
        leaf_der=None,
    )
    obs = f.with_mx(f.green(), smtp=(limited,))
    for check in (starttls_available, mail_ipv6_reach):
        assert check(obs, CTX).status is not Status.FAIL
    result = starttls_available(obs, CTX)
    assert result.status is Status.ERROR and result.summary.startswith("rate-limited")
    assert dane_valid({"mail": obs, "mail_tls": ()}, CTX).status is Status.ERROR


# --- DANE -------------------------------------------------------------------------------------------------


def test_dane_exists_needs_dnssec_secure_tlsa_for_every_mx() -> None:
    assert dane_exists(f.green(), CTX).status is Status.PASS
    insecure = TlsaObservation("_25._tcp.mx.example.nl", "NOERROR", ("3 1 1 " + "ab" * 32,), None, "insecure", "no DS")
    assert dane_exists(f.with_mx(f.green(), tlsa=insecure), CTX).status is Status.FAIL
    assert (
        dane_exists(f.with_mx(f.green(), tlsa=TlsaObservation("_25._tcp.mx.example.nl", "NXDOMAIN")), CTX).status
        is Status.FAIL
    )


def test_dane_exists_under_a_tld_with_a_broken_chain_is_an_error() -> None:
    broken = TlsaObservation(
        "_25._tcp.mx.example.nl", "NOERROR", ("3 1 1 " + "ab" * 32,), None, "bogus", "DS at . matches no key", "nl."
    )
    result = dane_exists(f.with_mx(f.green(), tlsa=broken), CTX)
    assert result.status is Status.ERROR
    assert "breaks above the domain, at nl" in result.summary


def test_dane_valid_matches_the_served_certificate() -> None:
    _root, intermediate, leaf = chain()
    tlsa = TlsaObservation("_25._tcp.mx.example.nl", "NOERROR", (tlsa_record(3, 1, 1, leaf),), None, "secure")
    probes = (f.smtp(leaf_der=leaf.der),)
    good = f.with_mx(f.green(), tlsa=tlsa, smtp=probes)
    result = dane_valid({"mail": good, "mail_tls": ()}, CTX)
    assert result.status is Status.PASS
    other = tlsa_record(3, 1, 1, intermediate)
    bad = f.with_mx(good, tlsa=replace(tlsa, records=(other,)))
    assert dane_valid({"mail": bad, "mail_tls": ()}, CTX).status is Status.FAIL


def test_dane_valid_is_an_error_when_the_tlsa_records_could_not_be_validated() -> None:
    _root, _intermediate, leaf = chain()
    reason = "DNSSEC not validated: the resolver preflight was skipped (--skip-preflight)"
    tlsa = TlsaObservation(
        "_25._tcp.mx.example.nl", "NOERROR", (tlsa_record(3, 1, 1, leaf),), None, "indeterminate", reason
    )
    obs = f.with_mx(f.green(), tlsa=tlsa, smtp=(f.smtp(leaf_der=leaf.der),))
    result = dane_valid({"mail": obs, "mail_tls": ()}, CTX)
    assert result.status is Status.ERROR
    assert reason in result.summary


def test_dane_valid_is_not_applicable_without_tlsa() -> None:
    obs = f.with_mx(f.green(), tlsa=TlsaObservation("_25._tcp.mx.example.nl", "NXDOMAIN"))
    assert dane_valid({"mail": obs, "mail_tls": ()}, CTX).status is Status.NOT_APPLICABLE


def test_dane_valid_ignores_tlsa_from_an_insecure_zone() -> None:
    insecure = replace(f.mx_host().tlsa, records=("3 1 1 " + "00" * 32,), dnssec="insecure")
    obs = f.with_mx(f.green(), tlsa=insecure)
    assert dane_valid({"mail": obs, "mail_tls": ()}, CTX).status is Status.NOT_APPLICABLE


def test_dane_rollover_passes_when_present_and_is_information_when_absent() -> None:
    two = TlsaObservation(
        "_25._tcp.mx.example.nl", "NOERROR", ("3 1 1 " + "ab" * 32, "3 1 1 " + "cd" * 32), None, "secure"
    )
    assert dane_rollover(f.with_mx(f.green(), tlsa=two), CTX).status is Status.PASS
    assert dane_rollover(f.green(), CTX).status is Status.INFO
    none = f.with_mx(f.green(), tlsa=TlsaObservation("_25._tcp.mx.example.nl", "NXDOMAIN"))
    assert dane_rollover(none, CTX).status is Status.INFO


# --- MTA-STS, TLS-RPT, DNSSEC -----------------------------------------------------------------------------


def test_mta_sts_modes() -> None:
    assert mta_sts(f.green(), CTX).status is Status.PASS
    assert mta_sts(f.green(mta_sts=f.mta_sts("testing")), CTX).status is Status.INFO
    assert mta_sts(f.green(mta_sts=f.mta_sts(mx="other.example.org")), CTX).status is Status.WARNING
    broken = f.mta_sts(fetch_error="certificate not valid for mta-sts.example.nl", policy=None, status=None)
    assert mta_sts(f.green(mta_sts=broken), CTX).status is Status.WARNING
    none = replace(f.mta_sts(), records=(), record=None, policy=None)
    assert mta_sts(f.green(mta_sts=none), CTX).status is Status.INFO


def test_tls_rpt() -> None:
    assert tls_rpt(f.green(), CTX).status is Status.PASS
    assert tls_rpt(f.green(tls_rpt=f.tls_rpt(None)), CTX).status is Status.INFO
    assert tls_rpt(f.green(tls_rpt=f.tls_rpt("v=TLSRPTv1; rua=ftp://x")), CTX).status is Status.WARNING


def test_mail_dnssec_covers_the_domain_and_every_mx_domain() -> None:
    assert mail_dnssec(f.green(), CTX).status is Status.PASS
    insecure_mx = f.with_mx(f.green(), dnssec=DnssecStatusInfo("mx.example.nl", "insecure", "no DS for example.nl"))
    result = mail_dnssec(insecure_mx, CTX)
    assert result.status is Status.FAIL and "mx.example.nl" in result.summary
    unknown = f.green(dnssec=DnssecStatusInfo("example.nl", "indeterminate", "SERVFAIL"))
    assert mail_dnssec(unknown, CTX).status is Status.ERROR


BIS = CheckContext(dmarc_spec="dmarcbis")


@pytest.mark.parametrize(
    ("record", "rfc7489", "dmarcbis"),
    [
        ("v=DMARC1; p=reject; pct=50", Status.FAIL, Status.PASS),  # DMARCbis removes pct (appendix C.5.2)
        ("v=DMARC1; rua=mailto:a@example.nl", Status.FAIL, Status.FAIL),  # no p: error vs p=none (4.7)
        ("v=DMARC1; p=reject; t=y", Status.FAIL, Status.FAIL),
        ("v=DMARC1; p=reject; np=reject; psd=n", Status.PASS, Status.PASS),
    ],
)
def test_dmarc_policy_under_the_specification_the_profile_chooses(
    record: str, rfc7489: Status, dmarcbis: Status
) -> None:
    old = dmarc_policy(f.green(dmarc=f.dmarc(record)), CTX)
    new = dmarc_policy(f.green(dmarc=f.dmarc(record)), BIS)
    assert (old.status, new.status) == (rfc7489, dmarcbis)
    assert old.evidence["specification"] == "RFC 7489"
    assert new.evidence["specification"].startswith("DMARCbis")


def test_a_missing_p_is_named_as_p_none_under_dmarcbis() -> None:
    result = dmarc_policy(f.green(dmarc=f.dmarc("v=DMARC1; rua=mailto:a@example.nl")), BIS)
    assert "p=none" in result.summary
    assert any("DMARCbis 4.7" in w for w in result.evidence["warnings"])


def test_a_dmarc_record_with_leading_whitespace_is_no_record_and_the_evidence_says_why() -> None:
    # issue 16: RFC 7489 6.4 starts the record with "v"; receivers discard " v=DMARC1; p=reject" (6.6.3).
    text = " v=DMARC1; p=reject"
    obs = f.dmarc(None, lookup=TxtLookup("_dmarc.example.nl", "NOERROR", (text,)))
    result = dmarc_exists(f.green(dmarc=obs), CTX)
    assert result.status is Status.FAIL
    assert "starts with whitespace" in result.summary
    assert result.evidence["discarded"] == [
        {"name": "_dmarc.example.nl", "record": text, "reason": result.evidence["discarded"][0]["reason"]}
    ]
    assert "RFC 7489 6.4" in result.evidence["discarded"][0]["reason"]


def test_a_stored_observation_with_a_leading_whitespace_record_is_judged_by_todays_rule() -> None:
    # Observed before the observer discarded such records: re-evaluating needs no rescan and gives today's verdict.
    text = " v=DMARC1; p=reject"
    stored = replace(
        f.dmarc(None, lookup=TxtLookup("_dmarc.example.nl", "NOERROR", (text,))),
        source="domain",
        records=(text,),
        record=replace(f.dmarc().record, text=text),
    )
    assert dmarc_exists(f.green(dmarc=stored), CTX).status is Status.FAIL
    policy = dmarc_policy(f.green(dmarc=stored), CTX)
    assert policy.status is Status.FAIL and "starts with whitespace" in policy.summary
