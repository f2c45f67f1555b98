"""Compact, deduplicated storage of observation bags (pure: no Django).

An observation bag ``{area: value}`` is first made JSON (``dump_observations``), then every area value — or, for
per-endpoint tuples such as ``mail_tls`` and ``web_tls``, every element — is keyed by the sha256 of its canonical
JSON. Identical observations (one MX host's TLS result for 300 domains, the same name server answer) share one
key and are stored once; a target keeps only the keys.

    refs, blobs = compact(dump_observations(observed.areas))
    # refs  = {"mail": "3fa1…", "mail_tls": ["9b0c…", "77de…"]}
    # blobs = {"3fa1…": ("mail", {...}), "9b0c…": ("mail_tls", {...}), …}
    assert expand(refs, {k: data for k, (area, data) in blobs.items()}) == dump_observations(observed.areas)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

Ref = str | list[str]


def canonical(data: Any) -> bytes:
    """The canonical JSON of ``data``: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def digest(data: Any) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def compact(dumped: Mapping[str, Any]) -> tuple[dict[str, Ref], dict[str, tuple[str, Any]]]:
    """Split a JSON observation bag into references per area and the distinct blobs they point at."""
    refs: dict[str, Ref] = {}
    blobs: dict[str, tuple[str, Any]] = {}
    for area, value in dumped.items():
        if isinstance(value, list):
            keys = []
            for element in value:
                key = digest(element)
                blobs.setdefault(key, (area, element))
                keys.append(key)
            refs[area] = keys
        else:
            key = digest(value)
            blobs.setdefault(key, (area, value))
            refs[area] = key
    return refs, blobs


def keys_of(refs: Mapping[str, Ref]) -> set[str]:
    """Every blob key a reference map points at."""
    keys: set[str] = set()
    for ref in refs.values():
        keys.update([ref] if isinstance(ref, str) else ref)
    return keys


def expand(refs: Mapping[str, Ref], blobs: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON observation bag back from its references; ``KeyError`` names a missing blob."""
    return {area: (blobs[ref] if isinstance(ref, str) else [blobs[key] for key in ref]) for area, ref in refs.items()}
