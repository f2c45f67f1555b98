"""The TLS prober: versions, suites (with server preference), groups and extensions of one endpoint.

Plan (each step one TCP connection per ClientHello, sequential, so an endpoint never sees more than one of
our connections at a time):

1. TLS 1.3: one full handshake (supported_groups = every TLS 1.3 group, key_share = secp384r1, following an
   HRR when needed). We decrypt the server flight: EncryptedExtensions (OpenSSL-based servers list *all* their
   groups there when the negotiated group is not their first choice, RFC 8446 4.2.7), the Certificate
   message (chain and stapled OCSP), and for web endpoints we send our Finished and read the session tickets
   (early data advertised?).
2. TLS 1.3 suites by iterative removal with an empty key_share: each HelloRetryRequest names one suite and
   one group, so suites and groups are enumerated together (when EncryptedExtensions did not list the groups;
   while they are unknown the HRR is followed and decrypted: it names a group that is not the server's first
   choice, so OpenSSL lists them all in EncryptedExtensions).
3. TLS 1.2 (legacy hello, client_version 0x0303, every TLS ≤ 1.2 suite): the first answer gives the version,
   the extension flags (EMS, renegotiation_info, compression, status_request) and the plaintext chain; then
   iterative removal (N accepted suites: N + 1 hellos) in alternating order, which shows a server's own order
   for free; one reversed offer only when every pick matched the client's order.
4. One hello with client_version TLS 1.1: a compliant server answers with its highest version ≤ 1.1, so one
   refusal proves TLS 1.1, 1.0 and SSL 3 are all off. An accepted old version costs one hello when its pick
   is the one TLS 1.2 predicts (one cipher list for every version, see ``_legacy_check``); otherwise, and
   without TLS 1.2, it is enumerated like TLS 1.2.
5. TLS 1.2 key-exchange signature hashes: one hello offering only SHA-1 signature_algorithms, one only SHA-224.
   TLS 1.2-only curves (secp224r1, brainpool r1, …) with one more hello (TLS 1.3 cannot reveal them).
6. Early data (web): resume with a ticket that advertised early data, offering early_data (never sending
   any); EncryptedExtensions says whether the server would accept it.
7. Client-initiated renegotiation: one complete TLS 1.2 handshake (ECDHE + AEAD), then a second ClientHello
   inside it (``_renegotiation``).

Not measured (documented in docs/TLS.md): SSL 2; renegotiation when the server has no TLS 1.2 ECDHE AEAD
suite; how many renegotiations a server allows (we only learn allowed or refused).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass, field, replace
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from domeinwacht.net.context import ProbeContext
from domeinwacht.net.guard import NonPublicAddressError
from domeinwacht.net.tls import _wire as w
from domeinwacht.net.tls._crypto import resumption_psk
from domeinwacht.net.tls._renegotiation import client_renegotiation, renegotiation_suite
from domeinwacht.net.tls._session import (
    Flight12,
    Flight13,
    ProbeError,
    Refused,
    StartTls,
    Target,
    hello12,
    hello13,
)
from domeinwacht.observations.tls import DhParams, TlsObservation, VersionSuites
from domeinwacht.tls_registry import (
    ALL_SIGNATURE_SCHEMES,
    GROUPS,
    SHA1_ONLY_SCHEMES,
    SHA224_ONLY_SCHEMES,
    SSL3,
    SUITES,
    SUITES_BY_NAME,
    TLS10,
    TLS11,
    TLS12,
    TLS12_GROUPS,
    TLS13,
    TLS13_GROUPS,
    VERSIONS,
    signature_hash,
    suites_for_version,
)

# SHA-256 of well-known DH primes (big-endian p): RFC 7919, RFC 3526, RFC 5114.
KNOWN_DH_PRIMES: dict[str, str] = {
    "9cd3b7f336872f46c09428d1bbc19877a4d440512cda8d1c1cf0cd6e33698966": "ffdhe2048",
    "0eaf67db3a839156d5013494a5318a772b5697d270d721f37f092efc69ea5a17": "ffdhe3072",
    "4648414224ac881b3d0dc59b466f96d06a558278776807797ecf1f66ff397b3e": "ffdhe4096",
    "227ac9066b3ddd9e193670cda2388fa884f65ba0cf98b742d1fe77a6687c79c7": "ffdhe6144",
    "770b14efaf6f049929c523113b3fa99a8d11dab1b18af3609590122075d19833": "ffdhe8192",
    "64fcc83ec403930bf18393dbc883ccaa1fbb08ac876f77f7aa99748ca945019b": "modp1536",
    "d66436f79bbd6b2e38c0ffbd079be904d2641415e2e67140e09448be9a60890e": "modp2048",
    "48cf8b092fbce4359d9871abf74f98e25b6163379eaa15cd9087e800c6d1c55c": "modp3072",
    "4ee95187682bcb230ad26a95205f6920e84708f6251b3894329b09ec23919e33": "modp4096",
    "d1bfe6d0925ce7e4da262b62861514a7755e35831e429f343e7b864848657efd": "modp6144",
    "39ab4feab950a3128fb71accb9fc3965d857012e081998a85996e3ea8b3c3bcf": "modp8192",
    "44c55cfee5c075927cf682da5b681bdecbd5c3eb0784c14f5dce7610f0ef133d": "rfc5114_1024_160",
    "bfe545862ca102ad1eeddb5fbfa5bf855ac4995c56a8b408ce3fe099dce93a9d": "rfc5114_2048_224",
    "0b7835722cb619827610c2549fdda5587421686c4409a13865e76225522ddcc9": "rfc5114_2048_256",
}

TLS13_SUITES: tuple[int, ...] = (0x1302, 0x1303, 0x1301, 0x1304, 0x1305)
# First TLS 1.3 hello: secp384r1 first (few servers prefer it, so OpenSSL lists its groups in
# EncryptedExtensions), then the rest.
FIRST_GROUPS: tuple[int, ...] = (24, *[g for g in TLS13_GROUPS if g != 24])


def group_name(code: int) -> str:
    return GROUPS.get(code, f"0x{code:04x}")


def dh_params(p: int) -> DhParams:
    raw = p.to_bytes((p.bit_length() + 7) // 8, "big")
    digest = hashlib.sha256(raw).hexdigest()
    return DhParams(p.bit_length(), KNOWN_DH_PRIMES.get(digest), digest)


@dataclass
class _State:
    versions: dict[int, bool] = field(default_factory=dict)
    suites: dict[int, list[int]] = field(default_factory=dict)
    preference: dict[int, bool | None] = field(default_factory=dict)
    groups: list[int] = field(default_factory=list)
    groups_source: str = ""
    tls12_groups: list[int] = field(default_factory=list)
    dh: dict[str, DhParams] = field(default_factory=dict)
    kex_sha1: bool | None = None
    kex_sha224: bool | None = None
    kex_hashes: list[str] = field(default_factory=list)
    compression: bool | None = None
    secure_reneg: bool | None = None
    ems: bool | None = None
    early_data: bool | None = None
    early_data_max: int = 0
    client_reneg: str | None = None
    ocsp_stapled: bool | None = None
    ocsp: bytes | None = None
    chain: tuple[bytes, ...] = ()
    chain_version: int | None = None
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def add_group(self, code: int) -> None:
        if code not in self.groups:
            self.groups.append(code)

    def learn12(self, flight: Flight12) -> None:
        ske = flight.ske
        if ske is None:
            return
        if ske.curve is not None and ske.curve not in self.tls12_groups:
            self.tls12_groups.append(ske.curve)
        if ske.dh_p is not None:
            params = dh_params(ske.dh_p)
            self.dh.setdefault(params.prime_sha256, params)
        if ske.signature_scheme is not None and flight.hello.version == TLS12:
            name = signature_hash(ske.signature_scheme)
            if name not in self.kex_hashes:
                self.kex_hashes.append(name)


async def probe_tls(
    ip: str,
    port: int,
    server_name: str | None,
    env: ProbeContext,
    *,
    starttls: StartTls | None = None,
    purpose: Literal["web", "mail"] = "web",
) -> TlsObservation:
    """Learn the TLS configuration of ``ip:port``; never raises for network or protocol trouble.

    ``starttls`` performs the plaintext preamble (SMTP EHLO/STARTTLS) on each fresh connection before the TLS
    bytes; an exception from it ends the probe with ``error = "STARTTLS failed: <reason>"`` (an exception with
    a ``reason`` attribute gives that reason, e.g. ``rate-limited``).
    """
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    budget = env.options.target_timeout
    kind = "smtp" if purpose == "mail" or port == 25 else "tls"
    target = Target(ip, port, server_name, env, starttls, kind, loop.time() + budget)
    state = _State()
    error: str | None = None
    try:
        await asyncio.wait_for(_run(target, state, purpose), budget + 1.0)
    except NonPublicAddressError as exc:
        error = str(exc)
    except ProbeError as exc:
        error = str(exc)
    except w.TlsProtocolError as exc:
        error = f"not a valid TLS answer: {exc}"
    except TimeoutError:
        error = f"no complete TLS answer within {env.options.io_timeout:g}s per connection ({budget:g}s per endpoint)"
    except OSError as exc:  # a reset or unreachable network in the middle of a conversation
        error = f"network error: {exc.strerror or exc}"
    except (ValueError, UnicodeError) as exc:  # e.g. a server name that has no IDNA form
        error = f"cannot probe: {exc}"
    return _observation(target, state, purpose, error, time.monotonic() - started)


async def probe_tls_name(
    base: TlsObservation,
    server_name: str,
    env: ProbeContext,
    *,
    starttls: StartTls | None = None,
) -> TlsObservation:
    """``base``'s parameters for another name on the same endpoint, when one handshake shows they hold.

    Shared hosting puts many names on one ``ip:port``, and servers configure versions, suites, groups and
    renegotiation per listener. So the full plan runs once per endpoint (``base``, probed with another SNI),
    and every other name costs one handshake: the first hello of the plan again (TLS 1.3 when ``base`` saw it,
    else TLS 1.2), with this name. When the server answers it exactly as it answered ``base`` (version, suite,
    and on TLS 1.2 the RFC 5746 / RFC 7627 / compression answers), ``base``'s parameters are this name's, with
    this name's own certificate chain and OCSP staple from that handshake; the reuse is stated in ``notes``.
    Any difference, or a ``base`` that could not be measured, and this name gets the full plan of its own.
    """
    if base.server_name == server_name:
        return base
    if base.error is not None or not ({"TLSv1.3", "TLSv1.2"} & set(base.versions)):
        return await probe_tls(base.ip, base.port, server_name, env, starttls=starttls, purpose=base.purpose)
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    kind = "smtp" if base.purpose == "mail" or base.port == 25 else "tls"
    target = Target(base.ip, base.port, server_name, env, starttls, kind, loop.time() + env.options.target_timeout)
    target.step = "confirm"
    state = _State()
    try:
        same = await asyncio.wait_for(_confirm(target, state, base), env.options.target_timeout + 1.0)
    except (NonPublicAddressError, ProbeError, w.TlsProtocolError, TimeoutError, OSError, ValueError, UnicodeError):
        same = False
    if not same:
        return await probe_tls(base.ip, base.port, server_name, env, starttls=starttls, purpose=base.purpose)
    note = (
        f"versions, suites, groups and renegotiation measured once for {base.endpoint} (SNI {base.server_name}); "
        f"this name's handshake got the same answer, so they are reused: chain and OCSP staple are its own"
    )
    return replace(
        base,
        server_name=server_name,
        chain=state.chain,
        chain_version=VERSIONS.get(state.chain_version) if state.chain_version else None,
        ocsp_stapled=state.ocsp_stapled,
        ocsp_response=state.ocsp,
        connections=target.connections,
        connections_by_step=tuple(target.steps.items()),
        duration=round(time.monotonic() - started, 3),
        notes=(*base.notes, note),
    )


def _leaf_key(chain: tuple[bytes, ...]) -> object | None:
    """The public key of the chain's leaf, or ``None`` without a readable leaf."""
    if not chain:
        return None
    try:
        return x509.load_der_x509_certificate(chain[0]).public_key()
    except ValueError:
        return None


