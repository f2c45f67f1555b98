"""The scan options shared by `check` and `measure`: one definition of the flags and of their validation."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from domeinwacht.cli import UserError


def add_scan_arguments(parser: argparse.ArgumentParser, *, timeout: float) -> None:
    """--web/--mail, resolver, trust anchor, CA, RPKI data, DKIM selectors, address guard, --lab, --timeout."""
    parser.add_argument("--web", action="store_true", help="web checks (default: web and mail)")
    parser.add_argument("--mail", action="store_true", help="mail checks (default: web and mail)")
    parser.add_argument(
        "--resolver",
        action="append",
        metavar="ADDR[:PORT]",
        default=[],
        help="recursive resolver to ask (repeatable; default: the system resolver)",
    )
    parser.add_argument("--trust-anchor", type=Path, metavar="FILE", help="DNSSEC trust anchor (DS/DNSKEY records)")
    parser.add_argument("--ca-file", type=Path, metavar="PEM", help="trusted root certificates")
    parser.add_argument("--vrp-file", type=Path, metavar="JSON", help="RPKI VRP export")
    parser.add_argument("--pfx2as-file", type=Path, metavar="FILE", help="prefix-to-origin table")
    parser.add_argument(
        "--dkim-selector",
        action="append",
        default=[],
        metavar="SELECTOR",
        help="DKIM selector to look up besides the common ones (repeatable)",
    )
    parser.add_argument(
        "--allow-non-public",
        action="store_true",
        help="permit scanning loopback/private/link-local/documentation addresses",
    )
    parser.add_argument("--lab", action="store_true", help="use the running lab's resolver, trust anchor and CA")
    parser.add_argument(
        "--skip-preflight",
        action="store_true",
        help="measure without verifying the resolver first; every DNSSEC verdict is then error",
    )
    parser.add_argument("--timeout", type=float, default=timeout, help=f"seconds per domain (default {timeout:g})")


def groups(args: argparse.Namespace) -> tuple[str, ...]:
    chosen = [g for g in ("web", "mail") if getattr(args, g)] + list(getattr(args, "group", []))
    return tuple(chosen) or ("web", "mail")


def scan_options(args: argparse.Namespace, **extra: Any) -> Any:
    """Validate the scan flags (one clear line for each mistake) and build the ``ScanOptions``."""
    from domeinwacht.net.dns import parse_server
    from domeinwacht.scan.env import ScanOptions

    for server in args.resolver:
        try:
            parse_server(server)
        except ValueError as exc:
            raise UserError(f"--resolver {server!r}: not an address[:port] ({exc})") from exc
    from domeinwacht.config import rpki_files

    # RPKI data: the flags, else the configured files (DOMEINWACHT_VRP_FILE / DOMEINWACHT_PFX2AS_FILE).
    vrp_env, pfx2as_env = rpki_files()
    vrp_file = args.vrp_file or (None if args.lab else vrp_env)
    pfx2as_file = args.pfx2as_file or (None if args.lab else pfx2as_env)
    for flag, path in (
        ("--trust-anchor", args.trust_anchor),
        ("--ca-file", args.ca_file),
        ("--vrp-file" if args.vrp_file else "DOMEINWACHT_VRP_FILE", vrp_file),
        ("--pfx2as-file" if args.pfx2as_file else "DOMEINWACHT_PFX2AS_FILE", pfx2as_file),
    ):
        if path is not None and not path.is_file():
            raise UserError(f"{flag} {path}: no such file")
    if args.timeout <= 0:
        raise UserError("--timeout must be positive")
    if args.trust_anchor is not None:
        from domeinwacht.net.dnssec import TrustAnchorError, load_trust_anchors

        try:
            load_trust_anchors(args.trust_anchor)
        except TrustAnchorError as exc:
            raise UserError(f"--trust-anchor {args.trust_anchor}: {exc}") from exc
    base = lab_options() if args.lab else ScanOptions()
    return ScanOptions(
        resolver=tuple(args.resolver) or base.resolver or embedded_resolver(),
        trust_anchor_file=args.trust_anchor or base.trust_anchor_file,
        ca_file=args.ca_file or base.ca_file,
        allow_non_public=args.allow_non_public or base.allow_non_public,
        dkim_selectors=tuple(args.dkim_selector) or base.dkim_selectors,
        vrp_file=vrp_file or base.vrp_file,
        pfx2as_file=pfx2as_file or base.pfx2as_file,
        target_timeout=args.timeout,
        preflight_zone=base.preflight_zone,
        **extra,
    )


def embedded_resolver() -> tuple[str, ...]:
    """The embedded resolver's address when it runs (`domeinwacht resolver up`): the default over the system's."""
    from domeinwacht import resolver

    running = resolver.running_address()
    return (running,) if running else ()


def lab_options() -> Any:
    """The running lab's resolver, trust anchor, CA and RPKI files; refuses when the lab is down."""
    from domeinwacht import lab

    if not lab.is_up():
        raise UserError("the lab is not up: run `domeinwacht lab up` first")
    try:
        return lab.scan_options()
    except RuntimeError as exc:  # went down in between
        raise UserError(str(exc)) from exc


def resolver_name(options: Any) -> str:
    """The resolver path in words, for one-line messages."""
    from domeinwacht.net.dns import system_nameservers

    if options.resolver:
        return ", ".join(options.resolver)
    return f"{', '.join(system_nameservers()) or '(none in /etc/resolv.conf)'} (the system resolver)"


async def preflight(env: Any, *, skip: bool) -> None:
    """The resolver preflight (net/preflight.py) on the run's own resolver: refuse with one line, or, with
    ``--skip-preflight``, run without trusting DNSSEC (``ScanOptions.dnssec_untrusted``)."""
    import dataclasses

    from domeinwacht.net.dnssec import TrustAnchorError
    from domeinwacht.net.preflight import preflight as verify
    from domeinwacht.scan.observe.dns import trust_anchors

    name = resolver_name(env.options)
    if skip:
        reason = (
            f"DNSSEC not validated: the resolver preflight was skipped (--skip-preflight), so the answers of "
            f"{name} are not trusted"
        )
        env.options = dataclasses.replace(env.options, dnssec_untrusted=reason)
        return
    try:
        anchors = await trust_anchors(env)
    except TrustAnchorError as exc:
        raise UserError(f"trust anchor unusable: {exc}") from exc
    result = await verify(env.resolver, anchors, zone=env.options.preflight_zone)
    if not result.ok:
        raise UserError(f"resolver {name} {result.problem} (preflight; --skip-preflight measures anyway)")


def preflight_options(options: Any, *, skip: bool) -> Any:
    """``preflight`` for a run that builds its own environment later (``measure``): the options to store."""
    import asyncio

    from domeinwacht.scan.env import ScanEnv

    async def run() -> Any:
        try:
            env = ScanEnv(options)
        except ValueError as exc:
            raise UserError(str(exc)) from exc
        await preflight(env, skip=skip)
        return env.options

    return asyncio.run(run())
