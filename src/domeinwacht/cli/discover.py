"""`domeinwacht discover DOMAIN… | --org SLUG | --org-type TYPE`: find the hosts the register misses.

Contract (docs/DISCOVERY.md): ``--format json`` prints one object per domain (a list for several):
``{"domain": …, "hosts": [{"name": …, "sources": […], "addresses": […]}], "wildcard": bool, …}``. Exit 0 when
discovery ran (whatever it found), 2 with one line when it could not (bad arguments, resolver unreachable).
Found hosts under a registered domain go into the register (provenance ``discovered``, first/last seen) unless
``--no-store``; how far each CT log was read is kept in ``$DOMEINWACHT_DATA_DIR/discovery/ct-state.json`` so the
next run reads only new entries.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domeinwacht.cli import UserError

CT_STATE_MAX_NAMES = 1_000_000


def configure(sub: Any) -> None:
    from domeinwacht.discovery.run import SOURCES

    parser = sub.add_parser(
        "discover",
        help="find hosts under domains (CT, NSEC, AXFR, wordlist, records, SANs, links)",
        description="Find the hosts under registered domains that the register does not know, with the sources "
        "that found each. Exit 0 when discovery ran.",
    )
    parser.add_argument("domains", nargs="*", metavar="DOMAIN")
    parser.add_argument("--org", metavar="SLUG", help="every active domain of this organisation in the register")
    parser.add_argument("--org-type", metavar="TYPE", help="every active domain of organisations of TYPE")
    parser.add_argument(
        "--sources",
        default=",".join(SOURCES),
        help=f"comma-separated sources to run (default: all: {','.join(SOURCES)})",
    )
    parser.add_argument("--wordlist", type=Path, metavar="TSV", help="labels to try (default: the packaged list)")
    parser.add_argument("--ct-log", action="append", default=[], metavar="URL", help="RFC 6962 log base URL")
    parser.add_argument("--ct-dump", type=Path, action="append", default=[], metavar="FILE",
                        help="CT search export (crt.sh JSON, or one name per line)")  # fmt: skip
    parser.add_argument(
        "--resolver",
        action="append",
        metavar="ADDR[:PORT]",
        default=[],
        help="recursive resolver to ask (repeatable; default: the system resolver)",
    )
    parser.add_argument("--ca-file", type=Path, metavar="PEM", help="trusted root certificates")
    parser.add_argument(
        "--allow-non-public",
        action="store_true",
        help="permit connecting to loopback/private/link-local/documentation addresses",
    )
    parser.add_argument("--lab", action="store_true", help="use the running lab's resolver, CA and CT log")
    parser.add_argument(
        "--skip-preflight", action="store_true", help="discover without verifying the resolver first (docs/DNSSEC.md)"
    )
    parser.add_argument("--no-store", action="store_true", help="do not record found hosts in the register")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    parser.set_defaults(handler=run)


def _sources(text: str) -> tuple[str, ...]:
    from domeinwacht.discovery.run import SOURCES

    chosen = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = [s for s in chosen if s not in SOURCES]
    if unknown or not chosen:
        raise UserError(
            f"--sources: unknown source(s) {', '.join(unknown) or '(none given)'}; known: {', '.join(SOURCES)}"
        )
    return chosen


def _targets(args: argparse.Namespace) -> list[str]:
    from domeinwacht.names import InvalidName, hostname_from_url, normalise_hostname

    if not args.domains and not args.org and not args.org_type:
        raise UserError("name at least one DOMAIN, or --org SLUG, or --org-type TYPE")
    domains: list[str] = []
    for text in args.domains:
        try:
            domains.append(normalise_hostname(hostname_from_url(text) if "://" in text else text))
        except InvalidName as exc:
            raise UserError(f"{text!r} is not a valid domain name: {exc}") from exc
    if args.org or args.org_type:
        from domeinwacht.web.django_setup import setup

        setup()
        from domeinwacht.web.register.discovered import UnknownSelection, domains_of

        try:
            domains += domains_of(org=args.org, org_type=args.org_type)
        except UnknownSelection as exc:
            raise UserError(str(exc)) from exc
    return list(dict.fromkeys(domains))


def _state_file() -> Path:
    from domeinwacht import config

    return config.load().data_dir / "discovery" / "ct-state.json"


def _load_state(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {"logs": {}, "names": []}
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: unreadable CT state ({exc}); delete it to read the logs from the start") from exc
    if not isinstance(data, dict):
        raise UserError(f"{path}: unreadable CT state; delete it to read the logs from the start")
    return data


def _save_state(path: Path, logs: dict[str, int], names: set[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"logs": logs, "names": sorted(names)[:CT_STATE_MAX_NAMES]}), "utf-8")
    os.replace(tmp, path)


def run(args: argparse.Namespace) -> int:
    from domeinwacht.discovery import ct, wordlist
    from domeinwacht.net.dns import parse_server

    sources = _sources(args.sources)
    domains = _targets(args)
    for server in args.resolver:
        try:
            parse_server(server)
        except ValueError as exc:
            raise UserError(f"--resolver {server!r}: not an address[:port] ({exc})") from exc
    for flag, path in (
        ("--wordlist", args.wordlist),
        ("--ca-file", args.ca_file),
    ):
        if path is not None and not path.is_file():
            raise UserError(f"{flag} {path}: no such file")
    try:
        labels = tuple(label for label, _ in wordlist.load(str(args.wordlist) if args.wordlist else None))
    except (OSError, ValueError) as exc:
        raise UserError(f"--wordlist: {exc}") from exc
    dump_names: set[str] = set()
    for path in args.ct_dump:
        try:
            dump_names |= {n.lower().rstrip(".") for n in ct.names_from_dump(path.read_text("utf-8"))}
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise UserError(f"--ct-dump {path}: {exc}") from exc
    results = asyncio.run(_discover_all(args, domains, sources, labels, dump_names))
    if not args.no_store:
        _store(results)
    if args.format == "json":
        body: Any = results[0] if len(results) == 1 else results
        json.dump(body, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for found in results:
            sys.stdout.write(render_text(found))
    return 0


async def _discover_all(
    args: argparse.Namespace, domains: list[str], sources: tuple[str, ...], labels: tuple[str, ...], dumps: set[str]
) -> list[dict[str, Any]]:
    from domeinwacht.discovery import ct
    from domeinwacht.discovery.context import DiscoveryContext
    from domeinwacht.discovery.run import discover
    from domeinwacht.net.dns import DnsError, Resolver, ResolverConfig
    from domeinwacht.net.guard import AddressGuard

    resolvers = tuple(args.resolver)
    ca_file = args.ca_file
    allow = args.allow_non_public
    from domeinwacht import config

    ct_logs = list(args.ct_log) or list(config.load().ct_logs)
    if args.lab:
        from domeinwacht.cli._scan_args import lab_options
        from domeinwacht.lab import status

        lab = lab_options()
        resolvers = resolvers or lab.resolver
        ca_file = ca_file or lab.ca_file
        allow = True
        running = status() or {}
        if not ct_logs and running.get("ct_log"):
            ct_logs = [running["ct_log"]]
    else:
        from domeinwacht.cli._scan_args import embedded_resolver

        resolvers = resolvers or embedded_resolver()
    guard = AddressGuard(allow_non_public=allow)
    try:
        resolver = Resolver(ResolverConfig(nameservers=resolvers), guard=guard)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    if args.skip_preflight:
        try:
            await resolver.query(".", "NS")
        except DnsError as exc:
            raise UserError(
                f"resolver unreachable ({', '.join(resolvers) or 'the system resolver'}): {exc.reason}"
            ) from exc
    else:  # a resolver that rewrites NXDOMAIN would make every wordlist label "exist" (docs/DNSSEC.md, preflight)
        from domeinwacht.cli._scan_args import resolver_name
        from domeinwacht.net.dnssec import TrustAnchorError, load_trust_anchors
        from domeinwacht.net.preflight import preflight

        try:
            anchors = load_trust_anchors(lab.trust_anchor_file if args.lab else None)
        except TrustAnchorError as exc:
            raise UserError(f"trust anchor unusable: {exc}") from exc
        checked = await preflight(resolver, anchors, zone="test" if args.lab else "nl")
        if not checked.ok:
            name = resolver_name(argparse.Namespace(resolver=resolvers))
            raise UserError(f"resolver {name} {checked.problem} (preflight; --skip-preflight discovers anyway)")
    state_path = _state_file()
    state = _load_state(state_path) if "ct" in sources else {"logs": {}, "names": []}
    ctx = DiscoveryContext(
        resolver=resolver,
        guard=guard,
        ca_file=ca_file,
        ct_logs=tuple(ct_logs),
        ct_start={k: int(v) for k, v in state.get("logs", {}).items() if k in ct_logs},
        ct_names={*state.get("names", []), *dumps},
        wordlist=labels,
    )
    if "ct" in sources:
        report = await ct.refresh(ctx)
        if report.detail.get("read_to"):
            _save_state(state_path, {**state.get("logs", {}), **report.detail["read_to"]}, ctx.ct_names)
    learned: list[str] = []  # labels found at one organisation are tried at the others
    results: list[dict[str, Any]] = []
    with _progress(len(domains)) as advance:
        for domain in domains:
            found = await discover(domain, ctx, sources, extra_labels=tuple(learned))
            for host in found.hosts:
                label = host.name[: -len(domain) - 1].split(".")[-1]
                if label and label not in labels and label not in learned:
                    learned.append(label)
            results.append(found.to_json())
            advance(domain)
    return results


class _progress:
    """A progress bar on stderr (when it is a terminal and there is more than one domain)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar: Any = None

    def __enter__(self) -> Any:
        if self.total > 1 and sys.stderr.isatty():
            from rich.progress import Progress

            self.bar = Progress(transient=True)
            self.bar.start()
            task = self.bar.add_task("discovering", total=self.total)
            return lambda domain: self.bar.update(task, advance=1, description=domain)
        return lambda domain: None

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _store(results: list[dict[str, Any]]) -> None:
    from domeinwacht.web.django_setup import setup

    setup()
    from domeinwacht.web.register.discovered import record

    now = datetime.now(UTC)
    for found in results:
        record(found, now)


def render_text(found: dict[str, Any]) -> str:
    lines = [f"{found['domain']}: {len(found['hosts'])} host(s)" + ("  [wildcard zone]" if found["wildcard"] else "")]
    for host in found["hosts"]:
        where = ", ".join(host["addresses"]) or (
            "alias of " + host["cname_chain"][-1] if host.get("cname_chain") else ""
        )
        lines.append(f"  {host['name']:<40} {','.join(host['sources']):<24} {where}")
    for name, report in found["sources"].items():
        note = f" — {report['error']}" if report["error"] else ""
        lines.append(f"  source {name}: {report['found']} name(s), {report['queries']} request(s){note}")
    return "\n".join(lines) + "\n\n"
