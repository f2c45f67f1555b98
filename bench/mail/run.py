"""Mail bench: Domeinwacht, checkdmarc and trustymail on the same lab mail domains.

    sudo bench/mail/setup.sh && sudo .venv/bin/python bench/mail/run.py [--out bench/mail/results]

Needs the running lab (``domeinwacht lab up``). Every tool asks only the lab resolver and talks SMTP only to lab
mail servers; the peers run inside the lab's network namespace, so none of their packets can leave it. For each
domain and each comparable verdict (SPF present, SPF policy, DMARC present, DMARC policy, STARTTLS) the lab's
declared ground truth is set beside the three answers; time per domain is measured per tool.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from domeinwacht.checks.registry import CheckContext, evaluate
from domeinwacht.lab import manager
from domeinwacht.lab.scenario import load
from domeinwacht.scan.env import ScanEnv, ScanOptions
from domeinwacht.scan.observe.mail import observe_mail

BENCH = Path(__file__).resolve().parent.parent
ITEMS = {
    "spf_present": "mail.spf.exists",
    "spf_policy": "mail.spf.policy",
    "dmarc_present": "mail.dmarc.exists",
    "dmarc_policy": "mail.dmarc.policy",
    "starttls": "mail.starttls.available",
}


def truth(spec: Any, check_id: str) -> bool | None:
    """The lab's ground truth as a yes/no: pass = yes, fail = no; anything else is not comparable."""
    expected = spec.expected(check_id)
    if expected is None:
        return None
    if set(expected) <= {"pass"}:
        return True
    if set(expected) <= {"fail"}:
        return False
    return None


def ours_verdicts(results: dict[str, Any]) -> dict[str, bool | None]:
    out: dict[str, bool | None] = {}
    for item, check_id in ITEMS.items():
        status = results[check_id].status.value if check_id in results else None
        out[item] = True if status == "pass" else False if status == "fail" else None
    return out


def checkdmarc_verdicts(data: dict[str, Any]) -> dict[str, bool | None]:
    spf = data.get("spf") or {}
    dmarc = data.get("dmarc") or {}
    mx = data.get("mx") or {}
    parsed = spf.get("parsed") or {}
    tags = dmarc.get("tags") or {}
    policy = (tags.get("p") or {}).get("value")
    pct = (tags.get("pct") or {}).get("value", 100)
    hosts = mx.get("hosts") or []
    starttls = [h.get("starttls") for h in hosts]
    return {
        "spf_present": bool(spf.get("record")),
        "spf_policy": bool(spf.get("valid")) and parsed.get("all") in ("fail", "softfail"),
        "dmarc_present": bool(dmarc.get("record")) and bool(dmarc.get("valid")),
        "dmarc_policy": bool(dmarc.get("valid")) and policy in ("quarantine", "reject") and int(pct) == 100,
        "starttls": (all(s is True for s in starttls) if starttls and None not in starttls else None),
    }


def trustymail_verdicts(data: dict[str, Any]) -> dict[str, bool | None]:
    def flag(name: str) -> bool | None:
        value = data.get(name)
        return value if isinstance(value, bool) else None

    pct = data.get("DMARC Policy Percentage")
    return {
        "spf_present": flag("SPF Record"),
        "spf_policy": flag("Valid SPF"),
        "dmarc_present": flag("DMARC Record"),
        "dmarc_policy": (flag("Valid DMARC") is True)
        and data.get("DMARC Policy") in ("quarantine", "reject")
        and (pct in (None, "", 100, "100")),
        "starttls": flag("Domain Supports STARTTLS") if data.get("MX Record") else None,
    }


def run_ours(names: list[str], options: ScanOptions) -> dict[str, dict[str, Any]]:
    async def main() -> dict[str, dict[str, Any]]:
        env = ScanEnv(options)  # one run: shared MX hosts are probed once, as in production
        out = {}
        for name in names:
            started = time.monotonic()
            results = evaluate(await observe_mail(name, env), CheckContext())
            out[name] = {"seconds": time.monotonic() - started, "verdicts": ours_verdicts(results)}
        return out

    return asyncio.run(main())


def in_namespace(namespace: str, command: list[str], timeout: float) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run(
        ["ip", "netns", "exec", namespace, *command], check=False, capture_output=True, text=True, timeout=timeout
    )
    return done, time.monotonic() - started


