"""Delivery of one outbox message: e-mail over SMTP, or a signed webhook POST. Both bounded in time.

A failure raises ``DeliveryError`` with a one-line reason (stored on the message, and on the endpoint's health).
"""

from __future__ import annotations

import hashlib
import smtplib
import socket
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from types import TracebackType

import httpx

from domeinwacht.monitor import webhook
from domeinwacht.net.guard import AddressGuard, NonPublicAddressError
from domeinwacht.web.findings.models import OutboxMessage

KEY_HEADER = "X-Domeinwacht-Key"


class DeliveryError(Exception):
    """The receiver did not accept the message (the reason is one line).

    ``permanent``: retrying cannot help (the address guard refused the destination): dead-letter at once.
    """

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    timeout: float = 10.0
    starttls: bool = False
    user: str = ""
    password: str = ""


def message_id(key: str, sender: str) -> str:
    """The Message-ID of an outbox message: the same for every attempt, so a repeat can be recognised."""
    domain = sender.rpartition("@")[2] or "domeinwacht"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def email(message: OutboxMessage, settings: SmtpSettings, language: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = settings.sender
    mail["To"] = ", ".join(message.recipients)
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = message_id(message.key, settings.sender)
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    mail["Content-Language"] = language
    mail[KEY_HEADER] = message.key
    mail.set_content(message.body)
    return mail


class Mailer:
    """One SMTP connection, opened on the first message and reused for the rest of a batch."""

    def __init__(self, settings: SmtpSettings, language: str) -> None:
        self.settings = settings
        self.language = language
        self._smtp: smtplib.SMTP | None = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            s = self.settings
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.starttls:
                smtp.starttls()
            if s.user:
                smtp.login(s.user, s.password)
            self._smtp = smtp
        return self._smtp

    def send(self, message: OutboxMessage) -> None:
        if not message.recipients:
            raise DeliveryError("no recipients")
        try:
            refused = self._connection().send_message(email(message, self.settings, self.language))
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise DeliveryError(f"SMTP {self.settings.host}:{self.settings.port}: {exc}") from exc
        if refused:
            raise DeliveryError(f"refused by the SMTP server: {', '.join(sorted(refused))}")

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


def guard_destination(url: str, guard: AddressGuard) -> None:
    """Refuse a webhook URL whose host is, or resolves to, a non-public address (``net/guard.py``: SSRF).

    The check resolves the name itself; the POST resolves it again (a rebinding window remains, closed only by
    connecting to the checked address — a later step, see docs/MONITOR.md).
    """
    host = httpx.URL(url).host
    if not host:
        raise DeliveryError(f"{url}: no host", permanent=True)
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}
    except (OSError, UnicodeError) as exc:
        raise DeliveryError(f"{url}: cannot resolve {host}: {exc}") from exc
    for address in sorted(addresses):
        try:
            guard.check(str(address).split("%", 1)[0])
        except NonPublicAddressError as exc:
            raise DeliveryError(f"{url}: {exc}", permanent=True) from exc


class Hooks:
    """Signed webhook POSTs (headers in ``monitor.webhook``); the response body is never read; destinations
    pass the address guard first (non-public ones only with ``DOMEINWACHT_ALLOW_NON_PUBLIC``)."""

    def __init__(
        self,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        guard: AddressGuard | None = None,
    ) -> None:
        self.client = httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False, transport=transport)
        self.guard = guard or AddressGuard()

    def send(self, message: OutboxMessage) -> None:
        endpoint = message.endpoint
        if endpoint is None:
            raise DeliveryError("the webhook endpoint was removed")
        guard_destination(endpoint.url, self.guard)
        body = message.body.encode()
        headers = webhook.headers(endpoint.secret, int(time.time()), body, message.key, message.subject)
        try:
            with self.client.stream("POST", endpoint.url, content=body, headers=headers) as response:
                status = response.status_code
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{endpoint.url}: {type(exc).__name__}: {exc}") from exc
        if not 200 <= status < 300:
            raise DeliveryError(f"{endpoint.url}: HTTP {status}")

    def close(self) -> None:
        self.client.close()