def _key_kind(chain: tuple[bytes, ...]) -> str | None:
    """The leaf's key type (``rsa``, ``ec:secp256r1``, ``ed25519`` …), or ``None`` without a readable leaf."""
    key = _leaf_key(chain)
    if key is None:
        return None
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"ec:{key.curve.name}"
    return type(key).__name__.lower().removeprefix("_")


async def _confirm(target: Target, state: _State, base: TlsObservation) -> bool:
    """One handshake as the first of ``base``'s plan; ``True`` when the server answers it as it did then."""
    if "TLSv1.3" in base.versions:
        expected = base.suites_for("TLSv1.3")
        try:
            first = await hello13(target, TLS13_SUITES, FIRST_GROUPS, (24,), ALL_SIGNATURE_SCHEMES, decrypt=True)
        except Refused:
            return False
        if first.hello.version != TLS13 or expected is None or not expected.suites:
            return False
        if first.hello.cipher_suite != SUITES_BY_NAME[expected.suites[0]].code or not first.certificates:
            return False
        state.chain = tuple(c.der for c in first.certificates)
        state.chain_version = TLS13
        state.ocsp = first.certificates[0].ocsp_response
        state.ocsp_stapled = state.ocsp is not None
        # TLS 1.3 suites do not depend on the certificate, the TLS 1.2 ones do (ECDHE-RSA vs ECDHE-ECDSA).
        return _key_kind(state.chain) == _key_kind(base.chain)
    expected = base.suites_for("TLSv1.2")
    flight = await _try12(target, _spec12(target, TLS12, tuple(suites_for_version(TLS12))))
    if flight is None or flight.hello.version != TLS12 or expected is None or not expected.suites:
        return False
    if flight.hello.cipher_suite != SUITES_BY_NAME[expected.suites[0]].code or not flight.certificates:
        return False
    _first_flight_facts(state, flight)
    return (state.secure_reneg, state.ems, state.compression) == (
        base.secure_renegotiation,
        base.extended_master_secret,
        base.compression,
    )


