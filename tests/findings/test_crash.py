"""Exactly once across a crash: SIGKILL the sender in the middle of a batch, restart it (PostgreSQL).

Runs in the PostgreSQL pass of scripts/test.sh (DATABASE_URL=postgres://…): the sender is another process and
must see the committed outbox, which the SQLite test database (inside this process's transaction) cannot show.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from domeinwacht.web.findings.models import Delivery, OutboxMessage
from domeinwacht.web.findings.transports import message_id
from findings.receivers import SmtpSink, free_port

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
N = 40
SENDER = "domeinwacht@monitor.test"


@pytest.fixture
def postgres_url():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (DATABASE_URL=postgres://…): the sender runs in another process and cannot see the "
            "SQLite test database; scripts/test.sh runs this in its PostgreSQL pass"
        )
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def slow_smtp():
    """aiosmtpd that takes 50 ms before each 250, so a batch is still going when the sender is killed."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink(delay=0.05)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


def sender(postgres_url, port, tmp_path, *extra):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=postgres_url,
        DJANGO_SETTINGS_MODULE="domeinwacht.web.settings",
        DOMEINWACHT_DATA_DIR=str(tmp_path),
        DOMEINWACHT_SMTP_HOST="127.0.0.1",
        DOMEINWACHT_SMTP_PORT=str(port),
        DOMEINWACHT_MAIL_FROM=SENDER,
        DOMEINWACHT_OUTBOX_LEASE="2",
        DOMEINWACHT_SEND_TIMEOUT="1",
    )
    command = [sys.executable, "-m", "domeinwacht", "monitor", "send", "--batch", "10", "--idle", "0.2", *extra]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_every_message_is_delivered_exactly_once_after_a_sigkill_mid_batch(postgres_url, slow_smtp, tmp_path):
    sink, port = slow_smtp
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            key=f"alert:crash:{i}",
            channel="email",
            kind="alert",
            recipients=[f"security{i}@a.example.nl"],
            subject=f"message {i}",
            body="x\n",
            next_attempt_at=now,
        )
        for i in range(N)
    )
    first = sender(postgres_url, port, tmp_path)
    deadline = time.monotonic() + 60
    while len(sink.received) < 12 and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=10)
    killed_after = len(sink.received)
    assert 12 <= killed_after < N, f"the kill should land mid-run (after {killed_after} of {N})"
    assert OutboxMessage.objects.filter(state=Delivery.SENDING).exists(), "the killed sender held a batch"

    second = sender(postgres_url, port, tmp_path, "--until-empty")
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err.decode()

    expected = {message_id(f"alert:crash:{i}", SENDER) for i in range(N)}
    assert set(sink.unique()) == expected  # every message arrived
    duplicates = len(sink.received) - len(sink.unique())
    # At most the one message accepted in the instant before the kill arrives twice, with the same Message-ID.
    assert duplicates <= 1
    assert OutboxMessage.objects.filter(state=Delivery.SENT).count() == N
    assert b"recovered" in out
