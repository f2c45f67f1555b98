"""Fixtures of the findings tests: a real SMTP server and a webhook receiver on loopback."""

from __future__ import annotations

import threading

import pytest

from findings.receivers import HookServer, SmtpSink, free_port


@pytest.fixture
def smtp_server(settings):
    """aiosmtpd on 127.0.0.1; the outbox's SMTP settings point at it."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MONITOR_SMTP_HOST = "127.0.0.1"
    settings.MONITOR_SMTP_PORT = port
    settings.MONITOR_MAIL_FROM = "domeinwacht@monitor.test"
    settings.MONITOR_SEND_TIMEOUT = 5.0
    yield sink
    controller.stop()


@pytest.fixture
def hook_server(settings):
    """A webhook receiver on 127.0.0.1 (a non-public address: the guard is lifted, as the lab lifts it)."""
    settings.DOMEINWACHT_ALLOW_NON_PUBLIC = True
    server = HookServer("hook-secret")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
