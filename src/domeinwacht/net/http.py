"""Bounded HTTP client on httpx: the only place HTTP is spoken.

Each request goes to one *given* IP address while the URL's host name is sent as Host header and TLS SNI, so
that every A and AAAA address of a host is tested on its own:

    client = HttpClient(guard=env.guard, limiter=env_limiter(env), ca_file=None)
    response = await client.get("https://example.nl/", "192.0.2.10")

Hard limits (``HttpLimits``): a total time per request (connect, TLS, headers and body together), connect and
read timeouts, a body cap (the body is streamed and reading stops at the cap: ``body_truncated``), a header cap
(h11 refuses a header block over ``MAX_HEADER_BYTES`` and we refuse more than ``max_header_count`` fields), and
no automatic redirects (``get_chain`` follows at most ``max_redirects`` itself and records each hop).

TLS: the chain is verified against ``ca_file`` (or the system roots) for the host name, but a failed verification
does not lose the response: the request is repeated without verification and the outcome is recorded in
``HttpResponse.tls_verified`` / ``tls_error`` (we must still see the headers of a site with a bad certificate).

Errors: dependency exceptions (httpcore, ssl, OSError, the guard) become ``HttpError`` subclasses at one boundary,
``_map_errors``::

    HttpError
    ├── HttpTimeoutError        connect, read or total time limit
    ├── HttpConnectError        refused, unreachable, reset during connect
    ├── HttpTlsError            handshake failed (not: certificate not trusted; that is recorded instead)
    ├── HttpProtocolError       not HTTP, malformed, or over the header limits
    └── HttpRefusedAddressError the address guard refused the destination
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpcore
import httpx

from domeinwacht import __version__
from domeinwacht.net.context import ProbeContext
from domeinwacht.net.guard import AddressGuard, NonPublicAddressError
from domeinwacht.observations.web import HttpHop, HttpResponse

USER_AGENT = f"Domeinwacht/{__version__} (+https://domeinwacht.invalid)"

# h11 (under httpcore) refuses a status line plus header block larger than this with "Receive buffer too
# long"; httpcore reads 64 KiB at a time, so at most ~164 KiB is ever buffered for headers.
MAX_HEADER_BYTES = httpcore.AsyncHTTP11Connection.MAX_INCOMPLETE_EVENT_SIZE

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class HttpLimits:
    """The limits of one request. Every value is finite.

    Attributes:
        total: seconds for the whole request: connect, TLS, request, headers and body.
        connect: seconds for the TCP connect and, separately, for the TLS handshake.
        read: seconds one read may wait for data.
        max_body: bytes of body kept; reading stops there.
        max_header_count: header fields accepted in one response.
        max_redirects: redirects ``get_chain`` follows.
    """

    total: float = 15.0
    connect: float = 5.0
    read: float = 8.0
    max_body: int = 64 * 1024
    max_header_count: int = 200
    max_redirects: int = 8


class HttpError(Exception):
    """A request that produced no response. ``reason`` is one line for the evidence."""

    def __init__(self, url: str, ip: str, reason: str) -> None:
        super().__init__(f"{url} via {ip}: {reason}")
        self.url = url
        self.ip = ip
        self.reason = reason


class HttpTimeoutError(HttpError):
    """A time limit ran out (connect, read or total)."""


class HttpConnectError(HttpError):
    """No TCP connection (refused, unreachable, reset)."""

    def __init__(self, url: str, ip: str, reason: str, *, refused: bool = False) -> None:
        super().__init__(url, ip, reason)
        self.refused = refused


class HttpTlsError(HttpError):
    """The TLS handshake failed for another reason than an untrusted certificate."""


class HttpProtocolError(HttpError):
    """The server did not speak HTTP/1.x, or broke our header limits."""


class HttpRefusedAddressError(HttpError):
    """The address guard refused the destination (non-public address without --allow-non-public)."""


class _TlsVerifyFailed(Exception):
    """Internal: the handshake failed only because the certificate did not verify."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _walk(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


