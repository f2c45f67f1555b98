"""The mail observer: MX, SPF, DMARC, DKIM, SMTP/STARTTLS, DANE, MTA-STS, TLS-RPT, DNSSEC, TLS and RPKI of MX.

    observations = await observe_mail("example.nl", env)
    observations["mail"], observations["mail_tls"], observations["mail_rpki"]

Gentle on mail servers: each MX address gets one SMTP conversation per run (``env.shared(("smtp", ip, 25))``)
and one TLS probe per run (``env.shared(("tls-mail", ip, 25))``), however many domains share it; every
connection is counted in ``env.counters`` (``smtp.connections.<ip>``). Never raises for network trouble.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from functools import cache
from typing import Any

from domeinwacht.mail.dkim import COMMON_SELECTORS, DkimSyntaxError, parse_dkim_key
from domeinwacht.mail.dmarc import is_dmarc_record, parse_dmarc
from domeinwacht.mail.mtasts import MAX_POLICY_BYTES, is_sts_record, parse_sts_policy, parse_sts_record, policy_url
from domeinwacht.mail.spf import SpfDnsError
from domeinwacht.mail.spf_policy import analyse_spf
from domeinwacht.mail.tlsrpt import is_tlsrpt_record, parse_tlsrpt
from domeinwacht.mail.txt_lookup import TxtLookup
from domeinwacht.net.dns import DnsError
from domeinwacht.net.smtp import shared_probe_smtp, starttls_preamble
from domeinwacht.net.spf_dns import ResolverSpfDns
from domeinwacht.observations.mail import (
    MAX_MX_HOSTS,
    DkimObservation,
    DkimSelector,
    DmarcObservation,
    DnssecStatusInfo,
    MailObservation,
    MtaStsObservation,
    MxHost,
    ReportAuthorisation,
    SmtpProbe,
    TlsaObservation,
    TlsRptObservation,
)
from domeinwacht.observations.rpki import IpRpki, RpkiObservation
from domeinwacht.observations.tls import TlsObservation
from domeinwacht.scan.env import ScanEnv
from domeinwacht.scan.observe import observer

SMTP_PORT = 25  # a module constant so that tests can point the observer at a local server


@observer(
    "mail",
    groups=("mail",),
    produces={"mail": MailObservation, "mail_tls": tuple[TlsObservation, ...], "mail_rpki": RpkiObservation},
)
async def observe_mail(domain: str, env: ScanEnv) -> dict[str, Any]:
    domain = domain.rstrip(".").lower()
    dns = ResolverSpfDns(env.resolver)
    mx_rcode, mx_error, mx_records = await _mx_records(env, domain)
    # Bounded work per domain: the first MAX_MX_HOSTS by preference are probed, the rest only listed.
    not_probed = tuple(f"{pref} {name or '.'}" for pref, name in mx_records[MAX_MX_HOSTS:])
    mx_records = mx_records[:MAX_MX_HOSTS]
    has_address = False
    if not mx_records and mx_error is None:
        has_address = any([(await _addresses(env, domain, "A"))[0], (await _addresses(env, domain, "AAAA"))[0]])
    async with asyncio.TaskGroup() as group:  # a cancelled observer cancels all of its parts
        spf_task = group.create_task(analyse_spf(domain, dns))
        dmarc_task = group.create_task(_dmarc(domain, dns))
        dkim_task = group.create_task(_dkim(domain, dns, env))
        sts_task = group.create_task(_mta_sts(domain, dns, env))
        rpt_task = group.create_task(_tls_rpt(domain, dns))
        dnssec_task = group.create_task(_dnssec(env, domain, "SOA"))
        host_tasks = [group.create_task(_observe_mx(env, name, pref)) for pref, name in mx_records]
    hosts = [task.result() for task in host_tasks]
    spf, dmarc, dkim = spf_task.result(), dmarc_task.result(), dkim_task.result()
    mta_sts, tls_rpt, dnssec = sts_task.result(), rpt_task.result(), dnssec_task.result()
    tls = await _tls_probes(env, hosts)
    if mx_error is not None:  # the MX hosts are unknown, so their TLS is "not measured", not "nothing to judge"
        tls += (TlsObservation("", SMTP_PORT, domain, "mail", error=f"MX lookup failed: {mx_error}"),)
    # CHECKS.md mail.rpki.*: every MX address and the domain's name servers.
    named = {ip: host.name for host in hosts for ip in (*host.ipv4, *host.ipv6)}
    for ip, name in (await _ns_addresses(env, domain)).items():
        named.setdefault(ip, name)
    rpki = await _rpki(env, list(named), named)
    # An MX set or MX address we could not look up is "could not look up" for RPKI, not "no address to test".
    unseen = [IpRpki("", domain, error=f"MX lookup failed: {mx_error}")] if mx_error is not None else []
    unseen += [IpRpki("", h.name, error=h.error) for h in hosts if h.name and h.error is not None and not h.smtp]
    if unseen:
        rpki = replace(rpki, addresses=rpki.addresses + tuple(unseen))
    connections = sum(p.connections for h in hosts for p in h.smtp) + sum(t.connections for t in tls)
    mail = MailObservation(
        domain=domain,
        mx_rcode=mx_rcode,
        mx_error=mx_error,
        mx=tuple(hosts),
        has_address=has_address,
        dnssec=dnssec,
        spf=spf,
        dmarc=dmarc,
        dkim=dkim,
        mta_sts=mta_sts,
        tls_rpt=tls_rpt,
        smtp_connections=connections,
        mx_not_probed=not_probed,
    )
    return {"mail": mail, "mail_tls": tls, "mail_rpki": rpki}


# --- DNS helpers ------------------------------------------------------------------------------------------


async def _mx_records(env: ScanEnv, domain: str) -> tuple[str, str | None, list[tuple[int, str]]]:
    try:
        answer = await env.resolver.query(domain, "MX")
    except DnsError as exc:
        return "", exc.reason, []
    if answer.rcode == "CNAME_LOOP":
        return answer.rcode, f"MX lookup of {domain}: CNAME loop {' -> '.join(answer.cname_chain)}", []
    if answer.rcode not in ("NOERROR", "NXDOMAIN"):
        return answer.rcode, f"MX lookup of {domain} answered {answer.rcode}", []
    records: list[tuple[int, str]] = []
    for text in answer.records:
        pref, _, name = text.partition(" ")
        host = name.strip().rstrip(".").lower()
        records.append((int(pref) if pref.isdigit() else 0, host))
    return answer.rcode, None, sorted(records)


async def _addresses(env: ScanEnv, name: str, rdtype: str) -> tuple[tuple[str, ...], str | None]:
    try:
        answer = await env.resolver.query(name, rdtype)
    except DnsError as exc:
        return (), exc.reason
    if answer.rcode == "CNAME_LOOP":
        return (), f"{rdtype} lookup of {name}: CNAME loop {' -> '.join(answer.cname_chain)}"
    if answer.rcode not in ("NOERROR", "NXDOMAIN"):
        return (), f"{rdtype} lookup of {name} answered {answer.rcode}"
    return answer.records, None


async def _ns_addresses(env: ScanEnv, domain: str) -> dict[str, str]:
    """Addresses of the domain's name servers (of the zone holding it when the domain is no zone apex)."""
    name, top = domain, organisational_domain(domain)
    while True:
        try:
            answer = await env.resolver.query(name, "NS")
        except DnsError:
            return {}
        if answer.records or name == top or "." not in name:
            break
        name = name.split(".", 1)[1]
    found: dict[str, str] = {}
    for record in answer.records:
        server = record.rstrip(".").lower()
        for rdtype in ("A", "AAAA"):
            for ip in (await _addresses(env, server, rdtype))[0]:
                found.setdefault(ip, server)
    return found


