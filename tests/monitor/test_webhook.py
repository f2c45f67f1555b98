"""Webhook signatures and the retry schedule (monitor/webhook.py, monitor/backoff.py)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domeinwacht.monitor import webhook
from domeinwacht.monitor.backoff import Backoff


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    expected = hmac.new(b"s3cret", b"1700000000." + b'{"a":1}', hashlib.sha256).hexdigest()
    assert webhook.signature("s3cret", 1700000000, b'{"a":1}') == "sha256=" + expected


def test_a_receiver_accepts_a_fresh_correct_signature():
    headers = webhook.headers("k", 1000, b"body", "key-1", "findings.changed")
    assert webhook.verify("k", headers[webhook.TIMESTAMP_HEADER], b"body", headers[webhook.SIGNATURE_HEADER], now=1010)
    assert headers[webhook.IDEMPOTENCY_HEADER] == "key-1"


def test_a_receiver_rejects_an_old_timestamp():
    sig = webhook.signature("k", 1000, b"body")
    assert not webhook.verify("k", "1000", b"body", sig, now=1000 + webhook.TOLERANCE_SECONDS + 1)


def test_a_receiver_rejects_a_changed_body_or_another_secret():
    sig = webhook.signature("k", 1000, b"body")
    assert not webhook.verify("k", "1000", b"bodY", sig, now=1000)
    assert not webhook.verify("other", "1000", b"body", sig, now=1000)


def test_a_receiver_rejects_a_timestamp_that_is_not_a_number():
    assert not webhook.verify("k", "soon", b"body", "sha256=00", now=1000)


@given(st.binary(max_size=200), st.integers(0, 2**32), st.text(min_size=1, max_size=20))
def test_every_signed_body_verifies(body, timestamp, secret):
    sig = webhook.signature(secret, timestamp, body)
    assert webhook.verify(secret, str(timestamp), body, sig, now=timestamp)


def test_backoff_doubles_from_the_base():
    schedule = Backoff(base=timedelta(seconds=10), max_attempts=5)
    assert [schedule.delay(n) for n in (1, 2, 3)] == [timedelta(seconds=s) for s in (10, 20, 40)]


def test_backoff_is_capped():
    assert Backoff(base=timedelta(seconds=10), cap=timedelta(seconds=25)).delay(3) == timedelta(seconds=25)


def test_after_max_attempts_the_message_is_dead():
    assert Backoff(max_attempts=3).delay(3) is None


def test_a_nonsensical_backoff_is_refused():
    with pytest.raises(ValueError):
        Backoff(max_attempts=0)