@contextlib.contextmanager
def _map_errors(url: str, ip: str, limits: HttpLimits) -> Iterator[None]:
    """The one boundary where httpcore/httpx/ssl/OS exceptions become our types (most specific first)."""
    try:
        yield
    except HttpError:
        raise
    except TimeoutError as exc:  # asyncio.timeout around the whole request (or the target's deadline)
        raise HttpTimeoutError(url, ip, f"no complete response within {limits.total:g}s") from exc
    except NonPublicAddressError as exc:
        raise HttpRefusedAddressError(url, ip, str(exc)) from exc
    except _HandshakeStalled as exc:
        raise HttpTimeoutError(
            url, ip, f"the TLS handshake stalled: TCP connected, but no handshake completed within {exc}"
        ) from exc
    except (httpcore.ConnectTimeout, httpx.ConnectTimeout) as exc:
        raise HttpTimeoutError(url, ip, f"connect timed out after {limits.connect:g}s") from exc
    except (httpcore.ReadTimeout, httpx.ReadTimeout) as exc:
        raise HttpTimeoutError(url, ip, f"no data for {limits.read:g}s") from exc
    except (httpcore.TimeoutException, httpx.TimeoutException) as exc:
        raise HttpTimeoutError(url, ip, f"timed out: {exc or type(exc).__name__}") from exc
    except (httpcore.ProtocolError, httpx.ProtocolError) as exc:
        raise HttpProtocolError(url, ip, f"not a valid HTTP/1.x response: {exc}") from exc
    except (httpcore.NetworkError, httpx.NetworkError, OSError) as exc:
        for inner in _walk(exc):
            if isinstance(inner, ssl.SSLCertVerificationError):
                raise _TlsVerifyFailed(inner.verify_message or str(inner)) from exc
            if isinstance(inner, ssl.SSLError):
                raise HttpTlsError(url, ip, f"TLS handshake failed: {inner.reason or inner}") from exc
        for inner in _walk(exc):
            if isinstance(inner, ConnectionRefusedError):
                raise HttpConnectError(url, ip, "connection refused", refused=True) from exc
            if isinstance(inner, OSError) and inner.strerror:
                raise HttpConnectError(url, ip, inner.strerror) from exc
        raise HttpConnectError(url, ip, str(exc) or type(exc).__name__) from exc
    except (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise HttpProtocolError(url, ip, f"unsupported URL: {exc}") from exc
    except (httpx.HTTPError, httpcore.ProxyError, httpcore.LocalProtocolError) as exc:
        raise HttpProtocolError(url, ip, f"{type(exc).__name__}: {exc}") from exc


class _PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects every TCP stream to one fixed address, whatever the host name in the URL.

    httpcore still uses the URL's host for the Host header and the TLS server name (SNI, certificate name).
    """

    def __init__(self, ip: str, guard: AddressGuard) -> None:
        self._ip = ip
        self._guard = guard
        self._inner = httpcore.AnyIOBackend()
        self.connections = 0

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        self._guard.check(self._ip)
        self.connections += 1
        stream = await self._inner.connect_tcp(self._ip, port, timeout, local_address, socket_options)
        return _HandshakeTimedStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.UnsupportedProtocol("unix sockets are not used")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class _HandshakeStalled(Exception):
    """Internal: TCP connected, but the TLS handshake did not finish within the connect timeout."""


class _HandshakeTimedStream(httpcore.AsyncNetworkStream):
    """A TCP stream whose TLS handshake timeout is told apart from the TCP connect timeout.

    httpcore reports both as ``ConnectTimeout``; a server that accepts TCP and then never answers the
    ClientHello is "the TLS handshake stalled", not "connect timed out".
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
    ) -> httpcore.AsyncNetworkStream:
        try:
            return await self._inner.start_tls(ssl_context, server_hostname, timeout)
        except httpcore.ConnectTimeout as exc:
            raise _HandshakeStalled(f"{timeout:g}s" if timeout is not None else "the time limit") from exc

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Stream(httpx.AsyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        if hasattr(self._stream, "aclose"):
            await self._stream.aclose()


class _PinnedTransport(httpx.AsyncBaseTransport):
    """An httpx transport on an httpcore pool with the pinned backend: HTTP/1.1 only, no retries."""

    def __init__(self, ip: str, guard: AddressGuard, ssl_context: ssl.SSLContext) -> None:
        self.backend = _PinnedBackend(ip, guard)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=1,
            http1=True,
            http2=False,
            retries=0,
            network_backend=self.backend,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        response = await self._pool.handle_async_request(core_request)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Stream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


Limiter = Callable[[str], AbstractAsyncContextManager[Any]]


def env_limiter(env: ProbeContext) -> Limiter:
    """The per-IP and global connection limits of a scan run, as one context manager per connection."""

    @contextlib.asynccontextmanager
    async def hold(ip: str) -> AsyncIterator[None]:
        # The address's slot first: waiting for a busy address must not hold one of the global slots.
        async with env.ip_limit(ip, "http"), env.global_limit:
            env.count("http_connections")
            yield

    return hold


def make_ssl_context(ca_file: Path | None, *, verify: bool) -> ssl.SSLContext:
    """A client context: verifying against ``ca_file`` (or the system roots), or not verifying at all."""
    if verify:
        context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    else:
        # Lenient: no verification, and the legacy versions and suites OpenSSL still has, so that we can
        # read the headers of an old server (judging its TLS is net.tls's and the web.tls.* checks' job).
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        with contextlib.suppress(ssl.SSLError):
            context.set_ciphers("ALL:@SECLEVEL=0")
    # Connect to servers without RFC 5746 too (OpenSSL 3 refuses them by default): whether a server supports
    # secure renegotiation is tls.secure_renegotiation's finding, it must not hide its pages and headers.
    context.options |= OP_LEGACY_SERVER_CONNECT
    return context


# ssl.OP_LEGACY_SERVER_CONNECT exists from Python 3.12; the OpenSSL value is SSL_OP_LEGACY_SERVER_CONNECT.
OP_LEGACY_SERVER_CONNECT: int = getattr(ssl, "OP_LEGACY_SERVER_CONNECT", 0x4)


def _decode_headers(raw: Sequence[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    return tuple((name.decode("latin-1").lower(), value.decode("latin-1").strip()) for name, value in raw)


class HttpClient:
    """Bounded GET requests to a given address (see the module docstring)."""

    def __init__(
        self,
        *,
        guard: AddressGuard,
        limiter: Limiter | None = None,
        ca_file: Path | None = None,
        limits: HttpLimits | None = None,
        deadline: float | None = None,
    ) -> None:
        self.guard = guard
        self.deadline = deadline
        self.limits = limits or HttpLimits()
        self._limiter = limiter
        self._lenient = make_ssl_context(None, verify=False)
        self._verifying: ssl.SSLContext | None = None
        self.ca_error: str | None = None
        try:
            self._verifying = make_ssl_context(ca_file, verify=True)
        except (OSError, ssl.SSLError) as exc:
            # A CA bundle we cannot load must not lose the observation: nothing verifies, and each
            # response says why (the CLI rejects a bad --ca-file before a scan starts).
            self.ca_error = f"CA file {ca_file} unusable: {exc}"
        self.connections = 0

    @classmethod
    def for_env(cls, env: ProbeContext, limits: HttpLimits | None = None, deadline: float | None = None) -> HttpClient:
        """A client with the run's guard, connection limits and CA file; ``deadline`` in event-loop time."""
        return cls(
            guard=env.guard,
            limiter=env_limiter(env),
            ca_file=env.options.ca_file,
            limits=limits,
            deadline=deadline,
        )

    async def get(self, url: str, ip: str, *, max_body: int | None = None, accept: str = "*/*") -> HttpResponse:
        """GET ``url`` from ``ip``; never follows redirects. Raises ``HttpError`` subclasses.

        For https, a certificate that does not verify is recorded (``tls_verified=False``, ``tls_error``) and
        the request is repeated without verification. A handshake that fails with our default settings is
        repeated once with legacy settings (old versions and suites); if that works the response is kept,
        marked not verified, otherwise the first error is raised.
        """
        cap = self.limits.max_body if max_body is None else max_body
        if url.lower().startswith("https:"):
            if self._verifying is None:
                response = await self._once(url, ip, self._lenient, cap, accept, tls_verified=False)
                return _with_tls_error(response, self.ca_error or "no CA bundle")
            try:
                return await self._once(url, ip, self._verifying, cap, accept, tls_verified=True)
            except _TlsVerifyFailed as exc:
                response = await self._once(url, ip, self._lenient, cap, accept, tls_verified=False)
                return _with_tls_error(response, exc.reason)
            except HttpTlsError as exc:
                try:
                    response = await self._once(url, ip, self._lenient, cap, accept, tls_verified=False)
                except HttpError:
                    raise exc from None
                reason = f"not verified: the handshake needs legacy TLS settings ({exc.reason})"
                return _with_tls_error(response, reason)
        return await self._once(url, ip, None, cap, accept, tls_verified=None)

    async def _once(
        self,
        url: str,
        ip: str,
        context: ssl.SSLContext | None,
        cap: int,
        accept: str,
        *,
        tls_verified: bool | None,
    ) -> HttpResponse:
        limits = self.limits
        hold: AbstractAsyncContextManager[Any] = (
            self._limiter(ip) if self._limiter is not None else contextlib.nullcontext()
        )
        with _map_errors(url, ip, limits):
            self.guard.check(ip)
            async with hold:
                total = limits.total
                if self.deadline is not None:
                    total = min(total, self.deadline - asyncio.get_running_loop().time())
                    if total <= 0.05:
                        raise HttpTimeoutError(url, ip, "the time budget of this target is used up")
                transport = _PinnedTransport(ip, self.guard, context or self._lenient)
                self.connections += 1
                try:
                    async with asyncio.timeout(total):
                        return await self._exchange(
                            transport, url, ip, cap, accept, total=total, tls_verified=tls_verified
                        )
                except TimeoutError as exc:
                    raise HttpTimeoutError(url, ip, f"no complete response within {total:g}s") from exc
                finally:
                    with contextlib.suppress(Exception):
                        await transport.aclose()

    async def _exchange(
        self,
        transport: _PinnedTransport,
        url: str,
        ip: str,
        cap: int,
        accept: str,
        *,
        total: float,
        tls_verified: bool | None,
    ) -> HttpResponse:
        limits = self.limits
        started = time.monotonic()
        body_start = asyncio.get_running_loop().time()
        timeout = httpx.Timeout(connect=limits.connect, read=limits.read, write=limits.read, pool=limits.connect)
        async with (
            httpx.AsyncClient(
                transport=transport,
                follow_redirects=False,
                trust_env=False,
                timeout=timeout,
                headers={
                    "User-Agent": USER_AGENT,
                    "Accept": accept,
                    # Offered so that web.http.compression can see compression (BREACH); no br: we
                    # could not decode it to compare IPv4 and IPv6 content.
                    "Accept-Encoding": "gzip, deflate",
                    "Connection": "close",
                },
            ) as client,
            client.stream("GET", url) as r,
        ):
            raw_headers = r.headers.raw
            if len(raw_headers) > limits.max_header_count:
                raise HttpProtocolError(
                    url,
                    ip,
                    f"{len(raw_headers)} header fields (limit {limits.max_header_count})",
                )
            body = bytearray()
            truncated = False
            body_error: str | None = None
            # The headers are in: a body that stalls or breaks must not lose them. The body gets
            # what is left of the total budget (minus a margin, so that this deadline fires first).
            body_deadline = body_start + total - min(0.25, total / 10)
            try:
                async with asyncio.timeout_at(body_deadline):
                    async for chunk in r.aiter_raw():
                        if len(body) + len(chunk) > cap:
                            body += chunk[: cap - len(body)]
                            truncated = True
                            break
                        body += chunk
            except TimeoutError:
                truncated, body_error = True, "body not complete within the time limit"
            except (httpx.HTTPError, httpcore.ProtocolError, httpcore.NetworkError) as exc:
                truncated, body_error = True, f"body broken off: {exc or type(exc).__name__}"
            version = r.extensions.get("http_version", b"HTTP/1.1")
            reason = r.extensions.get("reason_phrase", b"")
            return HttpResponse(
                url=url,
                ip=ip,
                port=r.url.port or (443 if r.url.scheme == "https" else 80),
                status=r.status_code,
                reason=reason.decode("latin-1", "replace"),
                http_version=version.decode("ascii", "replace"),
                headers=_decode_headers(raw_headers),
                body=bytes(body),
                body_truncated=truncated,
                body_error=body_error,
                tls_verified=tls_verified,
                elapsed=round(time.monotonic() - started, 3),
            )

    async def get_chain(
        self,
        url: str,
        ip: str,
        resolve: Callable[[str], Awaitable[str | None]],
        *,
        max_redirects: int | None = None,
        max_body: int | None = None,
        accept: str = "*/*",
        fetch: Callable[[str, str], Awaitable[HttpResponse]] | None = None,
    ) -> tuple[HttpHop, ...]:
        """GET ``url`` from ``ip`` and follow redirects ourselves, recording every hop.

        A hop to the first host keeps ``ip``; a hop to another host connects to ``await resolve(host)``
        (``None``: the hop is recorded with an error and the chain ends). The chain also ends at a response
        that is not a redirect, at an error, at a loop, and after ``max_redirects`` redirects (the last hop
        then carries the error "more than N redirects"). ``fetch(url, ip)``, when given, makes the requests
        instead of ``get`` (a caller that already holds some of the responses; it raises ``HttpError`` too).
        """
        limit = self.limits.max_redirects if max_redirects is None else max_redirects
        hops: list[HttpHop] = []
        seen: set[str] = set()
        current_url, current_ip = url, ip
        known = {_host_of(url): ip}  # host -> the address its hops go to
        while True:
            try:
                if fetch is not None:
                    response = await fetch(current_url, current_ip)
                else:
                    response = await self.get(current_url, current_ip, max_body=max_body, accept=accept)
            except HttpError as exc:
                hops.append(HttpHop(current_url, current_ip, error=exc.reason))
                break
            location = redirect_target(response)
            hops.append(HttpHop(current_url, current_ip, response=response, location=location))
            if location is None:
                break
            if len(hops) > limit:
                hops[-1] = HttpHop(
                    current_url,
                    current_ip,
                    response=response,
                    location=location,
                    error=f"more than {limit} redirects",
                )
                break
            seen.add(current_url)
            if location in seen:
                hops[-1] = HttpHop(current_url, current_ip, response, location, error="redirect loop")
                break
            host = _host_of(location)
            if not location.lower().startswith(("http://", "https://")) or not host:
                hops[-1] = HttpHop(current_url, current_ip, response, location, error="redirect to a non-HTTP URL")
                break
            literal = _ip_literal(host)
            if literal is not None:
                # An address in the URL is no host name to look up: the request goes there, and the address
                # guard judges it like every other destination (``get`` checks it before connecting).
                next_ip: str | None = literal
            else:
                next_ip = known[host] if host in known else await resolve(host)
            if next_ip is None:
                hops.append(HttpHop(location, "", error=f"{host} has no address"))
                break
            known[host] = next_ip
            current_url, current_ip = location, next_ip
        return tuple(hops)


def _with_tls_error(response: HttpResponse, reason: str) -> HttpResponse:
    return replace(response, tls_verified=False, tls_error=reason)


def _ip_literal(host: str) -> str | None:
    """The address when ``host`` (of a URL) is an IPv4 or bracketed/bare IPv6 literal, else ``None``."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def _host_of(url: str) -> str:
    try:
        return httpx.URL(url).host.lower().rstrip(".")
    except (httpx.InvalidURL, ValueError):
        return ""


def redirect_target(response: HttpResponse) -> str | None:
    """The absolute URL a redirect response points to (RFC 9110 10.2.2), or ``None``."""
    if response.status not in REDIRECT_STATUSES:
        return None
    values = response.header_values("location")
    if not values or not values[0]:
        return None
    location = values[0]
    try:
        return str(httpx.URL(response.url).join(location))
    except (httpx.InvalidURL, ValueError):
        return location


async def probe_tcp(
    ip: str,
    port: int,
    *,
    guard: AddressGuard,
    connect_timeout: float,
    limiter: Limiter | None = None,
) -> tuple[bool, str | None, bool]:
    """Try a TCP connection to ``ip:port``: ``(open, error, refused)``; closes it at once."""
    guard.check(ip)
    hold: AbstractAsyncContextManager[Any] = limiter(ip) if limiter is not None else contextlib.nullcontext()
    async with hold:
        try:
            async with asyncio.timeout(connect_timeout):
                _, writer = await asyncio.open_connection(ip, port)
        except TimeoutError:
            return False, f"no answer within {connect_timeout:g}s", False
        except ConnectionRefusedError:
            return False, "connection refused", True
        except OSError as exc:
            return False, exc.strerror or str(exc), False
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return True, None, False
