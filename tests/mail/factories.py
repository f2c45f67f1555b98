"""Builders of mail observations for the check tests: a fully green domain, varied one field at a time."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from domeinwacht.mail.dkim import DkimKey
from domeinwacht.mail.dmarc import parse_dmarc
from domeinwacht.mail.mtasts import parse_sts_policy, parse_sts_record
from domeinwacht.mail.spf_policy import SpfAnalysis
from domeinwacht.mail.tlsrpt import parse_tlsrpt
from domeinwacht.mail.txt_lookup import TxtLookup
from domeinwacht.observations.mail import (
    DkimObservation,
    DkimSelector,
    DmarcObservation,
    DnssecStatusInfo,
    MailObservation,
    MtaStsObservation,
    MxHost,
    SmtpProbe,
    TlsaObservation,
    TlsRptObservation,
)

from .certs import chain

DOMAIN = "example.nl"
MX = "mx.example.nl"
_ROOT, _INTERMEDIATE, LEAF = chain()
LEAF_SPKI_SHA256 = hashlib.sha256(
    LEAF.cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
).hexdigest()


def smtp(ip: str = "192.0.2.25", **kw: Any) -> SmtpProbe:
    base: dict[str, Any] = dict(
        host=MX,
        connected=True,
        banner="mx.example.nl ESMTP",
        banner_code=220,
        ehlo_code=250,
        extensions=("STARTTLS", "PIPELINING"),
        starttls_offered=True,
        starttls_ok=True,
        tls_version="TLSv1.3",
        leaf_der=LEAF.der,
        connections=1,
    )
    base.update(kw)
    return SmtpProbe(ip, 25, **base)


def mx_host(name: str = MX, **kw: Any) -> MxHost:
    base: dict[str, Any] = dict(
        ipv4=("192.0.2.25",),
        ipv6=("2001:db8::25",),
        dnssec=DnssecStatusInfo(name, "secure", "validated"),
        tlsa=TlsaObservation(f"_25._tcp.{name}", "NOERROR", (f"3 1 1 {LEAF_SPKI_SHA256}",), None, "secure", ""),
        smtp=(smtp("192.0.2.25"), smtp("2001:db8::25")),
    )
    base.update(kw)
    return MxHost(name, 10, **base)


def spf(record: str = "v=spf1 mx -all", **kw: Any) -> SpfAnalysis:
    base: dict[str, Any] = dict(
        records=(record,), status="ok", all_qualifier="-", all_domain=DOMAIN, dns_terms=1, domains=(DOMAIN,)
    )
    base.update(kw)
    return SpfAnalysis(DOMAIN, TxtLookup(DOMAIN, "NOERROR", (record,)), **base)


def dmarc(record: str | None = "v=DMARC1; p=reject; rua=mailto:dmarc@example.nl", **kw: Any) -> DmarcObservation:
    records = (record,) if record else ()
    base: dict[str, Any] = dict(
        org_domain=DOMAIN,
        source="domain" if record else "",
        records=records,
        record=parse_dmarc(record) if record else None,
    )
    base.update(kw)
    lookup = base.pop("lookup", TxtLookup(f"_dmarc.{DOMAIN}", "NOERROR", records))
    return DmarcObservation(DOMAIN, lookup, **base)


def dkim(**kw: Any) -> DkimObservation:
    key = DkimKey("v=DKIM1; p=…", "rsa", 2048)
    selector = DkimSelector("selector1", TxtLookup(f"selector1._domainkey.{DOMAIN}", "NOERROR", ("v=DKIM1; p=…",)), key)
    base: dict[str, Any] = dict(rcode="NOERROR", wildcard=False, selectors=(selector,), probed=("selector1",))
    base.update(kw)
    return DkimObservation(DOMAIN, **base)


def mta_sts(mode: str = "enforce", mx: str = MX, **kw: Any) -> MtaStsObservation:
    record = "v=STSv1; id=20260101"
    base: dict[str, Any] = dict(
        records=(record,),
        record=parse_sts_record(record),
        url=f"https://mta-sts.{DOMAIN}/.well-known/mta-sts.txt",
        status=200,
        content_type="text/plain",
        policy=parse_sts_policy(f"version: STSv1\nmode: {mode}\nmx: {mx}\nmax_age: 86400\n"),
    )
    base.update(kw)
    return MtaStsObservation(TxtLookup(f"_mta-sts.{DOMAIN}", "NOERROR", (record,)), **base)


def tls_rpt(record: str | None = "v=TLSRPTv1; rua=mailto:tlsrpt@example.nl") -> TlsRptObservation:
    records = (record,) if record else ()
    return TlsRptObservation(
        TxtLookup(f"_smtp._tls.{DOMAIN}", "NOERROR", records), records, parse_tlsrpt(record) if record else None
    )


def green(**kw: Any) -> MailObservation:
    """Every mail check passes (or is info by nature) on this observation."""
    base = MailObservation(
        domain=DOMAIN,
        mx_rcode="NOERROR",
        mx=(mx_host(),),
        dnssec=DnssecStatusInfo(DOMAIN, "secure", "validated"),
        spf=spf(),
        dmarc=dmarc(),
        dkim=dkim(),
        mta_sts=mta_sts(),
        tls_rpt=tls_rpt(),
        smtp_connections=2,
    )
    return replace(base, **kw)


def with_mx(obs: MailObservation, **kw: Any) -> MailObservation:
    return replace(obs, mx=(replace(obs.mx[0], **kw),))
