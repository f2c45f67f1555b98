"""Constructed web observations for the check tests: one call per situation, defaults all green."""

from __future__ import annotations

from collections.abc import Sequence

from domeinwacht.observations.web import (
    AddressLookup,
    HttpHop,
    HttpResponse,
    PortProbe,
    SecurityTxtFetch,
    TlsaLookup,
    WebEndpoint,
    WebHost,
    WebObservation,
)

GOOD_HEADERS: tuple[tuple[str, str], ...] = (
    ("strict-transport-security", "max-age=31536000; includeSubDomains"),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    (
        "content-security-policy",
        "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'; object-src 'none'",
    ),
)
# Valid when evaluated at 2026-01-01 (the security.txt tests fix that time).
GOOD_SECURITY_TXT = (
    b"Contact: mailto:security@example.nl\nEncryption: https://example.nl/pgp.asc\nExpires: 2026-06-01T00:00:00Z\n"
)
PAGE = b"<html><head><title>Gemeente</title></head><body><h1>Welkom</h1><p>Nieuws en diensten</p></body></html>"


def https_response(
    host: str,
    ip: str,
    headers: Sequence[tuple[str, str]] = GOOD_HEADERS,
    *,
    status: int = 200,
    body: bytes = PAGE,
) -> HttpResponse:
    return HttpResponse(f"https://{host}/", ip, 443, status, headers=tuple(headers), body=body, tls_verified=True)


def redirect_hop(host: str, ip: str, location: str | None = None, status: int = 301) -> HttpHop:
    location = f"https://{host}/" if location is None else location
    response = HttpResponse(f"http://{host}/", ip, 80, status, headers=(("location", location),))
    return HttpHop(f"http://{host}/", ip, response, location if status in (301, 302, 303, 307, 308) else None)


def security_txt_fetch(
    host: str,
    ip: str,
    body: bytes = GOOD_SECURITY_TXT,
    *,
    status: int = 200,
    content_type: str | None = "text/plain; charset=utf-8",
    legacy: bool = False,
) -> SecurityTxtFetch:
    path = "/security.txt" if legacy else "/.well-known/security.txt"
    url = f"https://{host}{path}"
    response = HttpResponse(url, ip, 443, status, headers=(("content-type", content_type or ""),), body=body)
    return SecurityTxtFetch(
        url,
        ip,
        (HttpHop(url, ip, response),),
        final_url=url,
        status=status,
        content_type=content_type,
        body=body if status == 200 else b"",
    )


def endpoint(
    host: str,
    ip: str,
    *,
    http_open: bool = True,
    https_open: bool = True,
    chain: tuple[HttpHop, ...] | None = None,
    https: HttpResponse | None = None,
    https_error: str | None = None,
    security_txt: tuple[SecurityTxtFetch, ...] | None = None,
) -> WebEndpoint:
    family = 6 if ":" in ip else 4
    tcp = (
        PortProbe(ip, 80, http_open, None if http_open else "connection refused", not http_open),
        PortProbe(ip, 443, https_open, None if https_open else "connection refused", not https_open),
    )
    if not https_open:
        return WebEndpoint(
            ip,
            family,
            tcp,
            chain if chain is not None else ((redirect_hop(host, ip),) if http_open else ()),
            None,
            https_error or "port 443 does not accept connections (connection refused)",
        )
    return WebEndpoint(
        ip,
        family,
        tcp,
        chain if chain is not None else ((redirect_hop(host, ip),) if http_open else ()),
        https if https is not None or https_error else https_response(host, ip),
        https_error,
        security_txt if security_txt is not None else (security_txt_fetch(host, ip),),
    )


def host(name: str, *endpoints: WebEndpoint, aaaa_error: str | None = None, tlsa: TlsaLookup | None = None) -> WebHost:
    v4 = tuple(e.ip for e in endpoints if e.family == 4)
    v6 = tuple(e.ip for e in endpoints if e.family == 6)
    return WebHost(
        name,
        AddressLookup("A", "NOERROR", v4),
        AddressLookup("AAAA", "NOERROR" if aaaa_error is None else "", v6, aaaa_error),
        tuple(endpoints),
        tlsa,
    )


def observation(*hosts: WebHost, domain: str = "example.nl") -> WebObservation:
    return WebObservation(domain, tuple(hosts))


def green(domain: str = "example.nl") -> WebObservation:
    """Both hosts, each with one IPv4 and one IPv6 address, everything right."""
    return observation(
        host(domain, endpoint(domain, "192.0.2.10"), endpoint(domain, "2001:db8::10")),
        host(f"www.{domain}", endpoint(f"www.{domain}", "192.0.2.10"), endpoint(f"www.{domain}", "2001:db8::10")),
        domain=domain,
    )


def with_headers(headers: Sequence[tuple[str, str]], domain: str = "example.nl") -> WebObservation:
    """One host, one IPv4 address whose HTTPS response carries ``headers``."""
    ip = "192.0.2.10"
    return observation(host(domain, endpoint(domain, ip, https=https_response(domain, ip, headers))), domain=domain)
