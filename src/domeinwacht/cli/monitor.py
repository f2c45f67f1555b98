"""`domeinwacht monitor …`: findings from measurements, and the alerts they cause (docs/MONITOR.md).

domeinwacht monitor derive 2026-H2                 # findings of a finished measurement, after the previous one
domeinwacht monitor derive 2026-H2 --open-after 1  # no flapping suppression
domeinwacht monitor send --until-empty             # deliver the queued alerts (mail over SMTP, webhooks)
domeinwacht monitor send                           # keep delivering (a long-running sender)
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from domeinwacht.cli import UserError


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def configure(sub: Any) -> None:
    parser = sub.add_parser(
        "monitor",
        help="findings across measurements, and their alerts",
        description="Derive findings (new, open, fixed, regressed) from consecutive measurements and deliver "
        "the alerts they cause through the outbox.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    derive = actions.add_parser(
        "derive",
        help="derive the findings of a finished measurement",
        description="Compare a finished measurement with the previous derived one of the same selection: update "
        "the findings, record their events and queue the alerts (mail, webhooks) in the outbox.",
    )
    derive.add_argument("measurement", metavar="MEASUREMENT", help="name or id")
    derive.add_argument("--open-after", type=_positive, help="failing measurements before a finding opens")
    derive.add_argument("--close-after", type=_positive, help="passing measurements before a finding is fixed")
    derive.add_argument("--no-alerts", action="store_true", help="update the findings only, queue no alert")
    derive.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    derive.set_defaults(handler=run_derive)
    send = actions.add_parser(
        "send",
        help="deliver the queued alerts (mail, webhooks) from the outbox",
        description="Deliver due outbox messages: mail over SMTP (DOMEINWACHT_SMTP_*), signed webhooks; retry "
        "with backoff, dead-letter after DOMEINWACHT_OUTBOX_MAX_ATTEMPTS. Several senders may run at once.",
    )
    send.add_argument("--batch", type=_positive, default=20, help="messages claimed at a time (default 20)")
    send.add_argument("--until-empty", action="store_true", help="stop when nothing is due")
    send.add_argument("--idle", type=float, default=5.0, help="seconds to wait when nothing is due (default 5)")
    send.set_defaults(handler=run_send)


def run_derive(args: argparse.Namespace) -> int:
    from domeinwacht.web.django_setup import setup

    setup()
    from django.conf import settings

    from domeinwacht.monitor.lifecycle import Thresholds
    from domeinwacht.web.findings import derive
    from domeinwacht.web.measurements import service

    thresholds = Thresholds(
        args.open_after or settings.MONITOR_OPEN_AFTER, args.close_after or settings.MONITOR_CLOSE_AFTER
    )
    try:
        measurement = service.find_measurement(args.measurement)
        summary = derive.derive(measurement, thresholds)
    except (service.MeasurementError, derive.MonitorError) as exc:
        raise UserError(str(exc)) from exc
    out = summary.to_json()
    if not args.no_alerts:
        from domeinwacht.web.findings import alerts

        out["queued"] = alerts.enqueue(measurement)
    if args.format == "json":
        print(json.dumps(out, indent=2))
        return 0
    events = ", ".join(f"{n} {kind}" for kind, n in out["events"].items())
    previous = f" after {summary.previous}" if summary.previous else " (first of its selection)"
    print(f"{summary.measurement}{previous}: {summary.domains} domains; {events}")
    if "queued" in out:
        print("queued: " + (", ".join(f"{n} {kind}" for kind, n in out["queued"].items()) or "nothing"))
    return 0


def run_send(args: argparse.Namespace) -> int:
    from domeinwacht.web.django_setup import setup

    setup()
    from domeinwacht.web.findings.sender import make_sender

    sender = make_sender()
    try:
        total = sender.run(batch=args.batch, idle=max(args.idle, 0.1), until_empty=args.until_empty)
    finally:
        sender.hooks.close()
    print(", ".join(f"{n} {kind}" for kind, n in sorted(total.items()) if n) or "nothing due")
    return 0