async def _txt(dns: ResolverSpfDns, name: str) -> TxtLookup:
    try:
        answer = await dns.query(name, "TXT")
    except SpfDnsError as exc:
        return TxtLookup(name, error=str(exc))
    return TxtLookup(name, answer.rcode, answer.records)


@cache
def _psl() -> Any:
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def organisational_domain(domain: str) -> str:
    """RFC 7489 3.2: the public suffix plus one label (Public Suffix List); the domain itself as fallback."""
    found = _psl().privatesuffix(domain.lower().rstrip("."))
    return str(found) if found else domain


# --- DMARC ------------------------------------------------------------------------------------------------


async def _dmarc(domain: str, dns: ResolverSpfDns) -> DmarcObservation:
    lookup = await _txt(dns, f"_dmarc.{domain}")
    org = organisational_domain(domain)
    records = tuple(r for r in lookup.records if is_dmarc_record(r))
    source = "domain" if records else ""
    org_lookup = None
    if not records and lookup.error is None and org != domain:
        # RFC 7489 6.6.3: no record at the domain: ask the organisational domain.
        org_lookup = await _txt(dns, f"_dmarc.{org}")
        records = tuple(r for r in org_lookup.records if is_dmarc_record(r))
        source = "organisational" if records else ""
    record = parse_dmarc(records[0]) if len(records) == 1 else None
    external: list[ReportAuthorisation] = []
    if records:
        publisher = domain if source == "domain" else org
        parsed = [parse_dmarc(r) for r in records]
        destinations = {u.domain for p in parsed for u in (*p.rua, *p.ruf) if u.domain}
        for dest in sorted(destinations):
            if organisational_domain(dest) == organisational_domain(publisher):
                continue
            query = f"{publisher}._report._dmarc.{dest}"
            auth = await _txt(dns, query)
            if auth.error is not None:
                external.append(ReportAuthorisation(dest, query, None, auth.error))
            else:
                external.append(ReportAuthorisation(dest, query, any(is_dmarc_record(r) for r in auth.records)))
    return DmarcObservation(domain, lookup, org, org_lookup, source, records, record, tuple(external))


