"""Webhook signatures: HMAC-SHA256 over the timestamp and the body, as the receiver checks them.

Headers of every webhook request (docs/MONITOR.md):

- ``X-Domeinwacht-Timestamp``: Unix time in seconds when the request was signed;
- ``X-Domeinwacht-Signature``: ``sha256=`` + hex HMAC-SHA256, keyed with the endpoint's secret, over
  ``<timestamp> "." <body bytes>`` (the timestamp is signed so a captured request cannot be replayed later);
- ``Idempotency-Key``: the same on every retry of one message, so a receiver can drop a repeat.

A receiver recomputes the HMAC, compares in constant time and rejects a timestamp older than its tolerance.
"""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Domeinwacht-Timestamp"
SIGNATURE_HEADER = "X-Domeinwacht-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT_HEADER = "X-Domeinwacht-Event"
SCHEME = "sha256="
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>`` over ``b"<timestamp>." + body``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return SCHEME + mac.hexdigest()


def headers(secret: str, timestamp: int, body: bytes, idempotency_key: str, event: str) -> dict[str, str]:
    """The headers a webhook request carries."""
    return {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        IDEMPOTENCY_HEADER: idempotency_key,
        EVENT_HEADER: event,
    }


def verify(
    secret: str, timestamp: str, body: bytes, presented: str, *, now: int, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """What a receiver does: the signature matches and the timestamp is within ``tolerance`` seconds of ``now``."""
    try:
        signed_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - signed_at) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, signed_at, body), presented)
