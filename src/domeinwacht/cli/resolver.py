"""`domeinwacht resolver up|down|status`: the embedded validating resolver (domeinwacht/resolver, docs/DNSSEC.md)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from domeinwacht.cli import UserError


def configure(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "resolver", help="a local validating resolver for measurements (check and measure use it when running)"
    )
    sub = parser.add_subparsers(dest="resolver_command", metavar="ACTION")
    p_up = sub.add_parser("up", help="start it (idempotent): iterates from the root, IANA trust anchor")
    p_up.add_argument(
        "--lab", action="store_true", help="root hints and trust anchor of the running lab's root (for tests)"
    )
    p_up.set_defaults(handler=_up)
    p_down = sub.add_parser("down", help="stop it")
    p_down.set_defaults(handler=_down)
    p_status = sub.add_parser("status", help="is it running, where, with which root and anchor")
    p_status.add_argument("--json", action="store_true", help="machine-readable output")
    p_status.set_defaults(handler=_status)
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)


def lab_setup() -> Any:
    """Root hints naming the lab root's server and the lab's trust anchor; ``test.``/``invalid.`` resolve."""
    from pathlib import Path

    from domeinwacht import lab, resolver
    from domeinwacht.lab.addresses import INFRA

    doc = lab.status() if lab.is_up() else None
    if doc is None:
        raise UserError("the lab is not up: run `domeinwacht lab up` first")
    v4, v6 = INFRA["ns1"]
    hints = resolver.state_dir() / "lab-root.hints"
    hints.parent.mkdir(parents=True, exist_ok=True)
    hints.write_text(
        f". 3600000 NS ns1.nic.test.\nns1.nic.test. 3600000 A {v4}\n"
        + (f"ns1.nic.test. 3600000 AAAA {v6}\n" if v6 else "")
    )
    return resolver.ResolverSetup(hints, Path(doc["trust_anchor_file"]), ("test.", "invalid."), "lab")


def _up(args: argparse.Namespace) -> int:
    from domeinwacht import resolver

    setup = lab_setup() if args.lab else None
    try:
        doc = resolver.up(setup)
    except resolver.ResolverError as exc:
        raise UserError(f"resolver: {exc}") from exc
    print(f"resolver up on {doc['address']} (pid {doc['pid']}, {doc.get('label', 'internet')} root)")
    return 0


def _down(args: argparse.Namespace) -> int:
    from domeinwacht import resolver

    print("resolver down" if resolver.down() else "resolver was not running")
    return 0


def _status(args: argparse.Namespace) -> int:
    from domeinwacht import resolver

    doc = resolver.status()
    if args.json:
        print(json.dumps(doc, indent=1))
    elif doc["running"]:
        print(f"resolver running on {doc['address']} (pid {doc['pid']}, {doc.get('label', 'internet')} root)")
        print(f"  root hints    {doc.get('root_hints')}")
        print(f"  trust anchor  {doc.get('trust_anchor')}")
    else:
        print(f"resolver not running (would listen on {doc['address']}); start it with `domeinwacht resolver up`")
    return 0
