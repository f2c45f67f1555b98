"""The check ids of shared/standards/CHECKS.md, written once: a constant per id, used by the checks that
register them, by profile validation (policy/) and by the lab's scenario lists.

Profiles may name checks that no engineer has implemented yet (the catalogue is the contract, the registry is
the implementation), so profile validation uses this list, and ``tests/policy/test_catalogue.py`` keeps it equal
to the catalogue parsed from CHECKS.md.

The TLS, certificate and RPKI sets are written once in CHECKS.md and apply per family: ``web.tls.*`` is
``web.tls.<x>`` for every ``tls.<x>``; ``tls.zero_rtt`` is web only, so there is no ``mail.tls.zero_rtt``.
"""

from __future__ import annotations

from typing import Final

TLS_SET: Final = (
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
WEB_ONLY_TLS: Final = frozenset({"zero_rtt"})
CERT_SET: Final = ("trust", "hostname", "pubkey", "signature", "expiry")
RPKI_SET: Final = ("roa_exists", "valid")

# One constant per check id: checks register and report under these names; nowhere else is an id written.
DNS_DNSSEC_SECURE: Final = "dns.dnssec.secure"
DNS_DNSSEC_ALGORITHMS: Final = "dns.dnssec.algorithms"
DNS_CAA: Final = "dns.caa"
DNS_NS_IPV6: Final = "dns.ns.ipv6"
DNS_NS_IPV6_REACH: Final = "dns.ns.ipv6_reach"
DNS_NS_IPV4_REACH: Final = "dns.ns.ipv4_reach"
WEB_IPV6_AAAA: Final = "web.ipv6.aaaa"
WEB_IPV6_REACH: Final = "web.ipv6.reach"
WEB_IPV6_SAME_CONTENT: Final = "web.ipv6.same_content"
WEB_HTTPS_AVAILABLE: Final = "web.https.available"
WEB_HTTPS_REDIRECT: Final = "web.https.redirect"
WEB_HSTS: Final = "web.hsts"
WEB_HTTP_COMPRESSION: Final = "web.http.compression"
WEB_HEADERS_X_FRAME_OPTIONS: Final = "web.headers.x_frame_options"
WEB_HEADERS_X_CONTENT_TYPE_OPTIONS: Final = "web.headers.x_content_type_options"
WEB_HEADERS_REFERRER_POLICY: Final = "web.headers.referrer_policy"
WEB_HEADERS_CSP: Final = "web.headers.csp"
WEB_SECURITY_TXT: Final = "web.security_txt"
WEB_DANE: Final = "web.dane"
MAIL_MX: Final = "mail.mx"
MAIL_IPV6_AAAA: Final = "mail.ipv6.aaaa"
MAIL_IPV6_REACH: Final = "mail.ipv6.reach"
MAIL_DMARC_EXISTS: Final = "mail.dmarc.exists"
MAIL_DMARC_POLICY: Final = "mail.dmarc.policy"
MAIL_DMARC_EXTERNAL_REPORTING: Final = "mail.dmarc.external_reporting"
MAIL_SPF_EXISTS: Final = "mail.spf.exists"
MAIL_SPF_POLICY: Final = "mail.spf.policy"
MAIL_DKIM_EXISTS: Final = "mail.dkim.exists"
MAIL_STARTTLS_AVAILABLE: Final = "mail.starttls.available"
MAIL_DANE_EXISTS: Final = "mail.dane.exists"
MAIL_DANE_VALID: Final = "mail.dane.valid"
MAIL_DANE_ROLLOVER: Final = "mail.dane.rollover"
MAIL_MTA_STS: Final = "mail.mta_sts"
MAIL_TLS_RPT: Final = "mail.tls_rpt"
MAIL_DNSSEC_SECURE: Final = "mail.dnssec.secure"
HYGIENE_DANGLING_CNAME: Final = "hygiene.dangling_cname"
HYGIENE_FORGOTTEN: Final = "hygiene.forgotten"
HYGIENE_UNREGISTERED: Final = "hygiene.unregistered"

# RPKI ids, written in their checks (the TLS and certificate ids are registered from TLS_SET/CERT_SET)
WEB_RPKI_ROA_EXISTS: Final = "web.rpki.roa_exists"
WEB_RPKI_VALID: Final = "web.rpki.valid"
MAIL_RPKI_ROA_EXISTS: Final = "mail.rpki.roa_exists"
MAIL_RPKI_VALID: Final = "mail.rpki.valid"

_PLAIN: Final = (
    DNS_DNSSEC_SECURE,
    DNS_DNSSEC_ALGORITHMS,
    DNS_CAA,
    DNS_NS_IPV6,
    DNS_NS_IPV6_REACH,
    DNS_NS_IPV4_REACH,
    WEB_IPV6_AAAA,
    WEB_IPV6_REACH,
    WEB_IPV6_SAME_CONTENT,
    WEB_HTTPS_AVAILABLE,
    WEB_HTTPS_REDIRECT,
    WEB_HSTS,
    WEB_HTTP_COMPRESSION,
    WEB_HEADERS_X_FRAME_OPTIONS,
    WEB_HEADERS_X_CONTENT_TYPE_OPTIONS,
    WEB_HEADERS_REFERRER_POLICY,
    WEB_HEADERS_CSP,
    WEB_SECURITY_TXT,
    WEB_DANE,
    MAIL_MX,
    MAIL_IPV6_AAAA,
    MAIL_IPV6_REACH,
    MAIL_DMARC_EXISTS,
    MAIL_DMARC_POLICY,
    MAIL_DMARC_EXTERNAL_REPORTING,
    MAIL_SPF_EXISTS,
    MAIL_SPF_POLICY,
    MAIL_DKIM_EXISTS,
    MAIL_STARTTLS_AVAILABLE,
    MAIL_DANE_EXISTS,
    MAIL_DANE_VALID,
    MAIL_DANE_ROLLOVER,
    MAIL_MTA_STS,
    MAIL_TLS_RPT,
    MAIL_DNSSEC_SECURE,
    HYGIENE_DANGLING_CNAME,
    HYGIENE_FORGOTTEN,
    HYGIENE_UNREGISTERED,
)


def expand(pattern: str) -> tuple[str, ...]:
    """The ids a pattern stands for: ``web.tls.*`` -> the web TLS set; a plain id -> itself.

    ``ValueError`` for a wildcard that names no set.
    """
    if not pattern.endswith(".*"):
        return (pattern,)
    family, kind = pattern[:-2].rsplit(".", 1) if pattern.count(".") == 2 else ("", "")
    sets = {"tls": TLS_SET, "cert": CERT_SET, "rpki": RPKI_SET}
    if family not in ("web", "mail") or kind not in sets:
        raise ValueError(
            f"unknown wildcard {pattern!r} (known: web.tls.*, web.cert.*, web.rpki.*, mail.tls.*, "
            "mail.cert.*, mail.rpki.*)"
        )
    return tuple(
        f"{family}.{kind}.{item}"
        for item in sets[kind]
        if not (family == "mail" and kind == "tls" and item in WEB_ONLY_TLS)
    )


CHECK_IDS: Final[frozenset[str]] = frozenset(
    _PLAIN
    + expand("web.tls.*")
    + expand("web.cert.*")
    + expand("web.rpki.*")
    + expand("mail.tls.*")
    + expand("mail.cert.*")
    + expand("mail.rpki.*")
)
