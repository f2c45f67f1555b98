"""What the TLS prober saw on one endpoint (IP address and port): pure data, stored as evidence.

One ``TlsObservation`` per endpoint; the ``web_tls`` and ``mail_tls`` areas hold a tuple of them (one per
address of the host / MX). Names are IANA names (cipher suites ``TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256``,
groups ``x25519``, versions ``TLSv1.2``) so that a stored observation can be re-evaluated under any policy
profile later.

Tri-state fields use ``None`` for "not measured"; the reason is then in ``notes`` (checks say ``error`` or
``not_applicable`` with it, never ``pass``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Purpose = Literal["web", "mail"]

VERSION_NAMES = ("SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")


@dataclass(frozen=True, slots=True)
class VersionSuites:
    """The cipher suites one protocol version accepts.

    Attributes:
        version: ``TLSv1.2`` etc.
        suites: IANA names, in the order the server chose them while we removed each chosen suite from the
            next offer (iterative removal). When ``server_preference`` is true this is the server's order.
        server_preference: ``True`` when the server picks by its own order (re-offering the suites reversed
            made it choose the same first suite), ``False`` when it follows the client, ``None`` when it
            could not be told (fewer than two suites).
    """

    version: str
    suites: tuple[str, ...] = ()
    server_preference: bool | None = None


@dataclass(frozen=True, slots=True)
class DhParams:
    """Finite-field DH parameters a server sent in a TLS ≤ 1.2 ServerKeyExchange (DHE suites).

    Attributes:
        bits: size of the prime p.
        group: ``ffdhe2048`` … ``ffdhe8192`` (RFC 7919), ``modp2048`` … (RFC 3526 / 2409), or ``None`` for a
            prime that is no published group (self-generated).
        prime_sha256: hex SHA-256 of p (big-endian, no leading zeros), to recognise the same custom group.
    """

    bits: int
    group: str | None
    prime_sha256: str


@dataclass(frozen=True, slots=True)
class TlsObservation:
    """One endpoint's TLS configuration as learned from raw ClientHellos.

    Attributes:
        ip / port / server_name / purpose: what was probed (``server_name`` is the SNI sent, if any).
        error: why the endpoint could not be measured (no connection, garbage instead of TLS, time budget
            exhausted, rate-limited, STARTTLS failed); ``None`` when the measurements below are complete.
        versions: protocol versions the server accepted (names from ``VERSION_NAMES``).
        versions_refused: versions that were offered and refused. A version in neither list was not tested.
        suites: accepted suites per accepted version.
        groups: key-exchange groups accepted (ECDHE curves, FFDHE groups, hybrid PQC groups), IANA names.
        groups_source: how ``groups`` was learned: ``encrypted_extensions`` (the server's own list, sent in a
            TLS 1.3 EncryptedExtensions message), ``enumerated`` (iterative removal), ``tls12`` (curves seen in
            TLS 1.2 ServerKeyExchange messages while enumerating suites), or ``""`` when not measured.
        tls12_groups: curves the server used in TLS ≤ 1.2 ServerKeyExchange messages (subset of what it
            accepts; it picks one per handshake).
        dh_params: every distinct DH group seen in a TLS ≤ 1.2 DHE ServerKeyExchange.
        kex_sha1_accepted / kex_sha224_accepted: a TLS 1.2 (EC)DHE handshake offering only SHA-1 (resp.
            SHA-224) signature_algorithms was answered with a ServerKeyExchange (``True``) or refused
            (``False``); ``None`` when not tested (no TLS 1.2 (EC)DHE suite).
        kex_hashes_used: signature hashes the server used in TLS 1.2 ServerKeyExchange messages.
        compression: the server selected TLS compression (DEFLATE) when offered; ``None`` when no TLS ≤ 1.2.
        secure_renegotiation: the server answered the renegotiation_info extension (RFC 5746).
        extended_master_secret: the server answered the extended_master_secret extension (RFC 7627) on TLS 1.2.
        client_renegotiation: ``refused`` or ``allowed`` (a second ClientHello inside an established TLS 1.2
            session was answered with a ServerHello), or ``None`` when not measured (reason in ``notes``).
        early_data: ``True`` when a TLS 1.3 resumption offering early data was accepted (EncryptedExtensions
            carried early_data), ``False`` when the server does not offer or accept it, ``None`` when not
            tested.
        early_data_max: ``max_early_data_size`` the server's session ticket advertised (0 when absent).
        ocsp_stapled: the server stapled an OCSP response when asked (status_request); ``None`` = not tested.
        ocsp_response: the stapled DER OCSP response.
        chain: the certificate chain as sent (DER, leaf first).
        chain_version: the protocol version of the handshake the chain came from.
        connections: TCP connections this probe opened (each one ClientHello).
        connections_by_step: the same count per step of the plan (``tls13``, ``tls12``, ``older``,
            ``groups``, ``kex_hash``, ``early_data``), so the cost of each measurement is visible.
        duration: seconds the probe took.
        notes: what was not measured and why, and protocol oddities seen.
    """

    ip: str
    port: int
    server_name: str | None
    purpose: Purpose = "web"
    error: str | None = None
    versions: tuple[str, ...] = ()
    versions_refused: tuple[str, ...] = ()
    suites: tuple[VersionSuites, ...] = ()
    groups: tuple[str, ...] = ()
    groups_source: str = ""
    tls12_groups: tuple[str, ...] = ()
    dh_params: tuple[DhParams, ...] = ()
    kex_sha1_accepted: bool | None = None
    kex_sha224_accepted: bool | None = None
    kex_hashes_used: tuple[str, ...] = ()
    compression: bool | None = None
    secure_renegotiation: bool | None = None
    extended_master_secret: bool | None = None
    client_renegotiation: str | None = None
    early_data: bool | None = None
    early_data_max: int = 0
    ocsp_stapled: bool | None = None
    ocsp_response: bytes | None = None
    chain: tuple[bytes, ...] = ()
    chain_version: str | None = None
    connections: int = 0
    connections_by_step: tuple[tuple[str, int], ...] = ()
    duration: float = 0.0
    notes: tuple[str, ...] = field(default=())

    @property
    def endpoint(self) -> str:
        """``ip:port`` (IPv6 in brackets), for evidence; ``name:port`` when the address was never learned."""
        host = f"[{self.ip}]" if ":" in self.ip else self.ip or (self.server_name or "")
        return f"{host}:{self.port}"

    def suites_for(self, version: str) -> VersionSuites | None:
        for entry in self.suites:
            if entry.version == version:
                return entry
        return None

    @property
    def all_suites(self) -> tuple[str, ...]:
        """Every accepted suite over all versions (a suite accepted in two versions appears once)."""
        seen: dict[str, None] = {}
        for entry in self.suites:
            for name in entry.suites:
                seen.setdefault(name, None)
        return tuple(seen)