def run_checkdmarc(name: str, resolver: str, namespace: str) -> dict[str, Any]:
    tool = str(BENCH / ".venv-checkdmarc/bin/checkdmarc")
    done, seconds = in_namespace(
        namespace, [tool, "-f", "json", "-n", resolver, "-t", "3", "--check-mx-tls", name], 300
    )
    try:
        data = json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"seconds": seconds, "error": (done.stderr or done.stdout)[-500:], "verdicts": {}}
    return {"seconds": seconds, "verdicts": checkdmarc_verdicts(data), "raw": data}


def run_trustymail(name: str, resolver: str, namespace: str, psl: Path) -> dict[str, Any]:
    tool = str(BENCH / ".venv-trustymail/bin/trustymail")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result"
        done, seconds = in_namespace(
            namespace,
            [
                tool,
                name,
                "--json",
                f"--dns={resolver}",
                "--smtp-ports=25",
                "--timeout=3",
                "--smtp-timeout=10",
                "--smtp-localhost=bench.domeinwacht.invalid",
                f"--psl-filename={psl}",
                "--psl-read-only",
                f"--output={out}",
            ],
            300,
        )
        path = out.with_suffix(".json")
        if not path.exists():
            return {"seconds": seconds, "error": (done.stderr or done.stdout)[-500:], "verdicts": {}}
        data = json.loads(path.read_text())[0]
    return {"seconds": seconds, "verdicts": trustymail_verdicts(data), "raw": data}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    parser.add_argument("--only", nargs="*", help="domains (default: every lab target with mail expectations)")
    args = parser.parse_args()
    status = manager.status()
    if not status:
        raise SystemExit("the lab is not up: run `domeinwacht lab up` first")
    scenario = load(status.get("scenario_source") or None)
    names = args.only or [
        n for n, t in scenario.targets.items() if t.kind in ("mail", "both") and n in status["targets"]
    ]
    resolver = str(status["resolver"][0]).split(":")[0]
    namespace = str(status["namespace"])
    options = ScanOptions(
        resolver=(status["resolver"][0],),
        trust_anchor_file=Path(status["trust_anchor_file"]),
        ca_file=Path(status["ca_file"]),
        allow_non_public=True,
        vrp_file=Path(status["vrp_file"]),
        pfx2as_file=Path(status["pfx2as_file"]),
    )
    import publicsuffixlist

    psl = Path(publicsuffixlist.__file__).parent / "public_suffix_list.dat"
    ours = run_ours(names, options)
    rows = []
    for name in names:
        spec = scenario.targets[name]
        row = {
            "domain": name,
            "truth": {item: truth(spec, check_id) for item, check_id in ITEMS.items()},
            "domeinwacht": ours[name],
            "checkdmarc": run_checkdmarc(name, resolver, namespace),
            "trustymail": run_trustymail(name, resolver, namespace, psl),
        }
        rows.append(row)
        print(name, {t: round(row[t]["seconds"], 2) for t in ("domeinwacht", "checkdmarc", "trustymail")})
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(rows, indent=1, default=str))
    (args.out / "summary.md").write_text(summary(rows))
    print(summary(rows))
    return 0


def summary(rows: list[dict[str, Any]]) -> str:
    tools = ("domeinwacht", "checkdmarc", "trustymail")
    lines = ["| item | " + " | ".join(f"{t} agrees with truth" for t in tools) + " |", "|---|---|---|---|"]
    for item in ITEMS:
        cells = []
        for tool in tools:
            compared = [r for r in rows if r["truth"][item] is not None and r[tool]["verdicts"].get(item) is not None]
            agree = sum(r[tool]["verdicts"][item] == r["truth"][item] for r in compared)
            cells.append(f"{agree}/{len(compared)}")
        lines.append(f"| {item} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("| tool | seconds per domain (mean) | max |")
    lines.append("|---|---|---|")
    for tool in tools:
        times = [r[tool]["seconds"] for r in rows]
        lines.append(f"| {tool} | {sum(times) / len(times):.2f} | {max(times):.2f} |")
    lines.append("")
    lines.append("Disagreements with the ground truth:")
    lines.append("")
    for r in rows:
        for item in ITEMS:
            want = r["truth"][item]
            if want is None:
                continue
            for tool in tools:
                got = r[tool]["verdicts"].get(item)
                if got is not None and got != want:
                    lines.append(f"- {r['domain']} {item}: {tool} says {got}, truth {want}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