# --- DKIM -------------------------------------------------------------------------------------------------


async def _dkim(domain: str, dns: ResolverSpfDns, env: ScanEnv) -> DkimObservation:
    base = f"_domainkey.{domain}"
    node = await _txt(dns, base)
    selectors = tuple(dict.fromkeys((*COMMON_SELECTORS, *env.options.dkim_selectors)))
    if node.error is not None:
        return DkimObservation(domain, error=f"lookup of {base} failed: {node.error}")
    # RFC 8020: a random label below an existing _domainkey is NXDOMAIN unless a wildcard answers.
    probe = await _txt(dns, f"dw-{secrets.token_hex(6)}.{base}")
    wildcard = None if probe.error is not None else probe.rcode == "NOERROR"
    found: list[DkimSelector] = []
    if node.rcode == "NOERROR":
        lookups = await asyncio.gather(*(_txt(dns, f"{s}.{base}") for s in selectors))
        for selector, lookup in zip(selectors, lookups, strict=True):
            if not lookup.records:
                continue
            text = lookup.records[0]
            try:
                found.append(DkimSelector(selector, lookup, parse_dkim_key(text)))
            except DkimSyntaxError as exc:
                found.append(DkimSelector(selector, lookup, None, str(exc)))
    return DkimObservation(domain, node.rcode, None, wildcard, tuple(found), selectors)


# --- MTA-STS and TLS-RPT ----------------------------------------------------------------------------------


async def _mta_sts(domain: str, dns: ResolverSpfDns, env: ScanEnv) -> MtaStsObservation:
    lookup = await _txt(dns, f"_mta-sts.{domain}")
    records = tuple(r for r in lookup.records if is_sts_record(r))
    if len(records) != 1:
        return MtaStsObservation(lookup, records)
    record = parse_sts_record(records[0])
    url = policy_url(domain)
    host = f"mta-sts.{domain}"
    addresses = (await _addresses(env, host, "A"))[0] + (await _addresses(env, host, "AAAA"))[0]
    if not addresses:
        return MtaStsObservation(lookup, records, record, url, fetch_error=f"{host} has no address")
    try:
        from domeinwacht.net.http import HttpClient, HttpError, HttpLimits
    except ImportError:  # pragma: no cover - the web engineer's client is part of the tree
        return MtaStsObservation(lookup, records, record, url, fetch_error="HTTP client not available")
    client = HttpClient.for_env(env, HttpLimits(total=15.0, max_body=MAX_POLICY_BYTES, max_redirects=0))
    try:
        response = await client.get(url, addresses[0], accept="text/plain")
    except HttpError as exc:
        return MtaStsObservation(lookup, records, record, url, fetch_error=str(exc))
    content_type = response.header("content-type") or ""
    error = None
    # RFC 8461 3.3: HTTPS with a valid certificate for mta-sts.<domain>, 200, text/plain, no redirects.
    if response.tls_verified is False:
        error = f"certificate not valid for {host}: {response.tls_error}"
    elif response.status != 200:
        error = f"{url} answered {response.status} (must be 200 without redirects)"
    elif response.body_truncated:
        error = f"policy larger than {MAX_POLICY_BYTES} bytes"
    policy = parse_sts_policy(response.body.decode("utf-8", "replace")) if response.status == 200 else None
    return MtaStsObservation(lookup, records, record, url, response.status, content_type, error, policy)


async def _tls_rpt(domain: str, dns: ResolverSpfDns) -> TlsRptObservation:
    lookup = await _txt(dns, f"_smtp._tls.{domain}")
    records = tuple(r for r in lookup.records if is_tlsrpt_record(r))
    record = parse_tlsrpt(records[0]) if len(records) == 1 else None
    return TlsRptObservation(lookup, records, record)


# --- DNSSEC -----------------------------------------------------------------------------------------------


