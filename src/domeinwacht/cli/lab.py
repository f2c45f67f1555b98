"""`domeinwacht lab up|down|status`: the emulated internet (see docs/LAB.md)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from domeinwacht.cli import UserError


def configure(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lab", help="the emulated internet: real DNS/web/mail servers in a network namespace"
    )
    sub = parser.add_subparsers(dest="lab_command", metavar="ACTION")
    p_up = sub.add_parser("up", help="bring the lab up (idempotent)")
    p_up.add_argument(
        "--scenario", default=None, help="scenario YAML file, or a packaged scenario name (default: default)"
    )
    p_up.add_argument(
        "--rtt-ms", type=int, default=0, help="add this round-trip delay (ms) on the wire between host and lab"
    )
    p_up.add_argument("--json", action="store_true", help="print the status as JSON")
    p_up.set_defaults(handler=_up)
    p_down = sub.add_parser("down", help="take the lab down and remove everything it made")
    p_down.set_defaults(handler=_down)
    p_status = sub.add_parser("status", help="describe the running lab")
    p_status.add_argument("--json", action="store_true", help="machine-readable output")
    p_status.set_defaults(handler=_status)
    p_gen = sub.add_parser("generate", help="write a generated scenario (demo or bench) to a file")
    p_gen.add_argument("kind", choices=("demo", "bench"))
    p_gen.add_argument("output", help="where to write the scenario YAML")
    p_gen.add_argument(
        "--organisations", default=None, help="organisation register directory (demo: the municipalities)"
    )
    p_gen.add_argument("--count", type=int, default=10000, help="bench: number of domains")
    p_gen.add_argument("--seed", type=int, default=1, help="random seed (same seed, same scenario)")
    p_gen.set_defaults(handler=_generate)
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)


def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    from domeinwacht.lab.manager import LabError
    from domeinwacht.lab.netns import LabCommandError
    from domeinwacht.lab.scenario import ScenarioError

    try:
        return fn(*args, **kwargs)
    except (LabError, ScenarioError, LabCommandError) as exc:
        raise UserError(f"lab: {exc}") from exc


def _print_status(doc: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(doc, indent=1))
        return
    print(f"lab up: scenario {doc['scenario']} ({len(doc['targets'])} targets, {doc['zones']} zones)")
    print(f"  resolver      {', '.join(doc['resolver'])}")
    print(f"  trust anchor  {doc['trust_anchor_file']}")
    print(f"  CA bundle     {doc['ca_file']}")
    print(f"  RPKI          {doc['vrp_file']}, {doc['pfx2as_file']}")
    print(f"  CT log        {doc['ct_log']}")
    rtt = doc.get("rtt_measured_ms")
    print(f"  RTT           {doc['rtt_ms']} ms asked, {rtt if rtt is not None else '-'} ms measured")
    print(f"  bring-up      {doc['bringup_seconds']['total']} s")
    if doc.get("servers_rss_mib") is not None:
        print(f"  memory        {doc['servers_rss_mib']} MiB (all lab servers)")
    if doc.get("counted"):
        print(f"  counted SYNs  {', '.join(doc['counted'])} (rate-limited MX)")


def _up(args: argparse.Namespace) -> int:
    from domeinwacht.lab import manager

    if args.rtt_ms < 0 or args.rtt_ms > 10000:
        raise UserError("lab: --rtt-ms must be between 0 and 10000")
    doc = _call(manager.up, args.scenario, args.rtt_ms)
    manager.register_cli_user()
    _print_status(doc, args.json)
    return 0


def _down(args: argparse.Namespace) -> int:
    from domeinwacht.lab import manager

    was_up = _call(manager.down)
    print("lab down" if was_up else "lab was not up")
    return 0


def _status(args: argparse.Namespace) -> int:
    from domeinwacht.lab import manager

    doc = manager.status()
    if doc is None:
        if args.json:
            print(json.dumps({"up": False}))
        else:
            print("lab is down")
        return 1
    if doc.get("rtt_ms"):
        doc["rtt_measured_ms"] = manager.measure_rtt(doc)
    _print_status(doc, args.json)
    return 0


def _generate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from domeinwacht.lab import generate

    if args.kind == "demo":
        if not args.organisations:
            raise UserError("lab generate demo: --organisations DIR is required")
        data = _call(generate.demo, Path(args.organisations), seed=args.seed)
    else:
        data = _call(generate.bench, args.count, seed=args.seed)
    generate.write(data, Path(args.output))
    print(f"wrote {args.output} ({len(data['targets'])} targets)")
    return 0
