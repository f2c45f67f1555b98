"""Server settings a scenario names by preset: TLS (per NCSC class), security headers, security.txt files."""

from __future__ import annotations

import datetime as dt
from typing import Any

_GOOD12 = (
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256"
)
_CURVES = "X25519:secp256r1:secp384r1"
# TLS 1.2 key-exchange signature algorithms with SHA-2 >= 256 only. Debian's OpenSSL 3 at security level 1/2
# still signs with SHA-224 when a client offers nothing better (CHECKS.md tls.kex_hash: warning), so every
# server whose target should pass says this list explicitly (nginx ssl_conf_command, postfix tls_config_file).
STRICT_SIGALGS = (
    "ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:ed25519:ed448:rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:"
    "rsa_pss_rsae_sha512:rsa_pss_pss_sha256:rsa_pss_pss_sha384:rsa_pss_pss_sha512:RSA+SHA256:RSA+SHA384:RSA+SHA512"
)

# protocols (nginx spelling), ciphers (OpenSSL), server order, curves, dhparam (None|ffdhe2048|ffdhe3072|
# custom1024), seclevel (None = OpenSSL's default), early_data, ems (Extended Master Secret), sigalgs (TLS 1.2
# signature algorithms; None = OpenSSL's default, which at @SECLEVEL=0 includes SHA-1 and SHA-224; the default
# is STRICT_SIGALGS except at security level 0, where the targets exist to accept SHA-1), safe_renegotiation
# (RFC 5746; only a GnuTLS server can be without it) and client_renegotiation (client-initiated renegotiation
# accepted: postfix with OpenSSL's ClientRenegotiation option, or GnuTLS, which always accepts it; nginx never).
TLS_PRESETS: dict[str, dict[str, Any]] = {
    # TLS 1.3 + 1.2 with good/sufficient ECDHE AEAD suites only, server order, no DHE, named curves only.
    "modern": {"protocols": ["TLSv1.2", "TLSv1.3"], "ciphers": _GOOD12},
    "tls13": {"protocols": ["TLSv1.3"], "ciphers": _GOOD12},
    # TLS 1.0-1.3 (OpenSSL 3 allows 1.0/1.1 only at security level 0) with ECDHE CBC-SHA1 suites.
    "legacy10": {
        "protocols": ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"],
        "ciphers": _GOOD12 + ":ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA",
        "seclevel": 0,
    },
    # phase-out (2025-05) suites behind the good ones: ECDHE with CBC and SHA-384/256 MACs.
    "phaseout": {"ciphers": _GOOD12 + ":ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA256"},
    "phaseout_client_order": {
        "ciphers": "ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:" + _GOOD12,
        "prefer_server": False,
    },
    # insufficient (2025-05) / phase-out (2.1.1): RSA key exchange (GCM and CBC-SHA1), behind ECDHE.
    "insufficient": {"ciphers": "ECDHE-RSA-AES256-GCM-SHA384:AES256-GCM-SHA384:AES128-SHA"},
    # the same suites with RSA key exchange preferred by the server (phase-out first under v2.1.1).
    "insufficient_first": {"ciphers": "AES256-GCM-SHA384:AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384"},
    # DHE-RSA suites with a given group (needs an RSA certificate).
    "dhe2048": {
        "ciphers": "ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES256-GCM-SHA384",
        "dhparam": "ffdhe2048",
    },
    "dhe3072": {
        "ciphers": "ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES256-GCM-SHA384",
        "dhparam": "ffdhe3072",
    },
    "dhe1024": {
        "ciphers": "ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES256-GCM-SHA384",
        "dhparam": "custom1024",
        "seclevel": 1,
    },
    # secp224r1 next to X25519: a phase-out curve.
    "curve224": {"ciphers": _GOOD12, "curves": "X25519:secp224r1"},
}
TLS_DEFAULTS: dict[str, Any] = {
    "protocols": ["TLSv1.2", "TLSv1.3"],
    "ciphers": _GOOD12,
    "prefer_server": True,
    "curves": _CURVES,
    "dhparam": None,
    "seclevel": None,
    "early_data": False,
    "ems": True,
    "sigalgs": STRICT_SIGALGS,
    "safe_renegotiation": True,
    "client_renegotiation": False,
}

# The `modern` preset in GnuTLS terms (gnutls-serv --priority): TLS 1.3 + 1.2, the same AEAD suites in the same
# server order (ECDHE-ECDSA/RSA with AES-256-GCM, ChaCha20-Poly1305, AES-128-GCM), X25519/P-256/P-384 and no
# SHA-1/SHA-224 signature algorithm (GnuTLS 3.7's NORMAL minus everything else).
GNUTLS_MODERN = (
    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:+CHACHA20-POLY1305:+AES-128-GCM:"
    "-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1:"
    "-SIGN-ECDSA-SHA1:-SIGN-RSA-SHA1:-SIGN-ECDSA-SHA224:-SIGN-RSA-SHA224:-SIGN-DSA-SHA1:-SIGN-DSA-SHA224:"
    "-SIGN-DSA-SHA256:%SERVER_PRECEDENCE"
)
# What a GnuTLS server (gnutls-serv) can be told besides the preset: it always accepts a client's renegotiation
# (gnutls-serv answers GNUTLS_E_REHANDSHAKE with a handshake), so client_renegotiation must say so.
_GNUTLS_SETTABLE = {"preset", "safe_renegotiation", "client_renegotiation"}

