"""What the mail observer saw for one domain: MX, SPF, DMARC, DKIM, SMTP/STARTTLS, DANE, MTA-STS, TLS-RPT.

Pure data (frozen dataclasses) that round-trips through ``domeinwacht.serde``. A lookup or probe that failed
keeps its reason in ``error``; the checks then say ``error`` with it, never ``pass``.
"""

from __future__ import annotations

from dataclasses import dataclass

from domeinwacht.mail.dkim import DkimKey
from domeinwacht.mail.dmarc import DmarcRecord
from domeinwacht.mail.mtasts import StsPolicy, StsRecord
from domeinwacht.mail.spf_policy import SpfAnalysis
from domeinwacht.mail.tlsrpt import TlsRptRecord
from domeinwacht.mail.txt_lookup import TxtLookup


@dataclass(frozen=True, slots=True)
class DnssecStatusInfo:
    """DNSSEC status of one name (``secure``/``insecure``/``bogus``/``indeterminate``), the reason, and the zone
    where the chain stopped being secure (``DnssecResult.broken_zone``; empty in observations stored before it)."""

    name: str
    status: str | None = None
    reason: str = ""
    zone: str = ""


@dataclass(frozen=True, slots=True)
class ReportAuthorisation:
    """RFC 7489 7.1: does ``destination`` accept reports for the domain (``<domain>._report._dmarc.<dest>``)?"""

    destination: str
    query: str
    authorised: bool | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class DmarcObservation:
    """The DMARC record that applies to the domain.

    Attributes:
        lookup: TXT at ``_dmarc.<domain>``.
        org_domain: the organisational domain (Public Suffix List); equal to the domain when it is one.
        org_lookup: TXT at ``_dmarc.<org_domain>`` when the domain had none and differs from it.
        source: ``domain`` or ``organisational``: where the applicable record was found ("" when none).
        records: the ``v=DMARC1`` records at that name.
        record: the parsed record when exactly one was found.
        external: authorisation of each report destination outside the organisational domain.
    """

    domain: str
    lookup: TxtLookup
    org_domain: str = ""
    org_lookup: TxtLookup | None = None
    source: str = ""
    records: tuple[str, ...] = ()
    record: DmarcRecord | None = None
    external: tuple[ReportAuthorisation, ...] = ()


@dataclass(frozen=True, slots=True)
class DkimSelector:
    """One probed selector: ``<selector>._domainkey.<domain>`` TXT and the parsed key."""

    selector: str
    lookup: TxtLookup
    key: DkimKey | None = None
    error: str | None = None  # a record that is no DKIM key record


@dataclass(frozen=True, slots=True)
class DkimObservation:
    """RFC 8020 existence of ``_domainkey.<domain>`` plus selector probing.

    Attributes:
        rcode: response code for ``_domainkey.<domain>`` (NOERROR: the node exists, NXDOMAIN: it does not).
        error: the query failed (timeout, SERVFAIL).
        wildcard: a random label under ``_domainkey`` answered too (a wildcard makes NOERROR meaningless).
        selectors: the selectors that had a record (probed ones without a record are only counted).
        probed: the selectors asked.
    """

    domain: str
    rcode: str = ""
    error: str | None = None
    wildcard: bool | None = None
    selectors: tuple[DkimSelector, ...] = ()
    probed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SmtpProbe:
    """One conversation with an MX address on port 25 (connect, banner, EHLO, STARTTLS, QUIT).

    Attributes:
        ip / port / host: what was probed.
        connected: the TCP connection was made.
        banner: the greeting (capped), code and text.
        banner_code: its reply code (220 expected; 421/554 mean "go away").
        ehlo_code / extensions: the EHLO reply code and the extension keywords (upper case).
        starttls_offered: STARTTLS was in the EHLO reply; ``None`` when EHLO was not reached.
        starttls_ok: the STARTTLS command was accepted and a TLS handshake completed.
        tls_version / tls_cipher: of that handshake.
        leaf_der: the server certificate of that handshake (for DANE-EE when no full chain is available).
        rate_limited: the server refused or throttled us (421, reset, refused after success, 4xx on EHLO).
        error: why the conversation did not complete (with ``rate-limited:`` prefix when rate-limited).
        connections: TCP connections this probe opened (1, or 0 when refused by the guard).
        duration: seconds.
    """

    ip: str
    port: int = 25
    host: str = ""
    connected: bool = False
    banner: str = ""
    banner_code: int | None = None
    ehlo_code: int | None = None
    extensions: tuple[str, ...] = ()
    starttls_offered: bool | None = None
    starttls_ok: bool | None = None
    tls_version: str | None = None
    tls_cipher: str | None = None
    leaf_der: bytes | None = None
    rate_limited: bool = False
    error: str | None = None
    connections: int = 0
    duration: float = 0.0


