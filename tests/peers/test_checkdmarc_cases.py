"""checkdmarc's DMARC and SPF suites as tables of our verdicts.

Source: github.com/domainaware/checkdmarc, ``tests/test_dmarc.py`` and ``tests/test_spf.py`` (Apache-2.0), the
versions of 2026 that follow DMARCbis as RFC 9989. The inputs and the peer's expected outcomes are transcribed
as test data; no code of the peer is used. Records the peer writes in TXT presentation form
(``'"v=spf1 …" "…"'``) are given as their joined content, as our resolver hands them to the parsers.

checkdmarc follows DMARCbis, so its DMARC cases are read under our ``dmarcbis`` setting unless a row says
``rfc7489`` (the setting of every shipped profile), where the two specifications decide differently.

Not transcribed, because they exercise the peer's own plumbing rather than a record: the DNS-mock wiring of
``_query_dmarc_record``/``query_spf_record`` (exception wrapping, error-message wording), the DMARCbis DNS tree
walk (4.10; we discover policy by RFC 7489's organisational domain, docs/MAIL.md), tag descriptions,
``ptr_match`` and ``check_spf``'s result flattening.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from domeinwacht.checks.mail.dmarc import dmarc_exists
from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.mail.dmarc import DMARCBIS, RFC7489, DmarcSyntaxError, is_dmarc_record, parse_dmarc
from domeinwacht.mail.spf import SpfResult, check_host
from domeinwacht.mail.spf_record import SpfSyntaxError, parse_record, select_records
from domeinwacht.observations.mail import DmarcObservation, MailObservation, TxtLookup
from mail.spf_zone import ZoneDns, load_zone

from . import agreement, disagreements_without_rfc

# --- DMARC records ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DmarcCase:
    peer_test: str
    record: str
    peer: str
    peer_rejects: bool
    we_reject: bool
    about: str = ""  # an error (or the syntax error) of ours must contain it
    we_warn: str = ""
    spec: str = DMARCBIS
    why: str = ""
    expect: tuple[tuple[str, object], ...] = ()  # our parsed values where the peer asserts values


DMARC_CASES = [
    *(
        DmarcCase("testDMARCMixedFormatting", text, "valid", False, False)
        for text in (
            "v=DMARC1;p=ReJect",
            "v = DMARC1;p=reject;",
            "v = DMARC1\t;\tp=reject\t;",
            "v = DMARC1\t;\tp\t\t\t=\t\t\treject\t;",
            "V=DMARC1;p=reject;",
        )
    ),
    DmarcCase(
        "testInvalidDMARCURI (no scheme)",
        "v=DMARC1; p=none; rua=reports@dmarc.cyber.dhs.gov,mailto:dmarcreports@usdoj.gov",
        "InvalidDMARCReportURI",
        True,
        True,
        "rua:",
    ),
    DmarcCase(
        "testInvalidDMARCURI (__mailto:)",
        "v=DMARC1; p=none; rua=__mailto:reports@dmarc.cyber.dhs.gov,mailto:dmarcreports@usdoj.gov",
        "InvalidDMARCReportURI",
        True,
        True,
        "rua:",
    ),
    DmarcCase(
        "testInvalidDMARCPolicyValue",
        "v=DMARC1; p=foo; rua=mailto:dmarc@example.com",
        "InvalidDMARCTagValue",
        True,
        True,
        "p=foo",
    ),
    DmarcCase(
        "testRFC9989NewTagNp",
        "v=DMARC1; p=reject; np=quarantine",
        "np=quarantine",
        False,
        False,
        expect=(("nonexistent_policy", "quarantine"),),
    ),
    DmarcCase("testRFC9989NewTagPsd", "v=DMARC1; p=reject; psd=n", "psd=n", False, False, expect=(("psd", "n"),)),
    DmarcCase("testRFC9989NewTagT", "v=DMARC1; p=reject; t=y", "t=y", False, False, expect=(("testing", True),)),
    DmarcCase("testRFC9989InvalidNpValue", "v=DMARC1; p=reject; np=invalid", "InvalidDMARCTagValue", True, True, "np="),
    DmarcCase("testRFC9989InvalidPsdValue", "v=DMARC1; p=reject; psd=x", "InvalidDMARCTagValue", True, True, "psd="),
    DmarcCase("testRFC9989InvalidTValue", "v=DMARC1; p=reject; t=x", "InvalidDMARCTagValue", True, True, "t=x"),
    DmarcCase(
        "testRFC9989PctRemovedWarning",
        "v=DMARC1; p=reject; pct=100",
        "warning: pct removed",
        False,
        False,
        we_warn="pct=",
    ),
    DmarcCase(
        "testRFC9989RfRemovedWarning", "v=DMARC1; p=reject; rf=afrf", "warning: rf removed", False, False, we_warn="rf="
    ),
    DmarcCase(
        "testRFC9989RiRemovedWarning", "v=DMARC1; p=reject; ri=3600", "warning: ri removed", False, False, we_warn="ri="
    ),
    DmarcCase(
        "testRFC9989MissingPTagWarning",
        "v=DMARC1; rua=mailto:dmarc@example.com",
        "p=none, with a warning",
        False,
        False,
        we_warn="treats the record as p=none",
        expect=(("policy", "none"),),
    ),
    DmarcCase(
        "testRFC9989MissingPTagWarning (under RFC 7489)",
        "v=DMARC1; rua=mailto:dmarc@example.com",
        "p=none, with a warning",
        False,
        True,
        "p= tag is missing",
        spec=RFC7489,
        why="RFC 7489 6.3: p is REQUIRED in policy records; a profile that applies RFC 7489 reports it (DMARCbis "
        "4.7 reads the record as p=none, which mail.dmarc.policy fails anyway)",
    ),
    DmarcCase(
        "testRFC9989NpDefaultsToSp",
        "v=DMARC1; p=reject; sp=quarantine",
        "np defaults to sp",
        False,
        False,
        expect=(("effective_nonexistent_policy", "quarantine"), ("nonexistent_policy", None)),
    ),
    DmarcCase(
        "testRFC9989NpDefaultsToP",
        "v=DMARC1; p=reject",
        "np defaults to p",
        False,
        False,
        expect=(("effective_nonexistent_policy", "reject"),),
    ),
    DmarcCase("testRFC9989PsdDefaultsToU", "v=DMARC1; p=reject", "psd=u", False, False, expect=(("psd", "u"),)),
    DmarcCase("testRFC9989TDefaultsToN", "v=DMARC1; p=reject", "t=n", False, False, expect=(("testing", False),)),
    DmarcCase("testRFC9989RemovedTagImplicitNoWarning", "v=DMARC1; p=reject", "no removed-tag warning", False, False),
    *(
        DmarcCase(
            f"testRFC9989BackwardCompatibility ({spec})",
            "v=DMARC1; p=none; sp=none; fo=1; pct=50; adkim=r; aspf=r; rf=afrf; ri=86400; "
            "rua=mailto:eits.dmarcrua@energy.gov; ruf=mailto:eits.dmarcruf@energy.gov",
            "valid",
            False,
            False,
            spec=spec,
        )
        for spec in (DMARCBIS, RFC7489)
    ),
    DmarcCase(
        "testDMARCSyntaxError", "v=DMARC1; p=reject; fo=invalid_value", "InvalidDMARCTagValue", True, True, "fo="
    ),
    DmarcCase("testDMARCDuplicateTags", "v=DMARC1; p=reject; p=none", "InvalidDMARCTag", True, True, "appears twice"),
    DmarcCase("testDMARCUnknownTagIgnored", "v=DMARC1; p=reject; xyz=foo", "ignored, with a warning", False, False),
    DmarcCase(
        "testDMARCSPFInDMARC",
        "v=spf1 include:example.com -all",
        "SPFRecordFoundWhereDMARCRecordShouldBe",
        True,
        True,
        "does not start with v=DMARC1",
    ),
    *(
        DmarcCase(
            f"testDMARCPctRemovedNotValidated (pct={value})",
            f"v=DMARC1; p=reject; pct={value}",
            "warning: pct removed",
            False,
            False,
            we_warn="pct=",
        )
        for value in ("0", "150", "-1", "abc")
    ),
    DmarcCase(
        "testDMARCPctRemovedNotValidated (pct=150 under RFC 7489)",
        "v=DMARC1; p=reject; pct=150",
        "warning: pct removed",
        False,
        True,
        "pct=150",
        spec=RFC7489,
        why="RFC 7489 6.3: pct is an integer 0-100; under RFC 7489 it still applies, so a bad value is an error",
    ),
    DmarcCase("testDMARCRiRemovedNotValidated", "v=DMARC1; p=reject; ri=abc", "warning: ri removed", False, False),
    DmarcCase("testDMARCFoRedundancy", "v=DMARC1; p=reject; fo=0:1", "warning: redundant", False, False),
    DmarcCase("testDMARCInvalidFoValue", "v=DMARC1; p=reject; fo=x", "InvalidDMARCTagValue", True, True, "fo=x"),
    DmarcCase("testDMARCRfRemovedNotValidated", "v=DMARC1; p=reject; rf=invalid", "warning: rf removed", False, False),
    DmarcCase("testDMARCSpNoneWarning", "v=DMARC1; p=reject; sp=none", "warning: sp=none", False, False),
    DmarcCase("testDMARCParkedDomainPolicyWarning", "v=DMARC1; p=none", "warning (parked)", False, False),
    DmarcCase("testDMARCParkedDomainSpWarning", "v=DMARC1; p=reject; sp=none", "warning (parked)", False, False),
    DmarcCase("testDMARCMissingRuaWarning", "v=DMARC1; p=reject", "warning: no rua", False, False),
    DmarcCase("testDMARCPTagPositionWarns", "v=DMARC1; sp=none; p=reject", "warning: p not after v", False, False),
    DmarcCase("testDMARCInvalidSpValue", "v=DMARC1; p=reject; sp=invalid", "InvalidDMARCTagValue", True, True, "sp="),
    DmarcCase(
        "testDMARCRecordStartsWithWhitespace",
        " v=DMARC1; p=reject",
        "DMARCRecordStartsWithWhitespace",
        True,
        True,
        "starts with whitespace",
    ),
    DmarcCase("testDMARCCheckDmarcParseError", "v=DMARC1; p=invalid", "invalid", True, True, "p=invalid"),
    DmarcCase("testDMARCCheckDmarcSuccess", "v=DMARC1; p=reject", "valid", False, False),
]


@pytest.mark.parametrize("case", DMARC_CASES, ids=lambda c: c.peer_test)
def test_our_verdict_on_every_checkdmarc_dmarc_record(case: DmarcCase) -> None:
    try:
        record = parse_dmarc(case.record, spec=case.spec)
    except DmarcSyntaxError as exc:
        assert case.we_reject and case.about in str(exc)
        return
    rejected = any(case.about in e for e in record.errors) if case.about else bool(record.errors)
    assert rejected is case.we_reject, record.errors
    if case.we_warn:
        assert any(case.we_warn in w for w in record.warnings), record.warnings
    for name, value in case.expect:
        assert getattr(record, name) == value, name


# --- DMARC lookups: the TXT records at _dmarc.<domain>, judged by mail.dmarc.exists --------------------------


@dataclass(frozen=True)
class LookupCase:
    peer_test: str
    txt: tuple[str, ...]
    peer: str
    peer_rejects: bool
    we_reject: bool
    status: Status
    why: str = ""


LOOKUP_CASES = [
    LookupCase(
        "testDMARCRecordStartsWithWhitespace (lookup)",
        (" v=DMARC1; p=reject",),
        "DMARCRecordStartsWithWhitespace",
        True,
        True,
        Status.FAIL,
    ),
    LookupCase(
        "testDMARCMultipleRecords",
        ("v=DMARC1; p=reject", "v=DMARC1; p=none"),
        "MultipleDMARCRecords",
        True,
        True,
        Status.FAIL,
    ),
    LookupCase(
        "testDMARCUnrelatedRecords",
        ("v=DMARC1; p=reject", "some random txt record"),
        "UnrelatedTXTRecordFoundAtDMARC",
        True,
        False,
        Status.PASS,
        why="RFC 7489 6.6.3: records that do not start with v=DMARC1 are discarded, so the one DMARC record "
        "applies (DMARCbis 4.10.1 alike); the other TXT record is no error",
    ),
    LookupCase(
        "testDMARCUnrelatedRecordsIgnored",
        ("v=DMARC1; p=reject", "some random txt record"),
        "v=DMARC1; p=reject",
        False,
        False,
        Status.PASS,
    ),
    LookupCase("testDMARCRecordNotFoundNXDOMAIN", (), "DMARCRecordNotFound", True, True, Status.FAIL),
    LookupCase("testApexFallbackNoAnswer", (), "None (not found)", True, True, Status.FAIL),
]


def _observed(txt: tuple[str, ...]) -> MailObservation:
    """What scan/observe/mail.py makes of these TXT records at _dmarc.example.com (no organisational fallback)."""
    records = tuple(r for r in txt if is_dmarc_record(r))
    dmarc = DmarcObservation(
        "example.com",
        TxtLookup("_dmarc.example.com", "NOERROR" if txt else "NXDOMAIN", txt),
        "example.com",
        None,
        "domain" if records else "",
        records,
        parse_dmarc(records[0]) if len(records) == 1 else None,
    )
    return MailObservation(domain="example.com", dmarc=dmarc)


@pytest.mark.parametrize("case", LOOKUP_CASES, ids=lambda c: c.peer_test)
def test_our_verdict_on_every_checkdmarc_dmarc_lookup(case: LookupCase) -> None:
    result = dmarc_exists(_observed(case.txt), CheckContext(dmarc_spec=DMARCBIS))
    assert result.status is case.status, result.summary
    assert (result.status is Status.FAIL) is case.we_reject


# --- SPF ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpfCase:
    peer_test: str
    record: str
    peer: str
    peer_rejects: bool
    we_reject: bool
    about: str = ""
    why: str = ""


SPF_CASES = [
    SpfCase("testUppercaseSPFMechanism", "v=spf1 IP4:147.75.8.208 -ALL", "valid, no warning", False, False),
    SpfCase(
        "testSplitSPFRecord",
        "v=spf1 ip4:147.75.8.208 include:_spf.salesforce.com -all",
        "all=fail",
        False,
        False,
    ),
    SpfCase(
        "testJunkAfterAll", "v=spf1 ip4:213.5.39.110 -all MS=83859DAEBD1978F9A7A67D3", "warning", False, False
    ),  # MS=… is an unknown modifier: ignored (RFC 7208 6)
    SpfCase(
        "testSPFSyntaxErrors",
        "v=spf1 mx a:mail.cohaesio.net include: trustpilotservice.com ~all",
        "SPFSyntaxError",
        True,
        True,
        "empty domain-spec",
    ),
    SpfCase(
        "testSPFInvalidIPv4",
        "v=spf1 ip4:78.46.96.236 +a +mx +ip4:138.201.239.158 +ip4:78.46.224.83 +ip4:relay.mailchannels.net "
        "+ip4:138.201.60.20 ~all",
        "SPFSyntaxError",
        True,
        True,
        "invalid address",
    ),
    SpfCase(
        "testSPFInvalidIPv6inIPv4",
        "v=spf1 ip4:1200:0000:AB00:1234:0000:2552:7777:1313 ~all",
        "SPFSyntaxError",
        True,
        True,
        "invalid address",
    ),
    SpfCase("testSPFInvalidIPv4Range", "v=spf1 ip4:78.46.96.236/99 ~all", "SPFSyntaxError", True, True, "prefix"),
    SpfCase(
        "testSPFInvalidIPv6",
        "v=spf1 ip6:1200:0000:AB00:1234:O000:2552:7777:1313 ~all",
        "SPFSyntaxError",
        True,
        True,
        "invalid address",
    ),
    SpfCase(
        "testSPFInvalidIPv4inIPv6", "v=spf1 ip6:78.46.96.236 ~all", "SPFSyntaxError", True, True, "invalid address"
    ),
    SpfCase(
        "testSPFInvalidIPv6Range",
        "v=spf1 ip6:1200:0000:AB00:1234:0000:2552:7777:1313/130 ~all",
        "SPFSyntaxError",
        True,
        True,
        "prefix",
    ),
    SpfCase(
        "testSPFInvalidMissingSpaceBeforeAllMechanism",
        "v=spf1 ip4:8.8.8.8~all",
        "SPFSyntaxError",
        True,
        True,
        "invalid address",
    ),
    SpfCase("testSPFMacrosExists", "v=spf1 exists:exists:%{i}.spf.hc0000-xx.iphmx.com ~all", "valid", False, False),
    SpfCase(
        "testSPFMacrosInclude",
        "v=spf1 include:include:%{ir}.%{v}.%{d}.spf.has.pphosted.com ~all",
        "valid",
        False,
        False,
    ),
    SpfCase("testSPFValidAMechanismMacro", "v=spf1 a:%{l}.example.com -all", "valid", False, False),
    SpfCase("testSPFBrokenAMechanismMacro", "v=spf1 a:%{?} -all", "SPFSyntaxError", True, True, "invalid macro"),
    SpfCase("testSPFValidMXMechanismMacro", "v=spf1 mx:%{d} -all", "valid", False, False),
    SpfCase("testSPFBrokenMXMechanismMacro", "v=spf1 mx:%{?} -all", "SPFSyntaxError", True, True, "invalid macro"),
    SpfCase("testSPFValidPTRMechanismMacro", "v=spf1 ptr:%{d} -all", "valid, ptr warning", False, False),
    SpfCase("testSPFBrokenPTRMechanismMacro", "v=spf1 ptr:%{?} -all", "SPFSyntaxError", True, True, "invalid"),
    SpfCase("testSPFValidIncludeMechanismMacro", "v=spf1 include:%{d}._spf.example.com -all", "valid", False, False),
    SpfCase(
        "testSPFBrokenIncludeMechanismMacro",
        "v=spf1 include:%{?}._spf.example.com -all",
        "SPFSyntaxError",
        True,
        True,
        "invalid macro",
    ),
    SpfCase("testSPFValidExistsMechanismMacro", "v=spf1 exists:%{i}._spf.example.com -all", "valid", False, False),
    SpfCase(
        "testSPFBrokenExistsMechanismMacro",
        "v=spf1 exists:%{?}._spf.example.com -all",
        "SPFSyntaxError",
        True,
        True,
        "invalid macro",
    ),
    SpfCase("testSPFValidRedirectModifierMacro", "v=spf1 redirect=%{d}._spf.example.com", "valid", False, False),
    SpfCase(
        "testSPFBrokenRedirectModifierMacro",
        "v=spf1 redirect=%{?}._spf.example.com",
        "SPFSyntaxError",
        True,
        True,
        "invalid macro",
    ),
    SpfCase("testSPFValidExpModifierMacro", "v=spf1 -all exp=%{d}", "valid", False, False),
    SpfCase("testSPFBrokenExpModifierMacro", "v=spf1 -all exp=%{?}", "SPFSyntaxError", True, True, "invalid macro"),
    SpfCase("testSPFParkedDomainWarning", "v=spf1 ip4:192.0.2.1 -all", "warning (parked)", False, False),
    SpfCase("testSPFAllMechanism", "v=spf1 -all", "all=fail", False, False),
    SpfCase("testSPFSoftfailAll", "v=spf1 ~all", "all=softfail", False, False),
    SpfCase("testSPFNeutralAll", "v=spf1 ?all", "all=neutral", False, False),
    SpfCase("testSPFIP6Mechanism", "v=spf1 ip6:2001:db8::1 -all", "valid", False, False),
    SpfCase("testPtrEmitsWarning", "v=spf1 ptr -all", "warning: ptr should not be used", False, False),
    SpfCase("testPtrWithExplicitDomain", "v=spf1 ptr:other.example -all", "warning", False, False),
    SpfCase("testExpAfterAllValidDomain", "v=spf1 -all exp=exp.example", "valid", False, False),
    SpfCase(
        "testTextAfterExpValueWarns",
        "v=spf1 -all exp=exp.example extra",
        "warning: text after exp",
        False,
        True,
        "unknown mechanism",
        why="RFC 7208 4.6: 'extra' is neither a mechanism nor a modifier (12: the terms grammar); any syntax error "
        "anywhere in the record makes check_host() return permerror",
    ),
    SpfCase("testMacroInIp4Mechanism", "v=spf1 ip4:%{i} -all", "SPFSyntaxError", True, True, "invalid address"),
    SpfCase("testMacroInIp6Mechanism", "v=spf1 ip6:%{i} -all", "SPFSyntaxError", True, True, "invalid address"),
    SpfCase("testAWithCidrParsesWithoutError", "v=spf1 a/24 -all", "valid", False, False),
    SpfCase(
        "testLongChunkWarning",
        "v=spf1 " + "a" * 260 + " -all",
        "warning: TXT string > 255",
        False,
        True,
        "unknown mechanism",
        why="RFC 7208 4.6: 'aaa…' is no mechanism of RFC 7208 5 (the set is fixed), a syntax error, so permerror",
    ),
    SpfCase(
        "testLargeRecordWarning",
        "v=spf1 " + " ".join(f"ip4:192.0.2.{i}" for i in range(100)) + " -all",
        "warning: > 512 bytes",
        False,
        False,
    ),
]


@pytest.mark.parametrize("case", SPF_CASES, ids=lambda c: c.peer_test)
def test_our_verdict_on_every_checkdmarc_spf_record(case: SpfCase) -> None:
    try:
        parse_record(case.record)
    except SpfSyntaxError as exc:
        assert case.we_reject, str(exc)
        assert case.about in str(exc)
        return
    assert not case.we_reject


# --- SPF record selection (RFC 7208 4.5) --------------------------------------------------------------------


@dataclass(frozen=True)
class SelectionCase:
    peer_test: str
    txt: tuple[str, ...]
    peer: str
    peer_rejects: bool
    we_reject: bool  # not exactly one SPF record selected
    why: str = ""


SELECTION_CASES = [
    SelectionCase(
        "testUndecodableCharactersInNonSPFRecord",
        ("Undecodable characters", "v=spf1 include:spf.smtp2go.com -all"),
        "record found, warning",
        False,
        False,
    ),
    SelectionCase("testSPFRecordNotFound", (), "SPFRecordNotFound", True, True),
    SelectionCase("testSPFMultipleRecords", ("v=spf1 -all", "v=spf1 +all"), "SPFError", True, True),
    *(
        SelectionCase(
            f"testSenderIDRecordsWarnMocked ({sender_id.split()[0]})",
            ("v=spf1 -all", sender_id),
            "v=spf1 -all, warning",
            False,
            False,
        )
        for sender_id in (
            "v=spf2.0/pra ip4:192.0.2.0/24 ~all",
            "v=spf2.0/mfrom ip4:192.0.2.0/24 ~all",
            "v=spf2.0/mfrom,pra ip4:192.0.2.0/24 ~all",
            "v=spf2.0/pra,mfrom ip4:192.0.2.0/24 ~all",
        )
    ),
    *(
        SelectionCase(f"testInvalidSPFVersionTagsRejectedMocked ({t})", (t,), "SPFRecordNotFound", True, True)
        for t in ("v=spf10 -all", "v=spf1foo -all")
    ),
    SelectionCase("testSPFVersionMatchingIsCaseInsensitiveMocked", ("V=SPF1 -all",), "V=SPF1 -all", False, False),
    SelectionCase(
        "testSPFVersionMatchingAllowsSurroundingWhitespaceMocked",
        ("  v=spf1 -all  ",),
        "record found",
        False,
        True,
        why="RFC 7208 4.5: records that do not begin with a version section of exactly 'v=spf1' are discarded; "
        "leading spaces are not that (the record grammar of RFC 7208 12 starts with version)",
    ),
    SelectionCase("testSpfTypeRecordWarning", ("v=spf1 -all",), "record found, warning on type SPF", False, False),
    SelectionCase(
        "testUndecodableTxtSkipped", ("Undecodable characters", "v=spf1 -all"), "record found, warning", False, False
    ),
]


@pytest.mark.parametrize("case", SELECTION_CASES, ids=lambda c: c.peer_test)
def test_our_verdict_on_every_checkdmarc_spf_selection(case: SelectionCase) -> None:
    assert (len(select_records(case.txt)) != 1) is case.we_reject


# --- SPF evaluation: check_host() over a zone that plays the peer's DNS mocks --------------------------------


@dataclass(frozen=True)
class EvaluationCase:
    peer_test: str
    zone: dict[str, list[dict[str, object]]]
    peer: str
    peer_rejects: bool
    we_reject: bool  # check_host() gives permerror
    why: str = ""


_INCLUDES = [
    "_spf.salesforce.com",
    "spf.protection.outlook.com",
    "spf.constantcontact.com",
    "_spf.elasticemail.com",
    "servers.mcsv.net",
    "_spf.google.com",
    "service-now.com",
]

EVALUATION_CASES = [
    EvaluationCase(
        "testSPFIncludeLoop", {"example.com": [{"TXT": "v=spf1 include:example.com"}]}, "SPFIncludeLoop", True, True
    ),
    EvaluationCase(
        "testRedirectLoop", {"example.com": [{"TXT": "v=spf1 redirect=example.com"}]}, "SPFRedirectLoop", True, True
    ),
    EvaluationCase(
        "testTooManySPFDNSLookupsMocked",
        {
            "example.com": [{"TXT": "v=spf1 a " + " ".join(f"include:{d}" for d in _INCLUDES) + " ~all"}],
            **{d: [{"TXT": "v=spf1 a a a ~all"}] for d in _INCLUDES},
        },
        "SPFTooManyDNSLookups",
        True,
        True,
    ),
    EvaluationCase(
        "testTooManySPFVoidDNSLookupsMocked",
        {
            "example.com": [
                {
                    "TXT": "v=spf1 a:13Mk4olS9VWhQqXRl90fKJrD.example.com mx:SfGiqBnQfRbOMapQJhozxo2B.example.com "
                    "a:VAFeyU9N2KJX518aGsN3w6VS.example.com ~all"
                }
            ]
        },
        "SPFTooManyVoidDNSLookups",
        True,
        True,
    ),
    EvaluationCase(
        "testIncludeMissingSPFMocked",
        {"example.com": [{"TXT": "v=spf1 include:example.doesnotexist ~all"}]},
        "warning: the domain does not exist",
        False,
        True,
        why="RFC 7208 5.2: an include whose target has no SPF record (here NXDOMAIN) returns none, which include "
        "turns into permerror",
    ),
    EvaluationCase(
        "testSPFMissingMXRecordMocked",
        {"seanthegeek.net": [{"TXT": "v=spf1 mx ~all"}]},
        "warning: no MX records",
        False,
        False,
    ),
    EvaluationCase(
        "testSPFMissingARecordMocked",
        {"cardinalhealth.net": [{"TXT": "v=spf1 a ~all"}]},
        "warning: no A/AAAA records",
        False,
        False,
    ),
    EvaluationCase(
        "testSPFMXMechanismMocked",
        {
            "example.com": [{"TXT": "v=spf1 mx:proton.me ~all"}],
            "proton.me": [{"MX": [10, "mail.protonmail.ch"]}, {"MX": [20, "mailsec.protonmail.ch"]}],
            "mail.protonmail.ch": [{"A": "192.0.2.1"}],
            "mailsec.protonmail.ch": [{"A": "192.0.2.1"}],
        },
        "valid, hosts listed",
        False,
        False,
    ),
    EvaluationCase(
        "testRedirectFollowed",
        {"example.com": [{"TXT": "v=spf1 redirect=other.example"}], "other.example": [{"TXT": "v=spf1 -all"}]},
        "all=fail",
        False,
        False,
    ),
    EvaluationCase(
        "testTooManyMxRecords",
        {
            "example.com": [{"TXT": "v=spf1 mx -all"}, *({"MX": [i * 10, f"mx{i}.example.com"]} for i in range(12))],
            **{f"mx{i}.example.com": [{"A": "192.0.2.1"}] for i in range(12)},
        },
        "SPFTooManyDNSLookups",
        True,
        True,
    ),
    EvaluationCase(
        "testMxHostMissingARecords",
        {
            "example.com": [
                {"TXT": "v=spf1 mx -all"},
                {"MX": [10, "mx1.example.com"]},
                {"MX": [20, "mx2.example.com"]},
                {"MX": [30, "mx3.example.com"]},
            ]
        },
        "SPFTooManyVoidDNSLookups",
        True,
        False,
        why="RFC 7208 4.6.4: void lookups count terms whose DNS query returns no answer; the mx term's MX query "
        "answered (three hosts), and the hosts' address lookups are limited separately (at most 10 per mx)",
    ),
]


@pytest.mark.parametrize("case", EVALUATION_CASES, ids=lambda c: c.peer_test)
def test_our_verdict_on_every_checkdmarc_spf_evaluation(case: EvaluationCase) -> None:
    domain = next(iter(case.zone))
    outcome = asyncio.run(check_host("198.51.100.7", domain, f"postmaster@{domain}", ZoneDns(load_zone(case.zone))))
    assert (outcome.result is SpfResult.PERMERROR) is case.we_reject, outcome


ALL = [*DMARC_CASES, *LOOKUP_CASES, *SPF_CASES, *SELECTION_CASES, *EVALUATION_CASES]


def test_every_disagreement_with_checkdmarc_names_the_rfc_clause() -> None:
    assert disagreements_without_rfc(ALL) == []


def test_we_agree_with_checkdmarc_on_most_cases() -> None:
    assert agreement(ALL) >= 0.9
