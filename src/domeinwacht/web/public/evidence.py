"""A check's stored evidence as rows per address and port, for the domain page.

Checks store evidence in a few shapes (see docs/CHECK_OUTPUT.md): a list ``endpoints`` of
``{host, ip, port, status, detail}``, a mapping ``endpoints`` of ``"ip:port" -> {status, summary}``, or a list
``addresses`` of ``{ip, host, status}``. Those become one row each; every check's whole evidence is also shown as
it was stored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_JSON_CHARS = 20_000  # what the page shows of one check's raw evidence


@dataclass(frozen=True, slots=True)
class Row:
    endpoint: str
    host: str
    status: str
    detail: str


def _endpoint(ip: Any, port: Any) -> str:
    if not ip:
        return ""
    address = f"[{ip}]" if ":" in str(ip) else str(ip)
    return f"{address}:{port}" if port else str(ip)


def rows(evidence: Any) -> list[Row]:
    """One row per address (and port) the evidence speaks of; empty when it has no per-address part."""
    if not isinstance(evidence, Mapping):
        return []
    out = []
    endpoints = evidence.get("endpoints")
    if isinstance(endpoints, list):
        for e in endpoints:
            if isinstance(e, Mapping):
                out.append(
                    Row(
                        endpoint=_endpoint(e.get("ip"), e.get("port")),
                        host=str(e.get("host") or ""),
                        status=str(e.get("status") or ""),
                        detail=str(e.get("detail") or e.get("summary") or ""),
                    )
                )
    elif isinstance(endpoints, Mapping):
        for key, e in endpoints.items():
            if isinstance(e, Mapping):
                out.append(
                    Row(
                        endpoint=str(key),
                        host=str(e.get("host") or ""),
                        status=str(e.get("status") or ""),
                        detail=str(e.get("summary") or e.get("detail") or ""),
                    )
                )
    addresses = evidence.get("addresses")
    if isinstance(addresses, list):
        for a in addresses:
            if isinstance(a, Mapping):
                out.append(
                    Row(
                        endpoint=_endpoint(a.get("ip"), a.get("port")),
                        host=str(a.get("host") or ""),
                        status=str(a.get("status") or ""),
                        detail=str(a.get("detail") or ", ".join(map(str, a.get("roas") or [])) or ""),
                    )
                )
    return out


def as_text(evidence: Any) -> str:
    """The stored evidence as indented JSON, cut at ``MAX_JSON_CHARS``."""
    text = json.dumps(evidence, indent=2, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= MAX_JSON_CHARS else text[:MAX_JSON_CHARS] + "\n…"