def _observation(
    target: Target, state: _State, purpose: Literal["web", "mail"], error: str | None, duration: float
) -> TlsObservation:
    order = (TLS13, TLS12, TLS11, TLS10, SSL3)
    suites = tuple(
        VersionSuites(
            VERSIONS[v],
            tuple(SUITES[c].name for c in state.suites.get(v, [])),
            state.preference.get(v),
        )
        for v in order
        if state.versions.get(v)
    )
    return TlsObservation(
        ip=target.ip,
        port=target.port,
        server_name=target.server_name,
        purpose=purpose,
        error=error,
        versions=tuple(VERSIONS[v] for v in order if state.versions.get(v)),
        versions_refused=tuple(VERSIONS[v] for v in order if state.versions.get(v) is False),
        suites=suites,
        groups=tuple(group_name(g) for g in state.groups),
        groups_source=state.groups_source,
        tls12_groups=tuple(group_name(g) for g in state.tls12_groups),
        dh_params=tuple(state.dh.values()),
        kex_sha1_accepted=state.kex_sha1,
        kex_sha224_accepted=state.kex_sha224,
        kex_hashes_used=tuple(state.kex_hashes),
        compression=state.compression,
        secure_renegotiation=state.secure_reneg,
        extended_master_secret=state.ems,
        client_renegotiation=state.client_reneg,
        early_data=state.early_data,
        early_data_max=state.early_data_max,
        ocsp_stapled=state.ocsp_stapled,
        ocsp_response=state.ocsp,
        chain=state.chain,
        chain_version=VERSIONS.get(state.chain_version) if state.chain_version else None,
        connections=target.connections,
        connections_by_step=tuple(target.steps.items()),
        duration=round(duration, 3),
        notes=tuple(state.notes),
    )


