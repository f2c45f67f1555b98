"""The check ids of shared/standards/CHECKS.md, so that profiles can be validated without importing checks.

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

_PLAIN: Final = (
    "dns.dnssec.secure",
    "dns.dnssec.algorithms",
    "dns.caa",
    "dns.ns.ipv6",
    "dns.ns.ipv6_reach",
    "dns.ns.ipv4_reach",
    "web.ipv6.aaaa",
    "web.ipv6.reach",
    "web.ipv6.same_content",
    "web.https.available",
    "web.https.redirect",
    "web.hsts",
    "web.http.compression",
    "web.headers.x_frame_options",
    "web.headers.x_content_type_options",
    "web.headers.referrer_policy",
    "web.headers.csp",
    "web.security_txt",
    "web.dane",
    "mail.mx",
    "mail.ipv6.aaaa",
    "mail.ipv6.reach",
    "mail.dmarc.exists",
    "mail.dmarc.policy",
    "mail.dmarc.external_reporting",
    "mail.spf.exists",
    "mail.spf.policy",
    "mail.dkim.exists",
    "mail.starttls.available",
    "mail.dane.exists",
    "mail.dane.valid",
    "mail.dane.rollover",
    "mail.mta_sts",
    "mail.tls_rpt",
    "mail.dnssec.secure",
    "hygiene.dangling_cname",
    "hygiene.forgotten",
    "hygiene.unregistered",
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
