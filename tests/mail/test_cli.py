"""`domeinwacht check --mail` end to end against a local DNS server (the JSON output contract)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator

import pytest

from domeinwacht.cli import main

from . import dns_server

ZONE = {
    ("nomail.nl", "MX"): ["0 ."],
    ("nomail.nl", "TXT"): ['"v=spf1 -all"'],
    ("_dmarc.nomail.nl", "TXT"): ['"v=DMARC1; p=reject"'],
    ("nomail.nl", "SOA"): ["ns.nomail.nl. hostmaster.nomail.nl. 1 3600 600 86400 300"],
}


@pytest.fixture
def resolver() -> Iterator[str]:
    """The DNS server runs on its own event loop in a thread; the CLI runs its own loop."""
    ready = threading.Event()
    stop: asyncio.Future[None] | None = None
    address: list[str] = []
    loop = asyncio.new_event_loop()

    async def serve() -> None:
        nonlocal stop
        stop = loop.create_future()
        async with dns_server.running(ZONE) as (addr, _protocol):
            address.append(addr)
            ready.set()
            await stop

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    assert ready.wait(5)
    try:
        yield address[0]
    finally:
        loop.call_soon_threadsafe(lambda: stop.set_result(None) if stop and not stop.done() else None)
        thread.join(5)
        loop.close()


def test_check_mail_prints_mail_verdicts_as_json(resolver: str, capsys: pytest.CaptureFixture[str]) -> None:
    # The loopback fake serves nomail.nl unsigned, without a root: past the preflight (DNSSEC is not tested here).
    argv = ["check", "--mail", "nomail.nl", "--resolver", resolver, "--allow-non-public", "--skip-preflight"]
    code = main([*argv, "--format", "json"])
    assert code == 0
    checks = json.loads(capsys.readouterr().out)["checks"]
    assert checks["mail.mx"]["status"] == "pass"  # null MX alone
    assert checks["mail.spf.policy"]["status"] == "pass"
    assert checks["mail.dmarc.policy"]["status"] == "pass"
    assert checks["mail.dkim.exists"]["status"] == "not_applicable"  # sends no mail: SPF -all + DMARC reject
    assert checks["mail.starttls.available"]["status"] == "not_applicable"
    assert not any(k.startswith("web.") for k in checks)
