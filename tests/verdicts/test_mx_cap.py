"""A domain with many MX records: the first ten by preference are probed, the rest only named."""

from __future__ import annotations

import asyncio

from domeinwacht.checks.registry import CheckContext, evaluate
from domeinwacht.checks.result import Status
from domeinwacht.observations.mail import MAX_MX_HOSTS, MailObservation
from domeinwacht.scan.env import ScanEnv, ScanOptions
from domeinwacht.scan.observe.mail import observe_mail

from .zonedns import running

COUNT = 15
ZONE = {
    ("example.nl", "MX"): [f"{100 - i} mx{i:02}.example.nl." for i in range(COUNT)],  # mx14 is preferred
    ("example.nl", "TXT"): ['"v=spf1 mx -all"'],
    **{(f"mx{i:02}.example.nl", "A"): ["192.0.2.200"] for i in range(COUNT)},
}


def observe() -> MailObservation:
    async def run() -> MailObservation:
        async with running(ZONE) as resolver:
            env = ScanEnv(ScanOptions(resolver=(resolver,), target_timeout=20, connect_timeout=1, io_timeout=1))
            return (await observe_mail("example.nl", env))["mail"]  # type: ignore[no-any-return]

    return asyncio.run(run())


def test_only_the_first_mx_hosts_by_preference_are_probed():
    mail = observe()
    assert len(mail.mx) == MAX_MX_HOSTS
    assert [h.name for h in mail.mx][:2] == ["mx14.example.nl", "mx13.example.nl"]


def test_the_mx_records_past_the_cap_are_named_not_probed():
    mail = observe()
    assert mail.mx_not_probed == tuple(
        f"{100 - i} mx{i:02}.example.nl" for i in range(COUNT - MAX_MX_HOSTS - 1, -1, -1)
    )
    result = evaluate({"mail": mail}, CheckContext())["mail.mx"]
    assert result.status is Status.PASS
    assert result.evidence["not_probed"] == list(mail.mx_not_probed)
    assert "5 more were not: 96 mx04.example.nl" in result.summary
