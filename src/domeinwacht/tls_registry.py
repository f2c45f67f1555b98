"""IANA registries of TLS: cipher suites, named groups, signature schemes, versions.

Pure reference data (a leaf module): the prober (``net/tls``) speaks them, the TLS checks and the NCSC tables
(``checks/tls``) name and classify them, without importing the prober. The suite list is data
(``tls_suites.json``: IANA code -> IANA name, 266 suites: everything OpenSSL knows plus
the static-DH, export, PSK and SRP suites nobody should accept). Key exchange, authentication, cipher and MAC
are derived from the IANA name, whose grammar is regular: ``TLS_<kex>_WITH_<cipher>_<mac>`` (TLS ≤ 1.2) and
``TLS_<aead>_<hash>`` (TLS 1.3).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Final

SSL3: Final = 0x0300
TLS10: Final = 0x0301
TLS11: Final = 0x0302
TLS12: Final = 0x0303
TLS13: Final = 0x0304

VERSIONS: Final[dict[int, str]] = {
    SSL3: "SSLv3",
    TLS10: "TLSv1.0",
    TLS11: "TLSv1.1",
    TLS12: "TLSv1.2",
    TLS13: "TLSv1.3",
}


@dataclass(frozen=True, slots=True)
class CipherSuite:
    """One IANA cipher suite.

    Attributes:
        code: the two-byte IANA value.
        name: the IANA name.
        kex: key exchange: ``RSA``, ``DH``, ``DHE``, ``ECDH``, ``ECDHE``, ``PSK``, ``DHE_PSK``, ``RSA_PSK``,
            ``ECDHE_PSK``, ``SRP``; ``ANY`` for TLS 1.3 (negotiated separately).
        auth: ``RSA``, ``DSS``, ``ECDSA``, ``anon``, ``PSK``, ``SRP``; ``ANY`` for TLS 1.3.
        cipher: the bulk cipher as named by IANA, e.g. ``AES_128_GCM``, ``3DES_EDE_CBC``, ``CHACHA20_POLY1305``.
        mac: ``SHA`` (SHA-1), ``SHA256``, ``SHA384``, ``MD5``, or ``AEAD``.
        min_version: lowest protocol version that defines the suite (``TLS13`` only for TLS 1.3 suites).
        export: an export-grade suite.
    """

    code: int
    name: str
    kex: str
    auth: str
    cipher: str
    mac: str
    min_version: int
    export: bool = False

    @property
    def aead(self) -> bool:
        return self.mac == "AEAD"

    @property
    def family(self) -> str:
        """Cipher family: ``AESGCM``, ``AESCCM``, ``AESCCM8``, ``AESCBC``, ``CHACHA20``, ``CAMELLIAGCM``,
        ``CAMELLIACBC``, ``ARIAGCM``, ``ARIACBC``, ``3DES``, ``DES``, ``RC4``, ``RC2``, ``IDEA``, ``SEED``,
        ``NULL``."""
        c = self.cipher
        if c.startswith("CHACHA20"):
            return "CHACHA20"
        if c == "NULL":
            return "NULL"
        for prefix in ("AES", "CAMELLIA", "ARIA"):
            if c.startswith(prefix):
                if c.endswith("CCM_8"):
                    return prefix + "CCM8"
                if c.endswith("CCM"):
                    return prefix + "CCM"
                return prefix + ("GCM" if "GCM" in c else "CBC")
        for family in ("3DES", "RC4", "RC2", "IDEA", "SEED"):
            if c.startswith(family):
                return family
        if c.startswith("DES"):
            return "DES"
        return c

    def valid_for(self, version: int) -> bool:
        """Whether the suite may be negotiated in ``version``."""
        if version == TLS13:
            return self.min_version == TLS13
        return self.min_version <= version and self.min_version != TLS13


_KEX_AUTH: Final[dict[str, tuple[str, str]]] = {
    "RSA": ("RSA", "RSA"),
    "RSA_EXPORT": ("RSA", "RSA"),
    "DH_DSS": ("DH", "DSS"),
    "DH_RSA": ("DH", "RSA"),
    "DHE_DSS": ("DHE", "DSS"),
    "DHE_RSA": ("DHE", "RSA"),
    "DH_anon": ("DHE", "anon"),
    "DH_DSS_EXPORT": ("DH", "DSS"),
    "DH_RSA_EXPORT": ("DH", "RSA"),
    "DHE_DSS_EXPORT": ("DHE", "DSS"),
    "DHE_RSA_EXPORT": ("DHE", "RSA"),
    "DH_anon_EXPORT": ("DHE", "anon"),
    "ECDH_ECDSA": ("ECDH", "ECDSA"),
    "ECDH_RSA": ("ECDH", "RSA"),
    "ECDHE_ECDSA": ("ECDHE", "ECDSA"),
    "ECDHE_RSA": ("ECDHE", "RSA"),
    "ECDH_anon": ("ECDHE", "anon"),
    "PSK": ("PSK", "PSK"),
    "DHE_PSK": ("DHE_PSK", "PSK"),
    "PSK_DHE": ("DHE_PSK", "PSK"),
    "RSA_PSK": ("RSA_PSK", "RSA"),
    "ECDHE_PSK": ("ECDHE_PSK", "PSK"),
    "SRP_SHA": ("SRP", "SRP"),
    "SRP_SHA_RSA": ("SRP", "RSA"),
    "SRP_SHA_DSS": ("SRP", "DSS"),
}

_MACS: Final = ("SHA384", "SHA256", "SHA", "MD5")


def parse_suite_name(code: int, name: str) -> CipherSuite:
    """Derive the parts of a suite from its IANA name (``ValueError`` for a name outside the grammar)."""
    if not name.startswith("TLS_"):
        raise ValueError(f"not an IANA suite name: {name}")
    body = name[4:]
    if "_WITH_" not in body:  # TLS 1.3: TLS_<AEAD>_<HASH>
        cipher, _, _hash = body.rpartition("_")
        return CipherSuite(code, name, "ANY", "ANY", cipher, "AEAD", TLS13)
    kex_part, _, rest = body.partition("_WITH_")
    if kex_part not in _KEX_AUTH:
        raise ValueError(f"unknown key exchange in {name}")
    kex, auth = _KEX_AUTH[kex_part]
    export = "EXPORT" in kex_part or "EXPORT" in rest
    mac = "AEAD"
    cipher = rest
    for candidate in _MACS:
        if rest.endswith("_" + candidate):
            cipher = rest[: -len(candidate) - 1]
            mac = candidate
            break
    aead = any(mode in cipher for mode in ("GCM", "CCM", "CHACHA20_POLY1305"))
    if aead:
        mac = "AEAD"
    tls12_only = aead or mac in ("SHA256", "SHA384")
    min_version = TLS12 if tls12_only else SSL3
    if kex in ("ECDH", "ECDHE", "ECDHE_PSK") and min_version < TLS10:
        min_version = TLS10  # RFC 4492 suites need TLS extensions
    return CipherSuite(code, name, kex, auth, cipher, mac, min_version, export)


def _load_suites() -> dict[int, CipherSuite]:
    raw = json.loads(resources.files(__package__).joinpath("tls_suites.json").read_text("utf-8"))
    return {int(code, 16): parse_suite_name(int(code, 16), name) for code, name in raw.items()}


SUITES: Final[dict[int, CipherSuite]] = _load_suites()
SUITES_BY_NAME: Final[dict[str, CipherSuite]] = {s.name: s for s in SUITES.values()}


def suites_for_version(version: int) -> list[int]:
    """Every registry suite valid in ``version``, strongest-looking first (AEAD, then by code)."""
    valid = [s for s in SUITES.values() if s.valid_for(version)]
    valid.sort(key=lambda s: (not s.aead, s.kex not in ("ECDHE", "DHE"), s.code))
    return [s.code for s in valid]


# RFC 8422, RFC 7919, RFC 8734, draft-ietf-tls-ecdhe-mlkem: named groups.
GROUPS: Final[dict[int, str]] = {
    1: "sect163k1",
    2: "sect163r1",
    3: "sect163r2",
    4: "sect193r1",
    5: "sect193r2",
    6: "sect233k1",
    7: "sect233r1",
    8: "sect239k1",
    9: "sect283k1",
    10: "sect283r1",
    11: "sect409k1",
    12: "sect409r1",
    13: "sect571k1",
    14: "sect571r1",
    15: "secp160k1",
    16: "secp160r1",
    17: "secp160r2",
    18: "secp192k1",
    19: "secp192r1",
    20: "secp224k1",
    21: "secp224r1",
    22: "secp256k1",
    23: "secp256r1",
    24: "secp384r1",
    25: "secp521r1",
    26: "brainpoolP256r1",
    27: "brainpoolP384r1",
    28: "brainpoolP512r1",
    29: "x25519",
    30: "x448",
    31: "brainpoolP256r1tls13",
    32: "brainpoolP384r1tls13",
    33: "brainpoolP512r1tls13",
    256: "ffdhe2048",
    257: "ffdhe3072",
    258: "ffdhe4096",
    259: "ffdhe6144",
    260: "ffdhe8192",
    0x11EB: "SecP256r1MLKEM768",
    0x11EC: "X25519MLKEM768",
    0x11ED: "SecP384r1MLKEM1024",
    0x6399: "X25519Kyber768Draft00",
}
GROUP_CODES: Final[dict[str, int]] = {name: code for code, name in GROUPS.items()}

# Groups offered in TLS 1.2 (curves; FFDHE in TLS 1.2 is negotiated through the DHE suites' own parameters).
TLS12_GROUPS: Final[tuple[int, ...]] = (
    29,
    23,
    24,
    25,
    30,
    26,
    27,
    28,
    21,
    22,
    20,
    19,
    18,
    *range(1, 18),
)
# Groups valid in TLS 1.3 (RFC 8446 4.2.7 deprecates the others for 1.3).
TLS13_GROUPS: Final[tuple[int, ...]] = (
    29,
    23,
    24,
    25,
    30,
    31,
    32,
    33,
    0x11EC,
    0x11EB,
    0x11ED,
    256,
    257,
    258,
    259,
    260,
)

# RFC 8446 4.2.3 SignatureScheme values (and the TLS 1.2 HashAlgorithm/SignatureAlgorithm pairs).
SIGNATURE_SCHEMES: Final[dict[int, str]] = {
    0x0101: "rsa_pkcs1_md5",
    0x0103: "ecdsa_md5",
    0x0201: "rsa_pkcs1_sha1",
    0x0202: "dsa_sha1",
    0x0203: "ecdsa_sha1",
    0x0301: "rsa_pkcs1_sha224",
    0x0302: "dsa_sha224",
    0x0303: "ecdsa_sha224",
    0x0401: "rsa_pkcs1_sha256",
    0x0402: "dsa_sha256",
    0x0403: "ecdsa_secp256r1_sha256",
    0x0501: "rsa_pkcs1_sha384",
    0x0502: "dsa_sha384",
    0x0503: "ecdsa_secp384r1_sha384",
    0x0601: "rsa_pkcs1_sha512",
    0x0602: "dsa_sha512",
    0x0603: "ecdsa_secp521r1_sha512",
    0x0804: "rsa_pss_rsae_sha256",
    0x0805: "rsa_pss_rsae_sha384",
    0x0806: "rsa_pss_rsae_sha512",
    0x0807: "ed25519",
    0x0808: "ed448",
    0x0809: "rsa_pss_pss_sha256",
    0x080A: "rsa_pss_pss_sha384",
    0x080B: "rsa_pss_pss_sha512",
    0x081A: "ecdsa_brainpoolP256r1tls13_sha256",
    0x081B: "ecdsa_brainpoolP384r1tls13_sha384",
    0x081C: "ecdsa_brainpoolP512r1tls13_sha512",
}

_LEGACY_HASHES: Final = {1: "MD5", 2: "SHA1", 3: "SHA224", 4: "SHA256", 5: "SHA384", 6: "SHA512"}


def signature_hash(scheme: int) -> str:
    """The hash a signature scheme uses: ``SHA1``, ``SHA256`` …; ``intrinsic`` for EdDSA."""
    if scheme in (0x0807, 0x0808):
        return "intrinsic"
    if scheme >> 8 == 0x08:
        low = scheme & 0xFF
        return {0x04: "SHA256", 0x05: "SHA384", 0x06: "SHA512", 0x09: "SHA256", 0x0A: "SHA384"}.get(
            low, {0x0B: "SHA512", 0x1A: "SHA256", 0x1B: "SHA384", 0x1C: "SHA512"}.get(low, "unknown")
        )
    return _LEGACY_HASHES.get(scheme >> 8, "unknown")


ALL_SIGNATURE_SCHEMES: Final[tuple[int, ...]] = (
    0x0403,
    0x0503,
    0x0603,
    0x0807,
    0x0808,
    0x081A,
    0x081B,
    0x081C,
    0x0804,
    0x0805,
    0x0806,
    0x0809,
    0x080A,
    0x080B,
    0x0401,
    0x0501,
    0x0601,
    0x0402,
    0x0502,
    0x0602,
    0x0301,
    0x0302,
    0x0303,
    0x0201,
    0x0202,
    0x0203,
)
SHA1_ONLY_SCHEMES: Final[tuple[int, ...]] = (0x0201, 0x0203, 0x0202)
SHA224_ONLY_SCHEMES: Final[tuple[int, ...]] = (0x0301, 0x0303, 0x0302)

ALERTS: Final[dict[int, str]] = {
    0: "close_notify",
    10: "unexpected_message",
    20: "bad_record_mac",
    22: "record_overflow",
    40: "handshake_failure",
    42: "bad_certificate",
    47: "illegal_parameter",
    48: "unknown_ca",
    50: "decode_error",
    51: "decrypt_error",
    70: "protocol_version",
    71: "insufficient_security",
    80: "internal_error",
    86: "inappropriate_fallback",
    90: "user_canceled",
    100: "no_renegotiation",
    109: "missing_extension",
    110: "unsupported_extension",
    112: "unrecognized_name",
    116: "certificate_required",
    120: "no_application_protocol",
}
