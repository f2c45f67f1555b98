"""What the web observer saw, per web host and per address: pure data, stored as evidence.

The tree::

    WebObservation(domain)
    └── hosts: WebHost(name)           the domain and www.domain, each with its A/AAAA lookups
        ├── tlsa: TlsaLookup           _443._tcp.<host> TLSA with its DNSSEC status (for web.dane)
        └── endpoints: WebEndpoint(ip) one per A and AAAA address, tested separately
            ├── tcp: PortProbe          TCP 80 and 443 reachability
            ├── http_chain: HttpHop…    http://host/ and the redirects after it (at most 8)
            ├── https: HttpResponse     first https://host/ response, no redirect followed, capped body
            └── security_txt: SecurityTxtFetch…  /.well-known/security.txt, then legacy /security.txt

A probe that failed keeps its reason (``error``) so that a check can say ``error`` with it.
"""

from __future__ import annotations

from dataclasses import dataclass

# Bodies are capped by the observer; these are the limits it uses (documented in docs/WEB_CHECKS.md).
PAGE_BODY_CAP = 64 * 1024
SECURITY_TXT_CAP = 100 * 1024


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """One HTTP response as received (headers in order, the body capped).

    Attributes:
        url: the URL requested.
        ip / port: where the connection went (the Host header and SNI carry the host name of ``url``).
        status / reason / http_version: the status line.
        headers: ``(name, value)`` pairs in the order received; names lower-cased, values decoded as latin-1.
        body: the first bytes of the body, as sent (still Content-Encoded).
        body_truncated: the body was longer than the cap, or its read broke off (``body_error``).
        body_error: why the body read stopped early (time limit, connection closed); headers still count.
        tls_verified: for https, whether the chain validated against the configured roots for the host name;
            ``None`` for plain http.
        tls_error: why verification failed (the response was then fetched without verification).
        elapsed: seconds from connect to the end of the body read.
    """

    url: str
    ip: str
    port: int
    status: int
    reason: str = ""
    http_version: str = "HTTP/1.1"
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    body_truncated: bool = False
    body_error: str | None = None
    tls_verified: bool | None = None
    tls_error: str | None = None
    elapsed: float = 0.0

    def header(self, name: str) -> str | None:
        """The values of header ``name`` joined with ", " (RFC 9110 5.3), or ``None`` when absent."""
        values = self.header_values(name)
        return ", ".join(values) if values else None

    def header_values(self, name: str) -> tuple[str, ...]:
        """Every value of header ``name``, one per field line, in order."""
        wanted = name.lower()
        return tuple(v for n, v in self.headers if n == wanted)

    @property
    def is_redirect(self) -> bool:
        return self.status in (301, 302, 303, 307, 308)


@dataclass(frozen=True, slots=True)
class HttpHop:
    """One request of a redirect chain: the response, or why there is none.

    Attributes:
        url: the URL requested.
        ip: the address connected to (``""`` when the host of a later hop did not resolve).
        response: the response (``None`` on error).
        location: the Location header resolved against ``url`` (``None`` when not a redirect).
        error: why the request failed.
    """

    url: str
    ip: str
    response: HttpResponse | None = None
    location: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class PortProbe:
    """A TCP connect to ``ip:port``: ``open`` or the reason it is not (refused, timeout…)."""

    ip: str
    port: int
    open: bool
    error: str | None = None
    refused: bool = False


@dataclass(frozen=True, slots=True)
class SecurityTxtFetch:
    """One attempt to get security.txt from one address.

    Attributes:
        url: the URL first requested (``https://host/.well-known/security.txt`` or the legacy ``/security.txt``).
        ip: the address of the first request.
        hops: every request made, redirects included (at most 8 redirects, also to other hosts).
        final_url: the URL of the last response.
        status: the status of the last response (0 when none).
        content_type: its Content-Type header.
        body: at most the first 100 KB of the final body (``SECURITY_TXT_CAP``), decoded as sent.
        body_truncated: the file was longer than that.
        error: why no final response was obtained (connect failure, too many redirects…).
        tls_error: a certificate problem seen on the way (the file was still read).
        signature: for an OpenPGP-signed file, ``good <fingerprint>``, ``bad <reason>`` or
            ``not verified: <reason>`` (key fetched from the file's https Encryption URIs, checked with gpg);
            ``None`` for an unsigned file.
    """

    url: str
    ip: str
    hops: tuple[HttpHop, ...] = ()
    final_url: str = ""
    status: int = 0
    content_type: str | None = None
    body: bytes = b""
    body_truncated: bool = False
    error: str | None = None
    tls_error: str | None = None
    signature: str | None = None

    @property
    def found(self) -> bool:
        return self.error is None and self.status == 200


@dataclass(frozen=True, slots=True)
class WebEndpoint:
    """Everything measured on one address of one web host.

    Attributes:
        ip / family: the address and 4 or 6.
        tcp: TCP connect results for ports 80 and 443.
        http_chain: ``http://host/`` and each redirect after it; empty when port 80 is closed.
        https: the first ``https://host/`` response without following redirects (``None`` on error).
        https_error: why there is none.
        security_txt: the well-known fetch, then (only when that did not find a file) the legacy one.
    """

    ip: str
    family: int
    tcp: tuple[PortProbe, ...] = ()
    http_chain: tuple[HttpHop, ...] = ()
    https: HttpResponse | None = None
    https_error: str | None = None
    security_txt: tuple[SecurityTxtFetch, ...] = ()

    def port(self, number: int) -> PortProbe | None:
        for probe in self.tcp:
            if probe.port == number:
                return probe
        return None


@dataclass(frozen=True, slots=True)
class AddressLookup:
    """A or AAAA of a host: the addresses, or the failure."""

    rdtype: str
    rcode: str = ""
    addresses: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True, slots=True)
class TlsaLookup:
    """TLSA records at ``_443._tcp.<host>`` and the DNSSEC status of that answer.

    Attributes:
        name: the owner name asked.
        records: TLSA rdata in presentation format (``usage selector mtype hex``).
        rcode: the response code.
        dnssec: ``secure``, ``insecure``, ``bogus`` or ``indeterminate`` (``None`` = not validated).
        dnssec_reason: the validator's explanation.
        error: why the lookup failed.
        dnssec_zone: where the chain stopped being secure (``DnssecResult.broken_zone``), for the blame.
    """

    name: str
    records: tuple[str, ...] = ()
    rcode: str = ""
    dnssec: str | None = None
    dnssec_reason: str | None = None
    error: str | None = None
    dnssec_zone: str = ""


@dataclass(frozen=True, slots=True)
class WebHost:
    """One web host (the domain or www.domain) and what each of its addresses said."""

    name: str
    a: AddressLookup
    aaaa: AddressLookup
    endpoints: tuple[WebEndpoint, ...] = ()
    tlsa: TlsaLookup | None = None

    @property
    def resolves(self) -> bool:
        return bool(self.a.addresses or self.aaaa.addresses)


@dataclass(frozen=True, slots=True)
class WebObservation:
    """The web observation of one domain.

    Attributes:
        domain: the name submitted.
        hosts: the domain and www.domain, each with its lookups (a host that does not resolve has no endpoints).
        error: why the observation as a whole failed (e.g. the time budget ran out).
        http_port / https_port: the ports tested (80 and 443 except in tests against local servers).
    """

    domain: str
    hosts: tuple[WebHost, ...] = ()
    error: str | None = None
    http_port: int = 80
    https_port: int = 443

    @property
    def web_hosts(self) -> tuple[WebHost, ...]:
        """The hosts that resolve: the ones the checks judge."""
        return tuple(h for h in self.hosts if h.resolves)
