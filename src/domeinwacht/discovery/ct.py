"""The CT source: names in the certificates logged in Certificate Transparency logs (RFC 6962).

A log is read with ``get-sth`` (its size) and ``get-entries`` (batches of leaves, RFC 6962 §4.6); each leaf is a
``MerkleTreeLeaf`` (§3.4) holding an X.509 certificate or a precertificate (whose certificate is the first of
``extra_data``). Reading is incremental: ``DiscoveryContext.ct_start`` says how far an earlier run read each log,
and the report's ``detail["read_to"]`` says how far this one got, so the next run (``discover`` stores it) goes on
from there. A real log holds hundreds of millions of entries: a run reads at most ``ct_max_entries`` per log.
``names_from_dump`` reads a CT search export (crt.sh JSON, one object per certificate with ``name_value``).
"""

from __future__ import annotations

import base64
import json
import struct
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509

from domeinwacht.discovery.context import DiscoveryContext, under
from domeinwacht.discovery.found import SourceReport
from domeinwacht.net.http import HttpError

SOURCE = "ct"
_X509_ENTRY = 0
_PRECERT_ENTRY = 1


class LogError(Exception):
    """A log that could not be read; the message says why."""


def leaf_certificate(leaf_input: bytes, extra_data: bytes) -> bytes | None:
    """The DER certificate of one log entry (RFC 6962 §3.4, §4.6), ``None`` when it is not one we can read."""
    if len(leaf_input) < 15:
        return None
    version, leaf_type, _timestamp, entry_type = struct.unpack(">BBQH", leaf_input[:12])
    if version != 0 or leaf_type != 0:
        return None
    if entry_type == _X509_ENTRY:
        size = int.from_bytes(leaf_input[12:15], "big")
        der = leaf_input[15 : 15 + size]
        return der if len(der) == size else None
    if entry_type == _PRECERT_ENTRY and len(extra_data) >= 3:  # PrecertChainEntry: pre_certificate first
        size = int.from_bytes(extra_data[:3], "big")
        der = extra_data[3 : 3 + size]
        return der if len(der) == size else None
    return None


def certificate_names(der: bytes) -> set[str]:
    """The DNS names of a certificate's subjectAltName (lower case); empty when it does not parse."""
    try:
        cert = x509.load_der_x509_certificate(der)
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, x509.ExtensionNotFound):
        return set()
    return {name.lower().rstrip(".") for name in san.get_values_for_type(x509.DNSName)}


def hosts_under(names: Iterable[str], domain: str) -> set[str]:
    """Names under ``domain``; a wildcard ``*.x.domain`` yields ``x.domain`` (the name the wildcard sits on)."""
    out: set[str] = set()
    for raw in names:
        name = raw.lower().rstrip(".")
        name = name.removeprefix("*.")
        if "*" not in name and under(name, domain) and name != domain:
            out.add(name)
    return out


def names_from_dump(text: str) -> Iterator[str]:
    """Names from a CT search export: crt.sh-style JSON (a list of objects with ``name_value``), or one per line."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            rows = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ValueError(f"CT dump is not valid JSON: {exc.msg} at line {exc.lineno}") from None
        for row in rows:
            value = row.get("name_value", "") if isinstance(row, dict) else ""
            yield from str(value).split()
        return
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split()[0]


async def _get_json(url: str, ctx: DiscoveryContext) -> Any:
    host = urlsplit(url).hostname or ""
    ips = await ctx.addresses(host, any_family=True)
    if not ips:
        raise LogError(f"{host}: no address")
    try:
        response = await ctx.http.get(url, ips[0], accept="application/json")
    except HttpError as exc:
        raise LogError(str(exc)) from None
    if response.status != 200:
        raise LogError(f"{url}: HTTP {response.status}")
    if response.body_truncated:
        raise LogError(f"{url}: answer larger than {ctx.http.limits.max_body} bytes")
    try:
        return json.loads(response.body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LogError(f"{url}: not JSON ({exc})") from None


async def read_log(log: str, start: int, ctx: DiscoveryContext) -> tuple[set[str], int, int]:
    """Every DNS name in the entries of ``log`` from ``start`` on; returns (names, read_to, requests)."""
    base = log if log.endswith("/") else log + "/"
    sth = await _get_json(base + "ct/v1/get-sth", ctx)
    size = sth.get("tree_size") if isinstance(sth, dict) else None
    if not isinstance(size, int) or size < 0:
        raise LogError(f"{base}: get-sth has no tree_size")
    start = min(start, size)
    end = min(size, start + ctx.limits.ct_max_entries)
    names: set[str] = set()
    requests = 1
    position = start
    while position < end:
        last = min(end, position + ctx.limits.ct_batch) - 1
        page = await _get_json(f"{base}ct/v1/get-entries?start={position}&end={last}", ctx)
        requests += 1
        entries = page.get("entries") if isinstance(page, dict) else None
        if not isinstance(entries, list) or not entries:
            raise LogError(f"{base}: get-entries {position}-{last} returned no entries")
        for entry in entries[: last - position + 1]:
            try:
                leaf = base64.b64decode(entry["leaf_input"])
                der = leaf_certificate(leaf, base64.b64decode(entry.get("extra_data", "")))
            except (KeyError, TypeError, ValueError):
                der = None
            if der:
                names |= certificate_names(der)
        position += min(len(entries), last - position + 1)
    return names, position, requests


async def refresh(ctx: DiscoveryContext) -> SourceReport:
    """Read every configured log once for the whole run (from ``ctx.ct_start``) into ``ctx.ct_names``.

    The report (names: none; detail: ``read_to`` per log) is what a caller stores to go on next time.
    """
    ctx.ct_done = True
    if not ctx.ct_logs:
        if not ctx.ct_names:
            ctx.ct_error = "no CT log configured (DOMEINWACHT_CT_LOGS, --ct-log) and no CT dump given (--ct-dump)"
        return SourceReport(SOURCE, error=ctx.ct_error)
    requests = 0
    read_to: dict[str, int] = {}
    errors: list[str] = []
    for log in ctx.ct_logs:
        try:
            names, position, sent = await read_log(log, ctx.ct_start.get(log, 0), ctx)
        except LogError as exc:
            errors.append(f"{log}: {exc}")
            continue
        requests += sent
        read_to[log] = position
        ctx.ct_names |= names
    ctx.ct_error = "; ".join(errors) if errors else None
    return SourceReport(SOURCE, queries=requests, error=ctx.ct_error, detail={"read_to": read_to})


async def run(domain: str, ctx: DiscoveryContext) -> SourceReport:
    """The names under ``domain`` among those read from the logs (``refresh``) and loaded from dumps."""
    async with ctx.ct_lock:
        if not ctx.ct_done:
            await refresh(ctx)
    if ctx.ct_error and not ctx.ct_names:
        return SourceReport(SOURCE, error=ctx.ct_error)
    return SourceReport(SOURCE, frozenset(hosts_under(ctx.ct_names, domain)), 0, ctx.ct_error)
