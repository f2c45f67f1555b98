"""The AXFR source: ask every authoritative server for the whole zone (RFC 5936).

Most servers refuse (as they should); one that does not leaks every name of the zone. The transfer runs over
TCP with our own framing (RFC 1035 §4.2.2, two-byte length prefixes) so that its size and time are capped: a
hostile server cannot make us read forever or fill memory.
"""

from __future__ import annotations

import asyncio
import contextlib

import dns.exception
import dns.message
import dns.rcode
import dns.rdatatype

from domeinwacht.discovery.context import DiscoveryContext, name_servers, under
from domeinwacht.discovery.found import SourceReport
from domeinwacht.net.guard import NonPublicAddressError

SOURCE = "axfr"


class TransferError(Exception):
    """A transfer that was refused or broke off; the message says why."""


async def transfer(address: str, zone: str, ctx: DiscoveryContext, port: int = 53) -> set[str]:
    """The owner names of ``zone`` as served by ``address``; raises ``TransferError``."""
    try:
        ctx.guard.check(address)
    except NonPublicAddressError as exc:
        raise TransferError(str(exc)) from None
    limits = ctx.limits
    request = dns.message.make_query(zone, "AXFR")
    wire = request.to_wire()
    names: set[str] = set()
    try:
        async with asyncio.timeout(limits.axfr_timeout):
            reader, writer = await asyncio.open_connection(address, port)
            try:
                writer.write(len(wire).to_bytes(2, "big") + wire)
                await writer.drain()
                soa_seen = 0
                received = 0
                while soa_seen < 2:
                    size = int.from_bytes(await reader.readexactly(2), "big")
                    received += size + 2
                    if received > limits.axfr_max_bytes:
                        raise TransferError(f"transfer larger than {limits.axfr_max_bytes} bytes: stopped")
                    message = dns.message.from_wire(await reader.readexactly(size), xfr=True, one_rr_per_rrset=True)
                    if message.id != request.id:
                        raise TransferError("answer with a foreign message id")
                    if message.rcode() != dns.rcode.NOERROR:
                        raise TransferError(f"refused ({dns.rcode.to_text(message.rcode())})")
                    if not message.answer and soa_seen == 0:
                        raise TransferError("empty answer (no SOA)")
                    for rrset in message.answer:
                        if rrset.rdtype == dns.rdatatype.SOA:
                            soa_seen += 1
                        names.add(rrset.name.to_text().rstrip(".").lower())
            finally:
                writer.close()
                with contextlib.suppress(Exception):
                    await writer.wait_closed()
    except TimeoutError:
        raise TransferError(f"no complete transfer within {limits.axfr_timeout:g}s") from None
    except asyncio.IncompleteReadError:
        raise TransferError("the server closed the connection before the transfer ended") from None
    except (OSError, dns.exception.DNSException, ValueError) as exc:
        raise TransferError(f"{type(exc).__name__}: {exc}") from None
    return names


async def run(domain: str, ctx: DiscoveryContext) -> SourceReport:
    servers, error = await name_servers(domain, ctx)
    if error:
        return SourceReport(SOURCE, error=error)
    names: set[str] = set()
    outcomes: dict[str, str] = {}
    # One address per name server (IPv4 first): its addresses are one server's, and every try is a TCP connection.
    first: dict[str, str] = {}  # name_servers gives IPv4 or IPv6 addresses, never both, per name
    for ns, address in servers:
        first.setdefault(ns, address)
    for ns, address in first.items():
        try:
            got = await transfer(address, domain, ctx)
        except TransferError as exc:
            outcomes[f"{ns} ({address})"] = str(exc)
            continue
        outcomes[f"{ns} ({address})"] = f"transferred {len(got)} names"
        names |= {n for n in got if under(n, domain) and "*" not in n}
    names.discard(domain)
    return SourceReport(SOURCE, frozenset(names), len(first), None, {"servers": outcomes})