# Certificates that OpenSSL refuses to load at its default security level.
CERT_SECLEVEL = {"rsa1024": 1, "sha1": 0}


def tls_settings(spec: str | dict[str, Any], cert: str) -> dict[str, Any]:
    """The effective TLS settings of a preset name or a mapping ``{preset: NAME, <overrides>}``."""
    if isinstance(spec, str):
        spec = {"preset": spec}
    preset = spec.get("preset", "modern")
    if preset not in TLS_PRESETS:
        raise ValueError(f"unknown TLS preset {preset!r} (known: {', '.join(TLS_PRESETS)})")
    out = dict(TLS_DEFAULTS)
    out.update(TLS_PRESETS[preset])
    out.update({k: v for k, v in spec.items() if k != "preset"})
    levels = [lvl for lvl in (out["seclevel"], CERT_SECLEVEL.get(cert)) if lvl is not None]
    out["seclevel"] = min(levels) if levels else None
    if out["seclevel"] == 0 and "sigalgs" not in spec:
        out["sigalgs"] = None  # security level 0 targets exist to accept SHA-1 (tls.kex_hash fail)
    out["cipher_string"] = out["ciphers"] + (f":@SECLEVEL={out['seclevel']}" if out["seclevel"] is not None else "")
    return out


def gnutls_priority(spec: str | dict[str, Any]) -> str:
    """The GnuTLS priority string for a TLS spec on a gnutls-serv server (only ``modern`` and renegotiation)."""
    if isinstance(spec, str):
        spec = {"preset": spec}
    if spec.get("preset", "modern") != "modern" or set(spec) - _GNUTLS_SETTABLE:
        raise ValueError(
            f"a gnutls server supports the modern preset with safe_renegotiation/client_renegotiation only, not {spec}"
        )
    if spec.get("client_renegotiation") is not True:
        raise ValueError("gnutls-serv always accepts client-initiated renegotiation: say client_renegotiation: true")
    unsafe = spec.get("safe_renegotiation", True) is False
    return GNUTLS_MODERN + (":%DISABLE_SAFE_RENEGOTIATION" if unsafe else "")


_STRICT_CSP = (
    "default-src 'self'; base-uri 'self'; script-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
HEADER_PRESETS: dict[str, dict[str, str]] = {
    "strict": {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Content-Security-Policy": _STRICT_CSP,
    },
    "none": {},
    # server: domeinwacht — the application behind nginx sends its own headers (web/service/headers.py, Django's
    # SecurityMiddleware); nginx adds none
    "app": {},
    "weak": {
        "X-Frame-Options": "ALLOW-FROM https://example.invalid/",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "unsafe-url",
        "Content-Security-Policy": "default-src *; script-src 'self' 'unsafe-inline' 'unsafe-eval'",
    },
    "middling": {
        "X-Frame-Options": "SAMEORIGIN",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Content-Security-Policy": _STRICT_CSP,
    },
}


def headers(spec: str | dict[str, str]) -> dict[str, str]:
    if isinstance(spec, dict):
        return dict(spec)
    if spec not in HEADER_PRESETS:
        raise ValueError(f"unknown header preset {spec!r}")
    return dict(HEADER_PRESETS[spec])


SECURITY_TXT_VARIANTS = (
    "valid",
    "signed",
    "expired",
    "missing",
    "legacy",
    "wrong_type",
    "no_contact",
    "fixed_response",  # gnutls-serv: every path answers the page, 200 application/octet-stream (no file written)
    "app",  # server: domeinwacht — the application serves its own (web/service/securitytxt.py; no file written)
)


def security_txt(variant: str, host: str, now: dt.datetime) -> tuple[str, str, str] | None:
    """(path, content type, body) of the security.txt ``variant`` for ``host``; ``None`` when missing.

    ``signed`` bodies get their OpenPGP signature later (see pgp.clearsign).
    """
    if variant not in SECURITY_TXT_VARIANTS:
        raise ValueError(f"unknown security.txt variant {variant!r}")
    if variant in {"missing", "fixed_response", "app"}:
        return None
    expires = (now + dt.timedelta(days=180)).strftime("%Y-%m-%dT%H:%M:%SZ")
    if variant == "expired":
        expires = (now - dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    path = "/security.txt" if variant == "legacy" else "/.well-known/security.txt"
    lines = [
        "# Domeinwacht lab security.txt (RFC 9116)",
        f"Contact: mailto:security@{host}",
        f"Contact: https://{host}/contact",
        f"Expires: {expires}",
        f"Encryption: https://{host}/pgp-key.txt",
        "Preferred-Languages: nl, en",
        f"Policy: https://{host}/disclosure-policy",
    ]
    if variant == "signed":
        # a signed file should have Canonical (RFC 9116 2.3); unsigned ones leave it out so that generated
        # clones serving the same file stay valid
        lines.insert(-1, f"Canonical: https://{host}{path}")
    if variant == "no_contact":
        lines = [ln for ln in lines if not ln.startswith("Contact:")]
    ctype = "text/html; charset=utf-8" if variant == "wrong_type" else "text/plain; charset=utf-8"
    return path, ctype, "\n".join(lines) + "\n"
