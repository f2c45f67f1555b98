"""Real receivers on loopback for the delivery tests: an SMTP server (aiosmtpd) and a webhook endpoint.

Both record what they accepted, with the idempotency key (Message-ID, Idempotency-Key), so a test can tell a
repeat from a new message.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import http.server
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from domeinwacht.monitor import webhook


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    message: Any  # email.message.EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class SmtpSink:
    """What the SMTP server accepted (with ``delay`` seconds before each 250, to widen a crash window)."""

    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def unique(self) -> dict[str, Received]:
        with self.lock:
            return {r.message_id: r for r in self.received}


class _HookHandler(http.server.BaseHTTPRequestHandler):
    server: HookServer

    def do_POST(self) -> None:
        length = min(int(self.headers.get("Content-Length", "0")), 1_000_000)
        body = self.rfile.read(length)
        sig_ok = webhook.verify(
            self.server.secret,
            self.headers.get(webhook.TIMESTAMP_HEADER, ""),
            body,
            self.headers.get(webhook.SIGNATURE_HEADER, ""),
            now=int(time.time()),
        )
        self.server.calls.append(
            {"key": self.headers.get(webhook.IDEMPOTENCY_HEADER), "verified": sig_ok, "body": body}
        )
        self.send_response(self.server.status if sig_ok else 401)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


class HookServer(http.server.ThreadingHTTPServer):
    def __init__(self, secret: str, status: int = 204) -> None:
        super().__init__(("127.0.0.1", 0), _HookHandler)
        self.secret = secret
        self.status = status
        self.calls: list[dict[str, Any]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"
