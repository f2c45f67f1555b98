"""One TCP connection, one ClientHello: connect (guarded, limited, counted), send, read the server's flight.

Every connection goes through ``env.guard.check(ip)``, ``env.global_limit`` and ``env.ip_limit(ip, kind)``
and is counted (``env.count("tls_connections")``). Every read is bounded in bytes and in time: the whole
exchange on one connection must finish within ``io_timeout`` (a server dripping one byte per second ends in
a timeout, not a hang) and within the probe's overall deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from domeinwacht.net.context import ProbeContext
from domeinwacht.net.tls import _wire as w
from domeinwacht.net.tls._crypto import (
    KEY_SHARE_GROUPS,
    TLS13_SUITE_PARAMS,
    KeySchedule,
    KeyShare,
    RecordKey,
    Transcript,
    make_key,
)
from domeinwacht.tls_registry import ALERTS, SSL3, SUITES, TLS13

StartTls = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]

MAX_BYTES_PER_CONNECTION = 512 * 1024


class ProbeError(Exception):
    """The endpoint could not be measured (network trouble, garbage, time budget, STARTTLS failed)."""


class Refused(Exception):
    """The server refused the ClientHello (an alert, or it closed the connection)."""

    def __init__(self, how: str) -> None:
        super().__init__(how)
        self.how = how


@dataclass
class Target:
    """What is probed and the budget left; shared by every connection of one probe."""

    ip: str
    port: int
    server_name: str | None
    env: ProbeContext
    starttls: StartTls | None = None
    kind: str = "any"
    deadline: float = 0.0  # loop.time() when the whole probe must end
    connections: int = 0
    step: str = "tls13"
    steps: dict[str, int] = field(default_factory=dict)

    def remaining(self) -> float:
        return self.deadline - asyncio.get_running_loop().time()


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, end: float) -> None:
        self.reader = reader
        self.writer = writer
        self.end = end
        self._buf = bytearray()
        self._pos = 0
        self._received = 0

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        left = self._left()
        await asyncio.wait_for(self.writer.drain(), left)

    def _left(self) -> float:
        left = self.end - asyncio.get_running_loop().time()
        if left <= 0:
            raise TimeoutError
        return left

    async def read_record(self) -> w.Record | None:
        """The next record, or ``None`` when the server closed the connection.

        One record at a time from an offset into the buffer (no re-parsing or copying of what follows), so
        a flood of tiny records costs linear time; the byte cap bounds the total.
        """
        while True:
            available = len(self._buf) - self._pos
            if available >= 5:
                content_type, version, length = w.parse_record_header(bytes(self._buf[self._pos : self._pos + 5]))
                if available >= 5 + length:
                    start = self._pos + 5
                    self._pos = start + length
                    return w.Record(content_type, version, bytes(self._buf[start : self._pos]))
            if self._pos:
                del self._buf[: self._pos]
                self._pos = 0
            left = self._left()  # before creating the read coroutine: raising here must not leak it
            try:
                data = await asyncio.wait_for(self.reader.read(65536), left)
            except (ConnectionResetError, BrokenPipeError):
                data = b""
            if not data:
                return None  # closed (a partial record left over is a refusal, not a measurement)
            self._received += len(data)
            if self._received > MAX_BYTES_PER_CONNECTION:
                raise w.TlsProtocolError("server sent more than 512 KB before the handshake ended")
            self._buf += data


@contextlib.asynccontextmanager
async def connect(target: Target) -> AsyncIterator[Connection]:
    env = target.env
    env.guard.check(target.ip)
    options = env.options
    async with env.ip_limit(target.ip, target.kind), env.global_limit:  # a busy address holds no global slot
        if target.remaining() <= 0:
            raise ProbeError("time budget for this endpoint exhausted")
        target.connections += 1
        target.steps[target.step] = target.steps.get(target.step, 0) + 1
        env.count("tls_connections")
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(target.ip, target.port, limit=65536),
                min(options.connect_timeout, target.remaining()),
            )
        except TimeoutError as exc:
            raise ProbeError(f"TCP connect to port {target.port} timed out") from exc
        except OSError as exc:
            raise ProbeError(f"TCP connect to port {target.port} failed: {exc.strerror or exc}") from exc
        try:
            end = asyncio.get_running_loop().time() + min(options.io_timeout, target.remaining())
            if target.starttls is not None:
                try:
                    await asyncio.wait_for(
                        target.starttls(reader, writer), max(0.001, end - asyncio.get_running_loop().time())
                    )
                except TimeoutError as exc:
                    raise ProbeError("STARTTLS preamble timed out") from exc
                except ProbeError:
                    raise
                except Exception as exc:  # the caller's preamble: its own error types
                    if "RateLimited" in type(exc).__name__:
                        # CHECKS.md: a server that rate-limits us is "error: rate-limited", never fail.
                        raise ProbeError(f"rate-limited: {exc}") from exc
                    reason = getattr(exc, "reason", None) or f"{type(exc).__name__}: {exc}"
                    raise ProbeError(f"STARTTLS failed: {reason}") from exc
            yield Connection(reader, writer, end)
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 1.0)


def ignorable_warning(payload: bytes) -> bool:
    """A warning-level alert other than close_notify before the ServerHello(Done): carry on reading.

    Servers whose SNI callback does not know the name send a warning ``unrecognized_name`` and go on with the
    handshake (RFC 6066 3 allows it; OpenSSL ``s_server -servername``, Apache with name-based hosts do it).
    Taking it for a refusal would report a working server as refusing every version.
    """
    if len(payload) < 2:
        return False
    level, description = w.parse_alert(payload)
    return level == 1 and description != 0


def alert_name(payload: bytes) -> str:
    _level, description = w.parse_alert(payload)
    return f"alert {ALERTS.get(description, str(description))}"


@dataclass
class Flight12:
    """A TLS ≤ 1.2 server flight up to ServerHelloDone."""

    hello: w.ServerHello
    certificates: list[w.CertificateEntry] = field(default_factory=list)
    ocsp: bytes | None = None
    ske: w.ServerKeyExchange | None = None


async def hello12(target: Target, spec: w.HelloSpec) -> Flight12:
    """Send a TLS ≤ 1.2 ClientHello; read up to ServerHelloDone. ``Refused`` when the server says no."""
    record_version = SSL3 if spec.version == SSL3 else 0x0301
    message = w.build_client_hello(spec)
    async with connect(target) as conn:
        await _send_or_refused(conn, w.record(w.HANDSHAKE, message, record_version))
        buf = w.HandshakeBuffer()
        flight: Flight12 | None = None
        while True:
            rec = await _read(conn)
            if rec.content_type == w.ALERT:
                if ignorable_warning(rec.payload):
                    continue
                raise Refused(alert_name(rec.payload))
            if rec.content_type != w.HANDSHAKE:
                raise w.TlsProtocolError(f"unexpected record type {rec.content_type} before ServerHelloDone")
            for msg_type, msg in buf.feed(rec.payload):
                if flight is None:
                    if msg_type != w.HT_SERVER_HELLO:
                        raise w.TlsProtocolError(f"expected ServerHello, got handshake type {msg_type}")
                    hello = w.parse_server_hello(msg)
                    if hello.version >= TLS13 or hello.retry:
                        # We did not offer TLS 1.3 here: RFC 8446 4.1.3 forbids this answer.
                        raise w.TlsProtocolError("server answered a TLS ≤ 1.2 hello with TLS 1.3")
                    flight = Flight12(hello)
                    continue
                if msg_type == w.HT_CERTIFICATE:
                    flight.certificates = w.parse_certificate(msg, tls13=False)
                elif msg_type == w.HT_CERTIFICATE_STATUS:
                    flight.ocsp = w.parse_certificate_status(msg)
                elif msg_type == w.HT_SERVER_KEY_EXCHANGE:
                    suite = SUITES.get(flight.hello.cipher_suite)
                    kind = "ECDHE" if suite and suite.kex.startswith("ECDHE") else "DHE"
                    if suite and suite.kex in ("ECDHE", "DHE"):
                        flight.ske = w.parse_server_key_exchange(msg, kind=kind, version=flight.hello.version)
                elif msg_type == w.HT_SERVER_HELLO_DONE:
                    return flight
                elif msg_type == w.HT_CERTIFICATE_REQUEST:
                    continue
                else:
                    raise w.TlsProtocolError(f"unexpected handshake message {msg_type}")


async def _send_or_refused(conn: Connection, data: bytes) -> None:
    try:
        await conn.send(data)
    except (ConnectionResetError, BrokenPipeError) as exc:
        raise Refused("connection reset") from exc


async def _read(conn: Connection) -> w.Record:
    rec = await conn.read_record()
    if rec is None:
        raise Refused("connection closed")
    return rec


@dataclass
class Flight13:
    """What a TLS 1.3 ClientHello taught us.

    ``hello`` is the final ServerHello (or the HRR when we could not or did not continue); ``hrr_group`` is the
    group an HRR asked for. With decryption, ``encrypted_extensions``, ``certificates`` and (after our
    Finished) ``tickets`` are filled in.
    """

    hello: w.ServerHello
    hrr_group: int | None = None
    hrr_suite: int | None = None
    encrypted_extensions: dict[int, bytes] | None = None
    certificates: list[w.CertificateEntry] = field(default_factory=list)
    tickets: list[w.NewSessionTicket] = field(default_factory=list)
    resumption_master: bytes | None = None
    early_data_accepted: bool | None = None
    client_auth_requested: bool = False


def tls13_spec(
    target: Target,
    suites: tuple[int, ...],
    groups: tuple[int, ...],
    shares: tuple[KeyShare, ...],
    sig_algs: tuple[int, ...],
    *,
    psk: tuple[bytes, int, int] | None = None,
    early_data: bool = False,
) -> w.HelloSpec:
    binder_length = 32
    if psk is not None:
        binder_length = 48 if TLS13_SUITE_PARAMS[psk[2]][0] == "sha384" else 32
    return w.HelloSpec(
        version=0x0303,
        suites=suites,
        server_name=target.server_name,
        groups=groups,
        key_shares=tuple((s.group, s.public) for s in shares),
        supported_versions=(TLS13,),
        signature_algorithms=sig_algs,
        compression=(0,),
        status_request=True,
        extended_master_secret=False,
        renegotiation_info=False,
        session_id=os.urandom(32),
        random=os.urandom(32),
        psk_modes=(1,),  # psk_dhe_ke: needed for the server to issue tickets at all
        early_data=early_data,
        psk_identity=(psk[0], psk[1]) if psk is not None else None,
        psk_binder_length=binder_length,
    )


async def hello13(
    target: Target,
    suites: tuple[int, ...],
    groups: tuple[int, ...],
    share_groups: tuple[int, ...],
    sig_algs: tuple[int, ...],
    *,
    decrypt: bool = False,
    finish: bool = False,
    psk: tuple[bytes, int, int, bytes] | None = None,
) -> Flight13:
    """Send a TLS 1.3 ClientHello; follow an HRR when ``decrypt``; decrypt the server flight when asked.

    ``psk`` = (ticket, obfuscated age, suite, psk secret): offer resumption with early data (the 0-RTT
    test); the flight then tells whether EncryptedExtensions accepted early data. We never send any
    early data itself.
    """
    shares = tuple(KeyShare(g) for g in share_groups)
    psk_info = (psk[0], psk[1], psk[2]) if psk else None
    spec = tls13_spec(target, suites, groups, shares, sig_algs, psk=psk_info, early_data=psk is not None)
    message = w.build_client_hello(spec)
    schedule_psk = psk[3] if psk else None
    if psk is not None:
        message = _with_binder(message, spec, psk[2], psk[3], None)
    async with connect(target) as conn:
        await _send_or_refused(conn, w.record(w.HANDSHAKE, message))
        buf = w.HandshakeBuffer()
        hello: w.ServerHello | None = None
        hrr_group: int | None = None
        hrr_suite: int | None = None
        first_hello = message
        while hello is None:
            rec = await _read(conn)
            if rec.content_type == w.ALERT:
                if ignorable_warning(rec.payload):
                    continue
                raise Refused(alert_name(rec.payload))
            if rec.content_type == w.CHANGE_CIPHER_SPEC:
                continue
            if rec.content_type != w.HANDSHAKE:
                raise w.TlsProtocolError(f"unexpected record type {rec.content_type} before ServerHello")
            msgs = buf.feed(rec.payload)
            if not msgs:
                continue
            msg_type, msg = msgs[0]
            if msg_type != w.HT_SERVER_HELLO:
                raise w.TlsProtocolError(f"expected ServerHello, got handshake type {msg_type}")
            sh = w.parse_server_hello(msg)
            if sh.version != TLS13:
                if sh.retry:
                    raise w.TlsProtocolError("HelloRetryRequest without TLS 1.3")
                return Flight13(sh)  # TLS ≤ 1.2 answer to a 1.3-only hello: the caller judges it
            if sh.cipher_suite not in suites:
                raise w.TlsProtocolError(f"server chose suite 0x{sh.cipher_suite:04x} we did not offer")
            if not sh.retry:
                hello = sh
                break
            if hrr_group is not None:
                raise w.TlsProtocolError("second HelloRetryRequest")
            hrr_group, hrr_suite = sh.key_share_group, sh.cipher_suite
            if hrr_group is not None and hrr_group not in groups:
                raise w.TlsProtocolError(f"HRR asks for group {hrr_group} we did not offer")
            if not decrypt or hrr_group not in KEY_SHARE_GROUPS:
                return Flight13(sh, hrr_group, hrr_suite)
            # RFC 8446 4.1.4: second ClientHello with the requested key share, same everything else.
            shares = (KeyShare(hrr_group),)
            spec2 = w.HelloSpec(
                **{
                    **{f: getattr(spec, f) for f in spec.__dataclass_fields__},
                    "key_shares": ((hrr_group, shares[0].public),),
                    "early_data": False,
                }
            )
            second = w.build_client_hello(spec2)
            transcript = Transcript(TLS13_SUITE_PARAMS[sh.cipher_suite][0])
            transcript.restart_after_hrr(first_hello)
            transcript.add(msg)
            if psk is not None:
                second = _with_binder(second, spec2, psk[2], psk[3], transcript)
            # RFC 8446 5.1: every record but the initial ClientHello carries legacy_record_version 0x0303.
            await conn.send(w.record(w.CHANGE_CIPHER_SPEC, b"\x01", 0x0303) + w.record(w.HANDSHAKE, second, 0x0303))
            first_hello = b""
            pre = transcript
            buf = w.HandshakeBuffer()
            while True:
                rec = await _read(conn)
                if rec.content_type == w.ALERT:
                    raise Refused(alert_name(rec.payload))
                if rec.content_type == w.CHANGE_CIPHER_SPEC:
                    continue
                if rec.content_type != w.HANDSHAKE:
                    raise w.TlsProtocolError("unexpected record after HelloRetryRequest")
                msgs2 = buf.feed(rec.payload)
                if msgs2:
                    msg_type, msg = msgs2[0]
                    if msg_type != w.HT_SERVER_HELLO:
                        raise w.TlsProtocolError("expected ServerHello after HelloRetryRequest")
                    hello = w.parse_server_hello(msg)
                    if hello.retry or hello.version != TLS13:
                        raise w.TlsProtocolError("invalid ServerHello after HelloRetryRequest")
                    pre.add(second)
                    break
            break
        assert hello is not None
        flight = Flight13(hello, hrr_group, hrr_suite)
        if not decrypt:
            return flight
        if hello.cipher_suite not in TLS13_SUITE_PARAMS:
            raise w.TlsProtocolError("server chose a suite that is not a TLS 1.3 suite")
        share = next((s for s in shares if s.group == hello.key_share_group), None)
        if share is None or not hello.key_share:
            raise w.TlsProtocolError("ServerHello key share for a group we sent no share for")
        if hrr_group is None:
            transcript = Transcript(TLS13_SUITE_PARAMS[hello.cipher_suite][0])
            transcript.add(message)
        else:
            transcript = pre
        transcript.add(msg)
        psk_accepted = w.EXT_PRE_SHARED_KEY in hello.extensions
        schedule = KeySchedule(hello.cipher_suite, schedule_psk if psk_accepted else None)
        c_hs, s_hs = schedule.handshake(share.shared_secret(hello.key_share), transcript.digest())
        server_key = make_key(hello.cipher_suite, s_hs)
        await _read_encrypted_flight(conn, server_key, transcript, flight, psk_accepted)
        if not finish:
            return flight
        server_finished_hash = transcript.digest()
        _c_ap, s_ap = schedule.application(server_finished_hash)
        client_key = make_key(hello.cipher_suite, c_hs)
        verify = schedule.finished(c_hs, server_finished_hash)
        finished = bytes([w.HT_FINISHED]) + len(verify).to_bytes(3, "big") + verify
        if flight.client_auth_requested:
            return flight  # we would have to send an empty Certificate first; tickets are not worth it
        ccs = w.record(w.CHANGE_CIPHER_SPEC, b"\x01", 0x0303) if hrr_group is None else b""
        await conn.send(ccs + client_key.encrypt(w.HANDSHAKE, finished))
        transcript.add(finished)
        flight.resumption_master = schedule.resumption_master(transcript.digest())
        app_key = make_key(hello.cipher_suite, s_ap)
        await _read_tickets(conn, app_key, flight)
        return flight


def _with_binder(message: bytes, spec: w.HelloSpec, suite: int, psk: bytes, transcript: Transcript | None) -> bytes:
    schedule = KeySchedule(suite, psk)
    prefix = w.binder_prefix(message, spec.psk_binder_length)
    if transcript is None:
        t = Transcript(schedule.hash_name)
    else:
        t = transcript
        t = _copy_transcript(transcript)
    t.add(prefix)
    binder = schedule.finished(schedule.binder_key(), t.digest())
    return w.fill_binder(message, binder)


def _copy_transcript(transcript: Transcript) -> Transcript:
    clone = Transcript(transcript.hash_name)
    clone._h = transcript._h.copy()
    return clone


async def _read_encrypted_flight(
    conn: Connection, key: RecordKey, transcript: Transcript, flight: Flight13, psk_accepted: bool
) -> None:
    buf = w.HandshakeBuffer()
    while True:
        rec = await _read(conn)
        if rec.content_type == w.CHANGE_CIPHER_SPEC:
            continue
        if rec.content_type == w.ALERT:
            raise Refused(alert_name(rec.payload))
        if rec.content_type != w.APPLICATION_DATA:
            raise w.TlsProtocolError("unprotected record after ServerHello")
        header = bytes([rec.content_type]) + rec.version.to_bytes(2, "big") + len(rec.payload).to_bytes(2, "big")
        inner_type, plain = key.decrypt(header, rec.payload)
        if inner_type == w.ALERT:
            raise Refused(alert_name(plain))
        if inner_type != w.HANDSHAKE:
            raise w.TlsProtocolError("non-handshake content in the server's handshake flight")
        for msg_type, msg in buf.feed(plain):
            if msg_type == w.HT_ENCRYPTED_EXTENSIONS:
                flight.encrypted_extensions = w.parse_encrypted_extensions(msg)
                flight.early_data_accepted = w.EXT_EARLY_DATA in flight.encrypted_extensions
            elif msg_type == w.HT_CERTIFICATE:
                flight.certificates = w.parse_certificate(msg, tls13=True)
            elif msg_type == w.HT_CERTIFICATE_REQUEST:
                flight.client_auth_requested = True
            elif msg_type not in (w.HT_CERTIFICATE_VERIFY, w.HT_FINISHED):
                raise w.TlsProtocolError(f"unexpected handshake message {msg_type} in TLS 1.3 flight")
            transcript.add(msg)
            if msg_type == w.HT_FINISHED:
                if flight.encrypted_extensions is None:
                    raise w.TlsProtocolError("Finished without EncryptedExtensions")
                if not flight.certificates and not psk_accepted:
                    raise w.TlsProtocolError("TLS 1.3 flight without a certificate")
                return


async def _read_tickets(conn: Connection, key: RecordKey, flight: Flight13) -> None:
    """Read NewSessionTicket messages until the server goes quiet (short wait: they follow at once)."""
    conn.end = min(conn.end, asyncio.get_running_loop().time() + 2.0)
    buf = w.HandshakeBuffer()
    try:
        while len(flight.tickets) < 4:
            rec = await conn.read_record()
            if rec is None:
                return
            if rec.content_type != w.APPLICATION_DATA:
                return
            header = bytes([rec.content_type]) + rec.version.to_bytes(2, "big") + len(rec.payload).to_bytes(2, "big")
            inner_type, plain = key.decrypt(header, rec.payload)
            if inner_type != w.HANDSHAKE:
                return
            for msg_type, msg in buf.feed(plain):
                if msg_type == w.HT_NEW_SESSION_TICKET:
                    flight.tickets.append(w.parse_new_session_ticket(msg))
                    # Servers send their tickets back to back: once one came, wait only briefly for more.
                    conn.end = min(conn.end, asyncio.get_running_loop().time() + 0.2)
    except TimeoutError:
        return