async def _run(target: Target, state: _State, purpose: str) -> None:
    target.step = "tls13"
    await _tls13(target, state, purpose)
    target.step = "tls12"
    await _tls12_and_older(target, state)
    if not any(state.versions.values()):
        raise ProbeError("the server refused every ClientHello (TLS 1.3, 1.2, 1.1 and older)")
    target.step = "groups"
    if state.versions.get(TLS12):
        await _tls12_groups(target, state)
    target.step = "kex_hash"
    if state.versions.get(TLS12):
        await _kex_hashes(target, state)
    target.step = "renegotiation"
    await _renegotiation(target, state)


async def _renegotiation(target: Target, state: _State) -> None:
    if not any(state.versions.get(v) for v in (TLS12, TLS11, TLS10, SSL3)):
        return  # TLS 1.3 has no renegotiation
    suite = renegotiation_suite(state.suites.get(TLS12, []))
    if suite is None:
        state.note(
            "client-initiated renegotiation not measured: it needs a TLS 1.2 ECDHE suite with AES-GCM or "
            "ChaCha20-Poly1305, which the server does not accept"
        )
        return
    try:
        state.client_reneg = await client_renegotiation(target, suite, target.server_name, cert_curve(state.chain))
    except Refused as refusal:
        state.note(f"client-initiated renegotiation not measured: the handshake failed ({refusal.how})")


# --- TLS 1.3 -------------------------------------------------------------------------------------------------


