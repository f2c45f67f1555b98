"""One TLS handshake to read a server's leaf certificate (no verification: we want the names it presents)."""

from __future__ import annotations

import asyncio
import contextlib
import ssl

from domeinwacht.net.guard import AddressGuard, NonPublicAddressError


class LeafError(Exception):
    """No certificate could be read; the message says why."""


def _context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


async def fetch_leaf(ip: str, server_name: str, guard: AddressGuard, *, port: int = 443, limit: float = 8.0) -> bytes:
    """The DER leaf certificate ``ip:port`` presents for ``server_name`` (SNI); raises ``LeafError``."""
    try:
        guard.check(ip)
    except NonPublicAddressError as exc:
        raise LeafError(str(exc)) from None
    try:
        async with asyncio.timeout(limit):
            _, writer = await asyncio.open_connection(ip, port, ssl=_context(), server_hostname=server_name)
    except TimeoutError:
        raise LeafError(f"{ip}:{port}: no TLS handshake within {limit:g}s") from None
    except (OSError, ssl.SSLError) as exc:
        raise LeafError(f"{ip}:{port}: {type(exc).__name__}: {exc}") from None
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(writer.wait_closed(), 1.0)
    if not der:
        raise LeafError(f"{ip}:{port}: no certificate presented")
    return bytes(der)
