"""The mail observer end to end on 127.0.0.1: a local DNS server with the zone and a local STARTTLS server."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from domeinwacht.checks.registry import CheckContext, evaluate
from domeinwacht.checks.result import Status
from domeinwacht.observations.mail import MailObservation
from domeinwacht.scan.env import ScanEnv, ScanOptions
from domeinwacht.scan.observe import mail as mail_observer

from . import dns_server
from . import smtp_server as srv
from .certs import chain

_ROOT, INTERMEDIATE, LEAF = chain()
SPKI = hashlib.sha256(LEAF.cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)).hexdigest()
DKIM = base64.b64encode(
    ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
).decode()


def zone(domain: str) -> dict[tuple[str, str], list[str]]:
    return {
        (domain, "MX"): ["10 mx.example.nl."],
        (domain, "TXT"): ['"v=spf1 mx -all"', '"google-site-verification=abc"'],
        (f"_dmarc.{domain}", "TXT"): ['"v=DMARC1; p=reject; rua=mailto:d@reports.example.com"'],
        (f"{domain}._report._dmarc.reports.example.com", "TXT"): ['"v=DMARC1"'],
        (f"selector1._domainkey.{domain}", "TXT"): [f'"v=DKIM1; k=ed25519; p={DKIM}"'],
        (f"_smtp._tls.{domain}", "TXT"): ['"v=TLSRPTv1; rua=mailto:tlsrpt@example.nl"'],
    }


ZONE = {
    **zone("example.nl"),
    **zone("other.nl"),
    ("mx.example.nl", "A"): ["127.0.0.1"],
    ("_25._tcp.mx.example.nl", "TLSA"): [f"3 1 1 {SPKI}"],
}


@pytest.fixture(scope="module")
def observed() -> dict[str, Any]:
    async def scenario() -> dict[str, Any]:
        async with (
            dns_server.running(ZONE) as (resolver, _dns),
            srv.running(srv.polite(srv.server_context(LEAF, INTERMEDIATE))) as server,
        ):
            patch.setattr(mail_observer, "SMTP_PORT", server.port)
            env = ScanEnv(
                ScanOptions(
                    resolver=(resolver,), allow_non_public=True, target_timeout=20, io_timeout=2, connect_timeout=2
                )
            )
            first = await mail_observer.observe_mail("example.nl", env)
            smtp_connections = env.counters["smtp.connections.127.0.0.1"]
            second = await mail_observer.observe_mail("other.nl", env)
            return {
                "first": first,
                "second": second,
                "smtp_connections": smtp_connections,
                "smtp_connections_after": env.counters["smtp.connections.127.0.0.1"],
            }

    with pytest.MonkeyPatch.context() as patch:
        return asyncio.run(scenario())


def test_the_observer_records_every_mail_record(observed: dict[str, Any]) -> None:
    mail: MailObservation = observed["first"]["mail"]
    assert [(h.name, h.ipv4) for h in mail.mx] == [("mx.example.nl", ("127.0.0.1",))]
    assert mail.spf is not None and (mail.spf.status, mail.spf.all_qualifier) == ("ok", "-")
    assert mail.dmarc is not None and mail.dmarc.record is not None and mail.dmarc.record.policy == "reject"
    assert [(a.destination, a.authorised) for a in mail.dmarc.external] == [("reports.example.com", True)]
    assert mail.dkim is not None and mail.dkim.rcode == "NOERROR" and mail.dkim.wildcard is False
    assert [(s.selector, s.key.key_type if s.key else None) for s in mail.dkim.selectors] == [("selector1", "ed25519")]
    assert mail.tls_rpt is not None and mail.tls_rpt.record is not None
    assert mail.mta_sts is not None and mail.mta_sts.records == ()


def test_the_observer_talks_smtp_once_and_sees_the_certificate(observed: dict[str, Any]) -> None:
    mail: MailObservation = observed["first"]["mail"]
    (probe,) = mail.mx[0].smtp
    assert probe.starttls_ok is True and probe.leaf_der == LEAF.der
    assert mail.mx[0].tlsa is not None and mail.mx[0].tlsa.records == (f"3 1 1 {SPKI}",)
    assert observed["smtp_connections"] == 1


def test_a_second_domain_on_the_same_mx_reuses_the_probe(observed: dict[str, Any]) -> None:
    assert observed["smtp_connections_after"] == observed["smtp_connections"] == 1
    assert observed["second"]["mail"].mx[0].smtp == observed["first"]["mail"].mx[0].smtp


def test_the_observer_fills_mail_tls_and_mail_rpki(observed: dict[str, Any]) -> None:
    tls = observed["first"]["mail_tls"]
    assert [(t.ip, t.purpose) for t in tls] == [("127.0.0.1", "mail")]
    assert tls[0].error is None and tls[0].chain[0] == LEAF.der
    assert observed["first"]["mail_rpki"] is not None


def test_checks_on_the_observed_domain(observed: dict[str, Any]) -> None:
    results = evaluate(observed["first"], CheckContext())
    expected = {
        "mail.mx": Status.PASS,
        "mail.spf.exists": Status.PASS,
        "mail.spf.policy": Status.PASS,
        "mail.dmarc.exists": Status.PASS,
        "mail.dmarc.policy": Status.PASS,
        "mail.dmarc.external_reporting": Status.PASS,
        "mail.dkim.exists": Status.PASS,
        "mail.starttls.available": Status.PASS,
        "mail.dane.valid": Status.NOT_APPLICABLE,  # the test zone is unsigned: its TLSA cannot be used
        "mail.tls_rpt": Status.PASS,
        "mail.mta_sts": Status.INFO,
        "mail.ipv6.aaaa": Status.FAIL,
    }
    assert {k: results[k].status for k in expected} == expected
    # No trust anchor for this zone: DNSSEC cannot be validated, which is an error, never a pass.
    assert results["mail.dnssec.secure"].status is not Status.PASS


def test_a_rate_limiting_mx_is_reported_rate_limited_and_not_hammered() -> None:
    async def scenario() -> tuple[dict[str, Any], int]:
        async with dns_server.running(ZONE) as (resolver, _dns), srv.running(srv.busy_421) as server:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(mail_observer, "SMTP_PORT", server.port)
                env = ScanEnv(ScanOptions(resolver=(resolver,), allow_non_public=True, target_timeout=20))
                observed = await mail_observer.observe_mail("example.nl", env)
            return observed, server.connections

    observed, connections = asyncio.run(scenario())
    assert connections == 1  # the TLS prober does not knock again on a server that throttled us
    assert observed["mail_tls"][0].error.startswith("rate-limited")
    results = evaluate(observed, CheckContext())
    result = results["mail.starttls.available"]
    assert result.status is Status.ERROR and result.summary.startswith("rate-limited"), result
    tls_checks = {k: r.status for k, r in results.items() if k.startswith(("mail.tls.", "mail.cert."))}
    assert tls_checks and set(tls_checks.values()) == {Status.ERROR}