async def _tls13(target: Target, state: _State, purpose: str) -> None:
    sigs = ALL_SIGNATURE_SCHEMES
    try:
        first = await hello13(target, TLS13_SUITES, FIRST_GROUPS, (24,), sigs, decrypt=True, finish=purpose == "web")
    except Refused as refusal:
        state.versions[TLS13] = False
        state.note(f"TLS 1.3 refused ({refusal.how})")
        return
    if first.hello.version != TLS13:
        state.versions[TLS13] = False
        state.note("TLS 1.3 refused (server answered a TLS 1.3-only hello with an older version)")
        return
    state.versions[TLS13] = True
    found_suites = [first.hello.cipher_suite]
    chosen_group = first.hello.key_share_group if not first.hello.retry else first.hrr_group
    ee = first.encrypted_extensions
    if ee is not None and w.EXT_SUPPORTED_GROUPS in ee:
        # The server's own list, in its order (RFC 8446 4.2.7).
        for g in w.parse_group_list(ee[w.EXT_SUPPORTED_GROUPS]):
            state.add_group(g)
        state.groups_source = "encrypted_extensions"
    if chosen_group is not None:
        state.add_group(chosen_group)
    if first.certificates:
        state.chain = tuple(c.der for c in first.certificates)
        state.chain_version = TLS13
        state.ocsp = first.certificates[0].ocsp_response
        state.ocsp_stapled = state.ocsp is not None
    elif first.hello.retry:
        state.note("TLS 1.3 chain not read: the server asked for a group we cannot compute")
    if purpose == "web":
        target.step = "early_data"
        await _early_data(target, state, first)
        target.step = "tls13"
    await _enumerate13(target, state, found_suites)
    state.suites[TLS13] = found_suites
    # TLS 1.3 suite order is not judged by either NCSC profile (no phase-out TLS 1.3 suite), so we do not
    # spend a connection on it.
    state.preference[TLS13] = None


async def _enumerate13(target: Target, state: _State, found: list[int]) -> None:
    """Iterative removal of TLS 1.3 suites, enumerating groups in the same hellos when still unknown."""
    groups_known = state.groups_source != ""
    rem_suites = [s for s in TLS13_SUITES if s not in found]
    rem_groups = [g for g in TLS13_GROUPS if g not in state.groups]
    suites_done = not rem_suites
    groups_done = groups_known or not rem_groups
    suites_alone = False
    while not (suites_done and groups_done):
        offer_s = tuple(rem_suites) if not suites_done else (found[0],)
        known = tuple(state.groups) or TLS13_GROUPS
        offer_g = known if groups_done or suites_alone else tuple(rem_groups)
        try:
            # Empty key_share: the server must answer with a HelloRetryRequest naming its suite and group.
            # While the groups are unknown we follow that HRR and decrypt: the group it names is never the
            # server's first choice (that one was found by the first handshake and is not offered), so an
            # OpenSSL-based server lists all its groups in EncryptedExtensions (RFC 8446 4.2.7).
            flight: Flight13 = await hello13(
                target, offer_s, offer_g, (), ALL_SIGNATURE_SCHEMES, decrypt=not groups_done
            )
        except Refused:
            if suites_alone:
                suites_done, suites_alone = True, False
            elif suites_done:
                groups_done = True
            elif groups_done:
                suites_done = True
            else:
                suites_alone = True  # ambiguous: retry the suites with groups we know work
            continue
        if flight.hello.version != TLS13:
            state.note("server answered a TLS 1.3-only hello with an older version during enumeration")
            return
        suite = flight.hello.cipher_suite
        group = flight.hrr_group if flight.hello.retry else flight.hello.key_share_group
        if suites_alone:
            # The joint offer was refused although the suites alone are fine: in TLS 1.3 any accepted suite
            # works with any accepted group, so none of the remaining groups is accepted.
            groups_done = True
        if suite in rem_suites:
            rem_suites.remove(suite)
            found.append(suite)
        if group is not None:
            if group in rem_groups:
                rem_groups.remove(group)
            state.add_group(group)
        ee = flight.encrypted_extensions
        if not groups_done and ee is not None and w.EXT_SUPPORTED_GROUPS in ee:
            for g in w.parse_group_list(ee[w.EXT_SUPPORTED_GROUPS]):
                state.add_group(g)
            state.groups_source = "encrypted_extensions"
            groups_known = groups_done = True
        suites_alone = False
        suites_done = suites_done or not rem_suites
        groups_done = groups_done or not rem_groups
    if not groups_known and state.groups:
        state.groups_source = "enumerated"