async def _dnssec(env: ScanEnv, name: str, rdtype: str) -> DnssecStatusInfo:
    if env.options.dnssec_untrusted:
        return DnssecStatusInfo(name, "indeterminate", env.options.dnssec_untrusted)
    try:
        from domeinwacht.net import dnssec
    except ImportError:  # pragma: no cover
        return DnssecStatusInfo(name, None, "DNSSEC validator not available")

    async def anchors() -> Any:
        return dnssec.load_trust_anchors(env.options.trust_anchor_file)

    try:
        loaded = await env.shared(("dnssec-anchors",), anchors)
        result = await dnssec.validate(env.resolver, name, rdtype, anchors=loaded)
    except (dnssec.TrustAnchorError, DnsError, OSError) as exc:
        return DnssecStatusInfo(name, "indeterminate", f"{type(exc).__name__}: {exc}")
    return DnssecStatusInfo(name, result.status.value, result.reason, result.broken_zone)


# --- MX hosts ---------------------------------------------------------------------------------------------


async def _observe_mx(env: ScanEnv, name: str, preference: int) -> MxHost:
    if not name:  # null MX (RFC 7505)
        return MxHost("", preference)
    (v4, e4), (v6, e6) = await asyncio.gather(_addresses(env, name, "A"), _addresses(env, name, "AAAA"))
    error = e4 or e6
    dnssec_task = asyncio.ensure_future(_dnssec(env, name, "A"))
    tlsa_task = asyncio.ensure_future(_tlsa(env, f"_25._tcp.{name}"))
    smtp = await asyncio.gather(*(shared_probe_smtp(ip, name, env, port=SMTP_PORT) for ip in (*v4, *v6)))
    dnssec_info, tlsa = await dnssec_task, await tlsa_task
    return MxHost(name, preference, v4, v6, error, dnssec_info, tlsa, tuple(smtp))


async def _tlsa(env: ScanEnv, name: str) -> TlsaObservation:
    try:
        answer = await env.resolver.query(name, "TLSA")
    except DnsError as exc:
        return TlsaObservation(name, error=exc.reason)
    if answer.rcode not in ("NOERROR", "NXDOMAIN"):
        return TlsaObservation(name, answer.rcode, error=f"TLSA lookup answered {answer.rcode}")
    if not answer.records:
        return TlsaObservation(name, answer.rcode)
    status = await _dnssec(env, name, "TLSA")
    return TlsaObservation(name, answer.rcode, answer.records, None, status.status, status.reason, status.zone)


# --- TLS and RPKI -----------------------------------------------------------------------------------------

ProbeTls = Callable[..., Awaitable[TlsObservation]]


def _tls_prober() -> ProbeTls | None:
    try:
        from domeinwacht.net.tls import probe_tls
    except ImportError:  # pragma: no cover - the TLS prober is part of the tree
        return None
    return probe_tls


async def _tls_probes(env: ScanEnv, hosts: list[MxHost]) -> tuple[TlsObservation, ...]:
    """One TLS probe per MX address (port 25 after STARTTLS), shared across the run."""
    probe_tls = _tls_prober()
    jobs: list[Awaitable[TlsObservation]] = []
    unseen: list[TlsObservation] = []
    for host in hosts:
        for smtp in host.smtp:
            jobs.append(_tls_probe(env, probe_tls, host.name, smtp))
        if host.name and host.error is not None and not host.smtp:
            # Its addresses were never learned: "not measured", which an empty area cannot say.
            reason = f"address lookup of {host.name} failed: {host.error}"
            unseen.append(TlsObservation("", SMTP_PORT, host.name, "mail", error=reason))
    return tuple(await asyncio.gather(*jobs)) + tuple(unseen)


async def _tls_probe(env: ScanEnv, probe_tls: ProbeTls | None, host: str, smtp: SmtpProbe) -> TlsObservation:
    ip = smtp.ip
    if smtp.error is not None:
        # Do not knock again on a server that just refused or throttled us.
        return TlsObservation(ip, smtp.port, host, "mail", error=smtp.error)
    if smtp.starttls_offered is False:
        return TlsObservation(ip, smtp.port, host, "mail", error="STARTTLS not offered")
    if probe_tls is None:
        return TlsObservation(ip, smtp.port, host, "mail", error="TLS prober not available")
    preamble = starttls_preamble(env.options.ehlo_name)

    async def run() -> TlsObservation:
        try:
            return await probe_tls(ip, smtp.port, host, env, starttls=preamble, purpose="mail")
        except Exception as exc:  # the prober's bug must not lose the other results
            reason = f"TLS probe failed: {type(exc).__name__}: {exc}"
            return TlsObservation(ip, smtp.port, host, "mail", error=reason)

    return await env.shared(("tls-mail", ip, smtp.port), run)


async def _rpki(env: ScanEnv, ips: list[str], hosts: Mapping[str, str]) -> RpkiObservation:
    from domeinwacht.net.bgp import observe_rpki

    return await observe_rpki(ips, env, hosts=hosts)
