"""`domeinwacht demo`: the main job end to end, on simulated lab data.

1. generate the demo scenario: every active municipality of the organisation data as ``<slug>.test``
   (never a real domain name, so no lab figure can be mistaken for a real measurement);
2. bring the lab up with it (real DNS, web and mail servers in a network namespace);
3. import the organisations into the register, and the lab domains as each municipality's (tagged ``lab``);
4. measure every lab domain (web + mail) under the chosen profile, with a progress bar;
5. print the summary and write the report as text, CSV and JSON (``var/demo/reports/``);
6. dogfooding: the lab publishes Domeinwacht's own site as ``https://domeinwacht.test`` (nginx with the lab CA's
   certificate in front of `domeinwacht serve`, DNSSEC, IPv6); `domeinwacht check domeinwacht.test --lab --web`
   measures it and every web check must pass;
7. serve the web application with gunicorn until interrupted, printing its URL (``--no-serve`` skips this).

The demo never uses the development secret key: without DJANGO_SECRET_KEY it generates a random one, kept in
``var/demo/secret_key`` (0600). It serves plain HTTP on loopback, so it sends cookies without the Secure flag
unless DJANGO_SECURE_COOKIES says otherwise.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from domeinwacht.cli import UserError, main

BANNER = "SIMULATED LAB DATA: every domain below is a <municipality>.test domain in the lab, not a real measurement."
SITE = "domeinwacht.test"  # the lab's copy of our own site (lab/scenarios/default.yaml, docs/LAB.md "Dogfooding")
DOGFOOD_TIMEOUT = 240


def configure(sub: Any) -> None:
    parser = sub.add_parser("demo", help="the main job end to end on simulated lab data (needs root)")
    parser.add_argument(
        "--organisations",
        type=Path,
        default=None,
        help="organisation data folder (one YAML per body); default $DOMEINWACHT_ORGANISATIONS or "
        "../shared/data/organisaties when present",
    )
    parser.add_argument("--policy", default="nl-ptolu-2025", help="policy profile of the measurement")
    parser.add_argument("--rtt-ms", type=int, default=0, help="round-trip delay to add on the lab's wire")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated scenario")
    parser.add_argument("--limit", type=int, default=0, help="measure only the first N municipalities")
    parser.add_argument("--no-serve", action="store_true", help="stop after the report")
    parser.add_argument(
        "--port", type=int, default=8000, help="port to serve on, 1-65535 (checked before the demo starts)"
    )
    parser.add_argument("--keep-lab", action="store_true", help="leave the lab up afterwards")
    parser.set_defaults(handler=run)


def _organisations(given: Path | None) -> Path:
    from domeinwacht import config

    candidates = [given] if given else []
    if not given:
        if config.load().organisations:
            candidates.append(Path(config.load().organisations))
        candidates.append(Path.cwd().parent / "shared" / "data" / "organisaties")
    for path in candidates:
        if path and path.is_dir():
            return path.resolve()
    raise UserError(
        "no organisation data: pass --organisations DIR (one YAML file per organisation, "
        "the format of the Register van Overheidsorganisaties export)"
    )


def _step(n: int, text: str) -> None:
    print(f"\n== {n}. {text}", flush=True)


def _call(argv: list[str]) -> None:
    code = main(argv)
    if code != 0:
        raise UserError(f"`domeinwacht {' '.join(argv)}` failed (exit {code})")


def run(args: argparse.Namespace) -> int:
    from domeinwacht import config
    from domeinwacht.lab import generate

    if not args.no_serve and not 1 <= args.port <= 65535:  # as `serve` would say, but before the demo runs
        raise UserError(f"--port {args.port} is not a port number (1-65535)")
    organisations = _organisations(args.organisations)
    work = config.load().data_dir / "demo"
    work.mkdir(parents=True, exist_ok=True)
    _service_settings(work)
    print(BANNER)

    _step(1, "Generate the demo scenario (every active municipality as <slug>.test)")
    scenario = work / "demo-scenario.yaml"
    _call(["lab", "generate", "demo", str(scenario), "--organisations", str(organisations), "--seed", str(args.seed)])

    _step(2, "Bring the lab up")
    up = ["lab", "up", "--scenario", str(scenario)]
    if args.rtt_ms:
        up += ["--rtt-ms", str(args.rtt_ms)]
    _call(up)
    try:
        _step(3, "Import the register and the lab domains")
        _call(["register", "import-orgs", str(organisations)])
        domains_csv, domains_txt = work / "lab-domains.csv", work / "lab-domains.txt"
        count = _write_lab_domains(generate, scenario, domains_csv, domains_txt, args.limit)
        _call(["register", "import-domains", str(domains_csv)])
        print(f"{count} municipalities have a lab domain")

        _step(4, f"Measure {count} lab domains, web and mail, profile {args.policy}; then the report")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        name = f"demo-{stamp}"
        reports = work / "reports"
        _call(
            [
                "measure",
                "--domains",
                str(domains_txt),
                "--policy",
                args.policy,
                "--name",
                name,
                "--lab",
                "--report-dir",
                str(reports),
            ]
        )
        print(BANNER)
        _step(6, f"Dogfooding: measure our own site, published in the lab as https://{SITE}")
        _dogfood()
        if args.no_serve:
            return 0
        _step(7, "Serve the web application with gunicorn (Ctrl-C stops)")
        return main(["serve", "--port", str(args.port)])
    finally:
        if not args.keep_lab:
            main(["lab", "down"])


def _service_settings(work: Path) -> None:
    """Before Django reads its settings: a real secret key of the demo's own, and cookies without the Secure
    flag (the demo serves http://127.0.0.1)."""
    if not os.environ.get("DJANGO_SECRET_KEY"):
        from domeinwacht.web.service.secret_key import demo_secret_key

        os.environ["DJANGO_SECRET_KEY"] = demo_secret_key(work / "secret_key")
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")


def _dogfood() -> None:
    """`domeinwacht check domeinwacht.test --lab --web`; one line per check that does not pass."""
    command = [sys.executable, "-m", "domeinwacht", "check", SITE, "--lab", "--web", "--format", "json"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=DOGFOOD_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise UserError(f"`domeinwacht check {SITE}` did not finish within {DOGFOOD_TIMEOUT} s") from None
    if done.returncode != 0:
        raise UserError(f"`domeinwacht check {SITE}` failed: {done.stderr.strip().splitlines()[-1:]}")
    checks = json.loads(done.stdout)["checks"]
    counts: dict[str, int] = {}
    for result in checks.values():
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    print(f"https://{SITE}: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
    # not_applicable: no phase-out suite offered (cipher order), no OCSP responder in the lab CA's certificates
    for check_id, result in sorted(checks.items()):
        if result["status"] not in ("pass", "not_applicable"):
            print(f"  [{result['status'].upper()}] {check_id}: {result['summary']}")
    if all(result["status"] in ("pass", "not_applicable") for result in checks.values()):
        print("Every web check passes for our own site.")


def _write_lab_domains(generate: Any, scenario: Path, csv_path: Path, txt_path: Path, limit: int) -> int:
    """Pair every active municipality of the register with its lab domain; write the import CSV and the list."""
    from domeinwacht.lab.scenario import load
    from domeinwacht.web.django_setup import setup

    setup()
    from domeinwacht.web.register.models import Organisation

    targets = set(load(scenario).targets)
    rows = []
    for org in Organisation.objects.filter(type="gemeente", valid_until__isnull=True).order_by("name"):
        domain = generate.slug(org.slug.removeprefix("gemeente-")) + ".test"
        if domain in targets:
            rows.append((domain, org.tooi or org.name))
    if limit:
        rows = rows[:limit]
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["domain", "organisation", "tags"])
        writer.writerows((domain, owner, "lab;simulated") for domain, owner in rows)
    txt_path.write_text("".join(f"{domain}\n" for domain, _ in rows), encoding="utf-8")
    if not rows:
        raise UserError("no municipality of the register matches a lab domain of the demo scenario")
    return len(rows)