async def _early_data(target: Target, state: _State, first: Flight13) -> None:
    if first.client_auth_requested:
        state.note("0-RTT not tested: the server requests a client certificate")
        return
    if first.resumption_master is None:
        state.note("0-RTT not tested: the TLS 1.3 handshake could not be completed")
        return
    if not first.tickets:
        # RFC 8446 4.2.10: a client may only send early data with a ticket that allows it; no ticket, no 0-RTT.
        state.early_data = False
        state.note("no TLS 1.3 session ticket issued, so no early data is possible")
        return
    ticket = max(first.tickets, key=lambda t: t.max_early_data)
    state.early_data_max = ticket.max_early_data
    if ticket.max_early_data == 0:
        state.early_data = False
        return
    suite = first.hello.cipher_suite
    psk = resumption_psk(suite, first.resumption_master, ticket.nonce)
    age = (ticket.age_add + 1000) % (1 << 32)
    try:
        again = await hello13(
            target,
            (suite,),
            tuple(state.groups) or TLS13_GROUPS,
            (first.hello.key_share_group or 29,),
            ALL_SIGNATURE_SCHEMES,
            decrypt=True,
            psk=(ticket.ticket, age, suite, psk),
        )
    except Refused as refusal:
        state.note(f"0-RTT resumption hello refused ({refusal.how}); the ticket advertised early data")
        state.early_data = None
        return
    state.early_data = bool(again.early_data_accepted)


# --- TLS 1.2 and older ---------------------------------------------------------------------------------------


def _spec12(
    target: Target,
    version: int,
    suites: tuple[int, ...],
    *,
    groups: tuple[int, ...] = TLS12_GROUPS,
    sigs: tuple[int, ...] = ALL_SIGNATURE_SCHEMES,
) -> w.HelloSpec:
    import os

    return w.HelloSpec(
        version=version,
        suites=suites,
        server_name=target.server_name,
        groups=groups,
        key_shares=None,
        signature_algorithms=sigs if version >= TLS12 else (),
        compression=(1, 0),  # offer DEFLATE: a server that picks it has TLS compression on (CRIME)
        status_request=True,
        extended_master_secret=True,
        renegotiation_info=True,
        random=os.urandom(32),
    )


async def _try12(target: Target, spec: w.HelloSpec) -> Flight12 | None:
    try:
        return await hello12(target, spec)
    except Refused:
        return None


async def _tls12_and_older(target: Target, state: _State) -> None:
    all12 = tuple(suites_for_version(TLS12))
    first = await _try12(target, _spec12(target, TLS12, all12))
    lower: Flight12 | None = None
    if first is None:
        state.versions[TLS12] = False
    elif first.hello.version == TLS12:
        state.versions[TLS12] = True
        _first_flight_facts(state, first)
        await _enumerate12(target, state, TLS12, first, first_offer=all12, offered=all12)
    else:
        state.versions[TLS12] = False
        lower = first
    # Versions below 1.2: one hello with client_version 1.1 answers for 1.1, 1.0 and SSL 3 together.
    target.step = "older"
    ceiling = TLS11
    while ceiling >= SSL3:
        offer = tuple(suites_for_version(ceiling))
        check = _legacy_check(state, ceiling)
        if lower is not None and lower.hello.version <= ceiling:
            flight: Flight12 | None = lower
            lower = None
            check = None
            first_offer = all12
        else:
            if check is not None:
                # The TLS 1.2 suites valid here in the order that tests the server's preference, next to every
                # other suite of this version, so that a server picking one of those is caught. A server that
                # follows the client gets the others first: it picks one of them if it accepts any.
                others = tuple(c for c in offer if c not in check)
                offer = (*others, *check) if state.preference.get(TLS12) is False else (*check, *others)
            flight = await _try12(target, _spec12(target, ceiling, offer))
            first_offer = offer
        if flight is None:
            for v in (TLS11, TLS10, SSL3):
                if v <= ceiling:
                    state.versions.setdefault(v, False)
            return
        got = flight.hello.version
        if got > ceiling or got not in VERSIONS:
            raise w.TlsProtocolError(f"server answered a version 0x{ceiling:04x} hello with 0x{got:04x}")
        for v in (TLS11, TLS10, SSL3):
            if got < v <= ceiling:
                state.versions[v] = False
        state.versions[got] = True
        if not state.versions.get(TLS12):
            _first_flight_facts(state, flight)
        if not (check is not None and _infer_from_tls12(state, got, flight, check)):
            await _enumerate12(
                target, state, got, flight, first_offer=first_offer, offered=tuple(suites_for_version(got))
            )
        ceiling = got - 1