@dataclass(frozen=True, slots=True)
class TlsaObservation:
    """TLSA records at ``_25._tcp.<mx>`` (RFC 7672) and the DNSSEC status of that answer.

    Attributes:
        records: presentation format ``usage selector mtype hex``.
        rcode / error: the lookup.
        dnssec / dnssec_reason: validation of the TLSA RRset (or its denial).
        dnssec_zone: where the chain stopped being secure (``DnssecResult.broken_zone``), for the blame.
    """

    name: str
    rcode: str = ""
    records: tuple[str, ...] = ()
    error: str | None = None
    dnssec: str | None = None
    dnssec_reason: str = ""
    dnssec_zone: str = ""


@dataclass(frozen=True, slots=True)
class MxHost:
    """One MX host with its addresses, DNSSEC status, TLSA and SMTP probes (one per address)."""

    name: str
    preference: int
    ipv4: tuple[str, ...] = ()
    ipv6: tuple[str, ...] = ()
    error: str | None = None
    dnssec: DnssecStatusInfo | None = None
    tlsa: TlsaObservation | None = None
    smtp: tuple[SmtpProbe, ...] = ()


@dataclass(frozen=True, slots=True)
class MtaStsObservation:
    """``_mta-sts.<domain>`` TXT and the policy at ``https://mta-sts.<domain>/.well-known/mta-sts.txt``.

    Attributes:
        records: the ``v=STSv1`` records.
        record: the parsed record when exactly one.
        url / status / content_type: the policy fetch (``None`` status when not fetched).
        fetch_error: why the policy could not be fetched (TLS failure, not 200, too large…).
        policy: the parsed policy.
    """

    lookup: TxtLookup
    records: tuple[str, ...] = ()
    record: StsRecord | None = None
    url: str = ""
    status: int | None = None
    content_type: str = ""
    fetch_error: str | None = None
    policy: StsPolicy | None = None


@dataclass(frozen=True, slots=True)
class TlsRptObservation:
    lookup: TxtLookup
    records: tuple[str, ...] = ()
    record: TlsRptRecord | None = None


# The MX hosts one domain may make us probe: the first ten by preference (RFC 5321 5.1 tries them in that order).
MAX_MX_HOSTS = 10


@dataclass(frozen=True, slots=True)
class MailObservation:
    """The mail observation of one domain.

    Attributes:
        mx_rcode / mx_error: the MX lookup.
        mx: MX hosts, by preference (a null MX ``0 .`` is listed with name ``""``).
        has_address: the domain has A or AAAA (the implicit MX of RFC 5321 5.1 when there is no MX).
        dnssec: DNSSEC status of the domain (SOA).
        spf / dmarc / dkim / mta_sts / tls_rpt: the record observations.
        smtp_connections: TCP connections opened to mail servers for this domain (shared probes count once).
        error: why the observation as a whole failed.
        mx_not_probed: MX records beyond the first ``MAX_MX_HOSTS`` by preference (``"pref name"``): listed
            in the evidence, never looked up or contacted (a domain cannot make us probe a thousand hosts).
    """

    domain: str
    mx_rcode: str = ""
    mx_error: str | None = None
    mx: tuple[MxHost, ...] = ()
    has_address: bool = False
    dnssec: DnssecStatusInfo | None = None
    spf: SpfAnalysis | None = None
    dmarc: DmarcObservation | None = None
    dkim: DkimObservation | None = None
    mta_sts: MtaStsObservation | None = None
    tls_rpt: TlsRptObservation | None = None
    smtp_connections: int = 0
    error: str | None = None
    mx_not_probed: tuple[str, ...] = ()

    @property
    def null_mx(self) -> bool:
        """RFC 7505: exactly one MX, ``0 .``: the domain accepts no mail."""
        return len(self.mx) == 1 and self.mx[0].name == "" and self.mx[0].preference == 0

    @property
    def has_null_mx(self) -> bool:
        return any(h.name == "" for h in self.mx)

    @property
    def real_mx(self) -> tuple[MxHost, ...]:
        return tuple(h for h in self.mx if h.name)
