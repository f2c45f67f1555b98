"""SMTP client for probing mail servers: the only place SMTP is spoken. Gentle and bounded.

    probe = await probe_smtp("192.0.2.25", "mx1.example.nl", env)
    probe.starttls_offered, probe.starttls_ok, probe.rate_limited, probe.error

One probe is one TCP connection: banner, ``EHLO <ScanOptions.ehlo_name>``, ``STARTTLS`` plus one TLS handshake
when offered (for the certificate), then ``QUIT``. Every connect goes through ``env.guard.check(ip)`` and
``env.ip_limit(ip, "smtp")`` (at most ``mail_per_server_concurrency`` at once per server) and is counted in
``env.counters["smtp.connections.<ip>"]``. Use ``shared_probe_smtp`` so that an MX shared by many domains is
probed once per run.

Mail servers rate-limit scanners. A 421 greeting, a reset or refusal after an earlier success, or a 4xx reply
to EHLO is recorded as ``rate_limited`` with an ``error`` starting ``rate-limited:``; checks report that as
``error``, never as ``fail``. Hostile servers are bounded: per-read timeout, a total budget, a line length cap
and a cap on the number of lines of one reply.

``starttls_preamble(ehlo_name)`` gives the TLS prober (``domeinwacht.net.tls.probe_tls``) the plain-text part
of the conversation: banner, EHLO, STARTTLS, "220 ready"; the prober then speaks TLS on the same stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from domeinwacht.net.context import ProbeContext
from domeinwacht.net.guard import NonPublicAddressError
from domeinwacht.net.http import OP_LEGACY_SERVER_CONNECT
from domeinwacht.observations.mail import SmtpProbe

StartTls = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]

RATE_LIMITED = "rate-limited"


@dataclass(frozen=True, slots=True)
class SmtpLimits:
    """Bounds of one SMTP conversation.

    Attributes:
        connect_timeout / io_timeout: seconds for the TCP connect and for each reply line.
        total: seconds for the whole conversation (a server sending one byte per second ends here).
        max_line: bytes per reply line (RFC 5321 4.5.3.1.5 allows 512; we accept more, not unbounded).
        max_lines: lines per reply (an endless multi-line banner ends here).
        quit_timeout: seconds we wait for the reply to QUIT before closing anyway.
    """

    connect_timeout: float = 5.0
    io_timeout: float = 10.0
    total: float = 30.0
    max_line: int = 2048
    max_lines: int = 64
    quit_timeout: float = 2.0


class SmtpError(Exception):
    """The conversation could not be completed; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SmtpRateLimitedError(SmtpError):
    """The server throttled or refused us (421, 4xx to EHLO, reset or refusal after an earlier success)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{RATE_LIMITED}: {reason}")


@dataclass(frozen=True, slots=True)
class Reply:
    code: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


async def read_reply(reader: asyncio.StreamReader, limits: SmtpLimits) -> Reply:
    """One SMTP reply (RFC 5321 4.2: ``ddd-text`` continuation lines, ``ddd text`` last line)."""
    lines: list[str] = []
    code: int | None = None
    while True:
        if len(lines) >= limits.max_lines:
            raise SmtpError(f"reply longer than {limits.max_lines} lines")
        try:
            raw = await asyncio.wait_for(reader.readuntil(b"\n"), limits.io_timeout)
        except TimeoutError:
            raise SmtpError(f"no complete reply line within {limits.io_timeout:g}s") from None
        except asyncio.LimitOverrunError:
            raise SmtpError(f"reply line longer than {limits.max_line} bytes") from None
        except asyncio.IncompleteReadError as exc:
            if not lines and not exc.partial:
                raise ConnectionResetError("connection closed by the server") from None
            raise SmtpError("connection closed in the middle of a reply") from None
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if len(line) < 3 or not line[:3].isdigit() or (len(line) > 3 and line[3] not in " -"):
            raise SmtpError(f"not an SMTP reply: {line[:80]!r}")
        this = int(line[:3])
        if code is not None and this != code:
            raise SmtpError(f"reply code changed within a multi-line reply ({code} then {this})")
        code = this
        lines.append(line[4:])
        if len(line) == 3 or line[3] == " ":
            return Reply(code, tuple(lines))


async def send(writer: asyncio.StreamWriter, command: str, limits: SmtpLimits) -> None:
    writer.write(command.encode("ascii") + b"\r\n")
    try:
        await asyncio.wait_for(writer.drain(), limits.io_timeout)
    except TimeoutError:
        raise SmtpError(f"could not send {command.split(maxsplit=1)[0]} within {limits.io_timeout:g}s") from None


async def greet(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ehlo_name: str, limits: SmtpLimits
) -> tuple[Reply, Reply]:
    """Banner and EHLO; raises ``SmtpRateLimitedError`` for 421 / 4xx, ``SmtpError`` for other refusals."""
    banner = await read_reply(reader, limits)
    if banner.code == 421 or 400 <= banner.code < 500:
        raise SmtpRateLimitedError(f"greeting {banner.code} {banner.lines[0][:200]}")
    if banner.code != 220:
        raise SmtpError(f"greeting {banner.code} {banner.lines[0][:200]} (expected 220)")
    await send(writer, f"EHLO {ehlo_name}", limits)
    ehlo = await read_reply(reader, limits)
    if 400 <= ehlo.code < 500:
        raise SmtpRateLimitedError(f"EHLO answered {ehlo.code} {ehlo.lines[0][:200]}")
    return banner, ehlo


def extensions(ehlo: Reply) -> tuple[str, ...]:
    """EHLO keywords (RFC 5321 4.1.1.1: the first line is the greeting), upper case."""
    return tuple(line.split()[0].upper() for line in ehlo.lines[1:] if line.split())


def starttls_preamble(ehlo_name: str, limits: SmtpLimits | None = None) -> StartTls:
    """The plain-text part before TLS, for ``probe_tls(..., starttls=preamble)``.

    Raises ``SmtpRateLimitedError`` when throttled and ``SmtpError`` when STARTTLS is not offered or refused.
    """
    bounds = limits or SmtpLimits()

    async def preamble(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        _banner, ehlo = await greet(reader, writer, ehlo_name, bounds)
        if ehlo.code != 250:
            raise SmtpError(f"EHLO answered {ehlo.code}")
        if "STARTTLS" not in extensions(ehlo):
            raise SmtpError("STARTTLS not offered")
        await send(writer, "STARTTLS", bounds)
        reply = await read_reply(reader, bounds)
        if 400 <= reply.code < 500:
            raise SmtpRateLimitedError(f"STARTTLS answered {reply.code} {reply.lines[0][:200]}")
        if reply.code != 220:
            raise SmtpError(f"STARTTLS answered {reply.code} {reply.lines[0][:200]}")

    return preamble


def _tls_context() -> ssl.SSLContext:
    # We only look: the certificate is judged by the checks (DANE, cert.*), not by this handshake.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with contextlib.suppress(ssl.SSLError):
        context.set_ciphers("ALL:@SECLEVEL=0")
    context.options |= OP_LEGACY_SERVER_CONNECT  # a server without RFC 5746 is tls.secure_renegotiation's finding
    return context


@dataclass
class _State:
    connections: int = 0
    connected: bool = False


def _ok_key(ip: str) -> str:
    return f"smtp.sessions_ok.{ip}"


async def probe_smtp(
    ip: str,
    host: str,
    env: ProbeContext,
    *,
    port: int = 25,
    starttls: bool = True,
    limits: SmtpLimits | None = None,
) -> SmtpProbe:
    """One polite conversation with ``ip`` (see the module docstring). Never raises for network trouble."""
    bounds = limits or SmtpLimits(connect_timeout=env.options.connect_timeout, io_timeout=env.options.io_timeout)
    started = time.monotonic()
    state = _State()
    fields: dict[str, Any] = {}
    try:
        env.guard.check(ip)
    except (NonPublicAddressError, ValueError) as exc:
        return SmtpProbe(ip, port, host, error=str(exc))
    try:
        async with env.ip_limit(ip, "smtp"), env.global_limit:
            async with asyncio.timeout(bounds.total):
                await _converse(ip, host, env, port=port, starttls=starttls, limits=bounds, state=state, fields=fields)
        env.count(_ok_key(ip))
    except SmtpRateLimitedError as exc:
        fields.update(rate_limited=True, error=exc.reason)
    except SmtpError as exc:
        fields["error"] = exc.reason
    except TimeoutError:
        fields["error"] = f"conversation not finished within {bounds.total:g}s"
    except (ConnectionRefusedError, ConnectionResetError, BrokenPipeError) as exc:
        earlier = env.counters.get(_ok_key(ip), 0) > 0
        what = "refused" if isinstance(exc, ConnectionRefusedError) else "reset"
        if earlier or state.connected:
            # A server that talked to us before (or accepted the connection) and now drops us is throttling.
            fields.update(rate_limited=True, error=f"{RATE_LIMITED}: connection {what} by {ip}:{port}")
        else:
            fields["error"] = f"connection {what} by {ip}:{port}"
    except (OSError, ssl.SSLError) as exc:
        fields["error"] = f"{type(exc).__name__}: {exc}"
    return SmtpProbe(
        ip,
        port,
        host,
        connected=state.connected,
        connections=state.connections,
        duration=round(time.monotonic() - started, 3),
        **fields,
    )


async def _converse(
    ip: str,
    host: str,
    env: ProbeContext,
    *,
    port: int,
    starttls: bool,
    limits: SmtpLimits,
    state: _State,
    fields: dict[str, Any],
) -> None:
    state.connections = 1
    env.count("smtp.connections")
    env.count(f"smtp.connections.{ip}")
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(ip, port, limit=limits.max_line), limits.connect_timeout
        )
    except TimeoutError:
        raise SmtpError(f"no TCP connection to {ip}:{port} within {limits.connect_timeout:g}s") from None
    state.connected = True
    try:
        banner, ehlo = await greet(reader, writer, env.options.ehlo_name, limits)
        fields.update(banner=banner.text[:1000], banner_code=banner.code, ehlo_code=ehlo.code)
        if ehlo.code != 250:
            raise SmtpError(f"EHLO answered {ehlo.code} {ehlo.lines[0][:200]}")
        keywords = extensions(ehlo)
        fields["extensions"] = keywords
        fields["starttls_offered"] = "STARTTLS" in keywords
        if starttls and "STARTTLS" in keywords:
            await send(writer, "STARTTLS", limits)
            reply = await read_reply(reader, limits)
            if 400 <= reply.code < 500:
                raise SmtpRateLimitedError(f"STARTTLS answered {reply.code} {reply.lines[0][:200]}")
            if reply.code != 220:
                fields["starttls_ok"] = False
                raise SmtpError(f"STARTTLS answered {reply.code} {reply.lines[0][:200]}")
            try:
                await asyncio.wait_for(
                    writer.start_tls(_tls_context(), server_hostname=host or None), limits.io_timeout
                )
            except TimeoutError:
                fields["starttls_ok"] = False
                raise SmtpError(
                    f"the TLS handshake after STARTTLS stalled: none completed within {limits.io_timeout:g}s"
                ) from None
            except (ssl.SSLError, ConnectionError) as exc:
                fields["starttls_ok"] = False
                raise SmtpError(f"TLS handshake after STARTTLS failed: {exc or type(exc).__name__}") from None
            tls = writer.get_extra_info("ssl_object")
            fields["starttls_ok"] = True
            if isinstance(tls, ssl.SSLObject):
                fields["tls_version"] = tls.version()
                cipher = tls.cipher()
                fields["tls_cipher"] = cipher[0] if cipher else None
                fields["leaf_der"] = tls.getpeercert(binary_form=True)
        await _quit(reader, writer, limits)
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(writer.wait_closed(), limits.quit_timeout)


async def _quit(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, limits: SmtpLimits) -> None:
    """RFC 5321 4.1.1.10: say QUIT and wait briefly for 221; a missing answer is not held against the server."""
    with contextlib.suppress(Exception):
        await send(writer, "QUIT", limits)
        await asyncio.wait_for(read_reply(reader, limits), limits.quit_timeout)


async def shared_probe_smtp(ip: str, host: str, env: ProbeContext, *, port: int = 25) -> SmtpProbe:
    """``probe_smtp`` once per run per address: every domain sharing this MX gets the same probe."""
    return await env.shared(("smtp", ip, port), lambda: probe_smtp(ip, host, env, port=port))