def _legacy_check(state: _State, version: int) -> tuple[int, ...] | None:
    """The TLS 1.2-accepted suites valid in ``version``, ordered so that one pick tests the 1.2 results.

    Servers apply one cipher list to every version, keeping the suites that version defines (OpenSSL, and so
    nginx, Apache, Postfix), so the suites of TLS 1.1/1.0/SSL 3 are expected to be exactly the
    TLS 1.2 suites valid there, in the same order. The offer lists them reversed when the server enforces
    its order (it must still pick its TLS 1.2 favourite) and reversed too when it follows ours (it must pick
    our first). ``None``: nothing to infer from (TLS 1.2 refused, no such suite, or an unclear order).
    """
    if not state.versions.get(TLS12):
        return None
    accepted = [c for c in state.suites.get(TLS12, []) if SUITES[c].valid_for(version)]
    preference = state.preference.get(TLS12)
    if not accepted or (len(accepted) > 1 and preference is None):
        return None
    return tuple(reversed(accepted))


def _infer_from_tls12(state: _State, version: int, flight: Flight12, offered: tuple[int, ...]) -> bool:
    """Take the suites of ``version`` from TLS 1.2 when the server's pick is exactly the predicted one.

    ``offered`` is the reversed TLS 1.2 order (``_legacy_check``). A server enforcing its order picks its
    TLS 1.2 favourite among the suites ``version`` defines; one following the client picks our first. Any
    other pick (a suite TLS 1.2 did not accept, another one of them) means the lists differ per version:
    the caller then enumerates this version in full.
    """
    valid = [c for c in offered if SUITES[c].valid_for(version)]
    if not valid:
        return False
    preference = state.preference.get(TLS12)
    expected = valid[-1] if preference is not False else valid[0]
    if flight.hello.cipher_suite != expected or flight.hello.version != version:
        return False
    state.learn12(flight)
    state.suites[version] = list(reversed(valid))
    state.preference[version] = preference if len(valid) > 1 else None
    state.note(
        f"{VERSIONS[version]}: suites taken from TLS 1.2 (the same list, limited to the suites "
        f"{VERSIONS[version]} defines); the server picked the predicted {SUITES[expected].name}"
    )
    return True


def _first_flight_facts(state: _State, flight: Flight12) -> None:
    """Extension answers of the first TLS ≤ 1.2 ServerHello (they do not depend on the suite)."""
    ext = flight.hello.extensions
    state.secure_reneg = w.EXT_RENEGOTIATION_INFO in ext  # RFC 5746 3.6
    state.ems = w.EXT_EXTENDED_MASTER_SECRET in ext  # RFC 7627 5.1
    state.compression = flight.hello.compression != 0  # RFC 5246 7.4.1.3
    if not state.chain and flight.certificates:
        state.chain = tuple(c.der for c in flight.certificates)
        state.chain_version = flight.hello.version
    if state.ocsp_stapled is None and flight.certificates:
        state.ocsp = flight.ocsp
        state.ocsp_stapled = flight.ocsp is not None


async def _enumerate12(
    target: Target,
    state: _State,
    version: int,
    first: Flight12,
    *,
    first_offer: tuple[int, ...],
    offered: tuple[int, ...],
) -> None:
    """Iterative removal: offer the rest, note the chosen suite, remove it, repeat (N suites: N + 1).

    The rest is offered in alternating order (as listed, then reversed, ...). A server that follows the
    client picks, in every hello, the first accepted suite of our list; once a pick shows otherwise, the
    server enforces its own order, and ``found`` is that order. Only when every pick matched the client's
    order (a client-order server, or a server order that happens to agree) does one more hello decide:
    the accepted suites reversed (``_server_order``).
    """
    found: list[int] = []
    offers: list[tuple[int, ...]] = [first_offer]
    remaining = list(offered)
    flight: Flight12 | None = first
    while flight is not None:
        suite = flight.hello.cipher_suite
        if flight.hello.version != version:
            state.note(f"{VERSIONS[version]}: server switched to {VERSIONS.get(flight.hello.version)}")
            break
        if suite not in remaining:
            raise w.TlsProtocolError(f"server chose suite 0x{suite:04x} that was not offered")
        found.append(suite)
        remaining.remove(suite)
        state.learn12(flight)
        if not remaining:
            break
        offer = tuple(remaining) if len(found) % 2 == 0 else tuple(reversed(remaining))
        offers.append(offer)
        flight = await _try12(target, _spec12(target, version, offer))
    state.suites[version] = found
    state.preference[version] = None
    if len(found) >= 2:
        accepted = set(found)
        client_order = all(
            next((c for c in offer if c in accepted), None) == suite
            for offer, suite in zip(offers, found, strict=False)
        )
        if not client_order:
            # A pick that was not the first accepted suite of our list: the server chose by its own order.
            state.preference[version] = True
        else:
            await _server_order(target, state, version, found)
        if state.preference[version] is False:
            state.note(f"{VERSIONS[version]}: the server follows the client's suite order")


