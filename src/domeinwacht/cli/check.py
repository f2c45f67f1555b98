"""`domeinwacht check DOMAIN…`: measure domains now and print the verdicts (text or JSON).

Contract (other tools drive it; docs/CHECK_OUTPUT.md): exit 0 when the checks ran, whatever the verdicts;
exit 2 with one clear line when they could not (bad arguments, unreadable files, resolver unreachable).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Mapping
from typing import Any

from domeinwacht.checks.registry import TLS_PROFILES
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.cli import UserError
from domeinwacht.cli._scan_args import add_scan_arguments, groups, preflight, scan_options

# Display order and titles of the categories in text output.
CATEGORIES = (
    ("dns", "DNS"),
    ("web.ipv6", "Web: IPv6"),
    ("web.https", "Web: HTTPS"),
    ("web.tls", "Web: TLS"),
    ("web.cert", "Web: certificate"),
    ("web", "Web: HSTS, headers, security.txt, DANE"),
    ("web.rpki", "Web: RPKI"),
    ("mail.tls", "Mail: TLS"),
    ("mail.cert", "Mail: certificate"),
    ("mail.rpki", "Mail: RPKI"),
    ("mail", "Mail"),
    ("hygiene", "Hygiene"),
)

_MARK = {
    Status.PASS: "PASS",
    Status.FAIL: "FAIL",
    Status.WARNING: "WARN",
    Status.INFO: "INFO",
    Status.NOT_APPLICABLE: "N/A ",
    Status.ERROR: "ERR ",
}


def configure(sub: Any) -> None:
    parser = sub.add_parser(
        "check",
        help="measure domains now and print the verdicts",
        description="Measure one or more domains against the standards and print each verdict with "
        "evidence and remedy. Exit 0 when the checks ran, whatever the verdicts.",
    )
    parser.add_argument("domains", nargs="+", metavar="DOMAIN", help="domain names to measure")
    parser.add_argument(
        "--tls-profile",
        choices=TLS_PROFILES,
        default="ncsc-2025-05",
        help="the NCSC TLS guidelines to judge TLS by (default ncsc-2025-05; not the policy profile of `measure`)",
    )
    parser.add_argument(
        "--dmarc",
        choices=("rfc7489", "dmarcbis"),
        default="rfc7489",
        help="the DMARC specification the mail.dmarc.* checks apply (default: rfc7489, as every shipped profile)",
    )
    add_scan_arguments(parser, timeout=120.0)
    parser.add_argument(
        "--no-discover",
        action="store_true",
        help="look only at the domain and www (default: first find hosts under it with AXFR, NSEC walking, "
        "a short wordlist and certificate SANs, so the hygiene checks cover them too)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    parser.set_defaults(handler=run)


def _targets(raw: list[str]) -> list[Any]:
    """What each typed argument means (a name, a ``www.`` name, a web address): ``hosts.TypedTarget``."""
    from domeinwacht.hosts import typed_target
    from domeinwacht.names import InvalidName

    targets = []
    for text in raw:
        try:
            targets.append(typed_target(text))
        except InvalidName as exc:
            raise UserError(f"{text!r} is not a valid domain name or web address: {exc.reason}") from exc
    return targets


def run(args: argparse.Namespace) -> int:
    targets = _targets(args.domains)
    from domeinwacht.discovery.run import CHEAP

    options = scan_options(args, profile=args.tls_profile, discover=() if args.no_discover else CHEAP)
    chosen = set(groups(args))
    reports = asyncio.run(_check_all(targets, options, chosen, args.dmarc, skip_preflight=args.skip_preflight))
    signal = next((r["run_signal"] for r in reports if r.get("run_signal")), None)
    if args.format == "json":
        body: Any = reports[0] if len(reports) == 1 else reports
        json.dump(body, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        if signal:  # most domains failed the same way: say it once, above the verdicts
            sys.stdout.write(f"{signal}\n\n")
        for report in reports:
            sys.stdout.write(render_text(report))
    return 0


async def _check_all(
    targets: list[Any], options: Any, groups: set[str], dmarc_spec: str = "rfc7489", *, skip_preflight: bool = False
) -> list[dict[str, Any]]:
    from domeinwacht.scan.env import ScanEnv
    from domeinwacht.scan.observe import dump_observations
    from domeinwacht.scan.run_signal import domain_symptoms, run_signal
    from domeinwacht.scan.single import check_context, evaluate_domain, observe_domain

    try:
        env = ScanEnv(options)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    # The resolver path first: one that does not answer, lies or strips DNSSEC is a usage problem, not verdicts.
    await preflight(env, skip=skip_preflight)
    options = env.options
    ctx = check_context(options, dmarc_spec=dmarc_spec)
    reports = []
    symptoms = []
    for target in targets:
        observed = await observe_domain(target.domain, env, groups)
        results = evaluate_domain(observed, ctx)
        symptoms.append(domain_symptoms(dump_observations(observed.areas)))
        reports.append(report_json(target.domain, options.profile, results, target=target.to_json()))
    signal = run_signal(symptoms)
    if signal is not None:  # docs/CHECK_OUTPUT.md: every report of the run carries it
        for report in reports:
            report["run_signal"] = signal.message
    return reports


def report_json(
    domain: str, profile: str, results: Mapping[str, CheckResult], *, target: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The JSON contract of docs/CHECK_OUTPUT.md (``target``: what was typed and which hosts were tested, why)."""
    return {
        "domain": domain,
        **({"typed": target["typed"], "hosts": target["hosts"]} if target is not None else {}),
        "profile": profile,
        "checks": {cid: r.to_json() for cid, r in sorted(results.items())},
        "score": score_json(results),
    }


def score_json(results: Mapping[str, CheckResult]) -> dict[str, Any]:
    counts = {s.value: 0 for s in Status}
    for result in results.values():
        counts[result.status.value] += 1
    score: dict[str, Any] = {"counts": counts}
    try:
        from domeinwacht.policy import scoring
    except ImportError:
        return score
    score.update(scoring.score_json(results))
    return score


def _category(check_id: str) -> str:
    for prefix, title in CATEGORIES:
        if check_id == prefix or check_id.startswith(prefix + "."):
            return title
    return "Other"


def render_text(report: Mapping[str, Any]) -> str:
    lines = [f"{report['domain']}  (TLS profile {report['profile']})"]
    for host in report.get("hosts", ()):
        lines.append(f"  tested {host['host']}: {host['why']}")
    lines.append("")
    grouped: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for check_id, result in report["checks"].items():
        grouped.setdefault(_category(check_id), []).append((check_id, result))
    order = [title for _, title in CATEGORIES] + ["Other"]
    for title in sorted(grouped, key=order.index):
        lines.append(f"  {title}")
        for check_id, result in grouped[title]:
            status = Status(result["status"])
            lines.append(f"    [{_MARK[status]}] {check_id}: {result['summary']}")
            if status in (Status.FAIL, Status.WARNING, Status.ERROR) and result.get("remedy"):
                lines.append(f"           remedy: {result['remedy']}")
        lines.append("")
    counts = report["score"]["counts"]
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    lines.append(f"  {summary or 'no checks ran'}")
    internetnl = report["score"].get("internetnl")
    if isinstance(internetnl, dict):
        parts = [f"{part} {internetnl[part]}%" for part in ("web", "mail", "total") if internetnl.get(part) is not None]
        lines.append(f"  Internet.nl-style score: {', '.join(parts)}")
    lines.append("")
    return "\n".join(lines) + "\n"