async def _server_order(target: Target, state: _State, version: int, found: list[int]) -> None:
    """Offer the accepted suites reversed; a server that follows its own order still picks ``found[0]``."""
    again = await _try12(target, _spec12(target, version, tuple(reversed(found))))
    if again is None:
        return
    state.learn12(again)
    if again.hello.cipher_suite == found[0]:
        state.preference[version] = True
    elif again.hello.cipher_suite == found[-1]:
        state.preference[version] = False
    else:
        state.note(f"{VERSIONS[version]}: suite order neither client's nor consistent")


_CURVE_CODES = {
    "secp256r1": 23,
    "secp384r1": 24,
    "secp521r1": 25,
    "brainpoolP256r1": 26,
    "brainpoolP384r1": 27,
    "brainpoolP512r1": 28,
}


def cert_curve(chain: tuple[bytes, ...]) -> int | None:
    """The named-group code of the leaf's EC key (an ECDSA handshake needs it in supported_groups)."""
    key = _leaf_key(chain)
    if isinstance(key, ec.EllipticCurvePublicKey):
        return _CURVE_CODES.get(key.curve.name)
    return None


async def _tls12_groups(target: Target, state: _State) -> None:
    """TLS 1.2 curves by iterative removal over the accepted ECDHE suites.

    Without TLS 1.3 every curve is enumerated. With TLS 1.3 the groups are known already, except curves that
    exist only in TLS 1.2 (secp224r1, secp256k1, brainpool r1, binary curves): one hello offering only those
    finds them (RFC 8446 4.2.7 excludes them from TLS 1.3, so EncryptedExtensions never lists them). An
    ECDSA certificate's curve is always offered last, or the server could not use its certificate.
    """
    ecdhe = tuple(c for c in state.suites.get(TLS12, []) if SUITES[c].kex == "ECDHE")
    for g in state.tls12_groups:
        state.add_group(g)
    full = not state.versions.get(TLS13)
    if not ecdhe:
        if full:
            state.groups_source = "tls12"
        return
    ecdsa = any(SUITES[c].auth == "ECDSA" for c in ecdhe)
    needed = cert_curve(state.chain) if ecdsa else None
    remaining = [g for g in TLS12_GROUPS if g not in state.groups and (full or g not in TLS13_GROUPS)]
    while remaining:
        offer = tuple(remaining)
        if needed is not None and needed not in remaining:
            offer = (*offer, needed)
        flight = await _try12(target, _spec12(target, TLS12, ecdhe, groups=offer))
        if flight is None or flight.ske is None or flight.ske.curve is None:
            break
        curve = flight.ske.curve
        state.learn12(flight)
        state.add_group(curve)
        if curve not in remaining:
            break  # the certificate's curve again: nothing new to learn
        remaining.remove(curve)
    if full:
        state.groups_source = "enumerated"


async def _kex_hashes(target: Target, state: _State) -> None:
    """TLS 1.2 ServerKeyExchange signature hashes: does the server sign with SHA-1 / SHA-224 only?"""
    dhe = tuple(c for c in state.suites.get(TLS12, []) if SUITES[c].kex in ("ECDHE", "DHE"))
    if not dhe:
        state.note("key-exchange hash not tested: no TLS 1.2 (EC)DHE suite accepted")
        return
    for schemes, attr in ((SHA1_ONLY_SCHEMES, "kex_sha1"), (SHA224_ONLY_SCHEMES, "kex_sha224")):
        flight = await _try12(target, _spec12(target, TLS12, dhe, sigs=schemes))
        wanted = "SHA1" if attr == "kex_sha1" else "SHA224"
        accepted = False
        if flight is not None and flight.ske is not None:
            scheme = flight.ske.signature_scheme
            # A signature with another hash than offered is a protocol violation, not a weak signature.
            accepted = scheme is None or signature_hash(scheme) == wanted
            if scheme is not None:
                name = signature_hash(scheme)
                if name not in state.kex_hashes:
                    state.kex_hashes.append(name)
        setattr(state, attr, accepted)
