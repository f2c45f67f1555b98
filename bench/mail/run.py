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
import shlex
import subprocess
import tempfile
import time
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Sandbox:
    """Where the peers run: the lab's network namespace, in a private mount namespace whose /etc/resolv.conf
    names the lab resolver (so that their own host-name lookups, e.g. of MX hosts, stay in the lab), and with
    the lab CA as the default trust store (SSL_CERT_FILE), as our scanner gets it through ScanOptions.ca_file."""

    namespace: str
    resolv_conf: Path
    ca_file: Path
    cwd: Path

    def run(self, command: list[str], timeout: float) -> tuple[subprocess.CompletedProcess[str], float]:
        inner = " ".join(shlex.quote(c) for c in ["ip", "netns", "exec", self.namespace, "env",
                                                   f"SSL_CERT_FILE={self.ca_file}", *command])  # fmt: skip
        script = f"mount --bind {shlex.quote(str(self.resolv_conf))} /etc/resolv.conf && exec {inner}"
        started = time.monotonic()
        done = subprocess.run(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
            check=False,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return done, time.monotonic() - started


def run_checkdmarc(name: str, resolver: str, sandbox: Sandbox) -> dict[str, Any]:
    tool = str(BENCH / ".venv-checkdmarc/bin/checkdmarc")
    done, seconds = sandbox.run([tool, "-f", "json", "-n", resolver, "-t", "3", "--check-mx-tls", name], 300)
    try:
        data = json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"seconds": seconds, "error": (done.stderr or done.stdout)[-500:], "verdicts": {}}
    notes = [*((data.get("mx") or {}).get("warnings") or [])]
    notes += [str((data.get(k) or {}).get("error")) for k in ("spf", "dmarc") if (data.get(k) or {}).get("error")]
    return {"seconds": seconds, "verdicts": checkdmarc_verdicts(data), "notes": notes, "raw": data}


def run_trustymail(name: str, resolver: str, sandbox: Sandbox, psl: Path) -> dict[str, Any]:
    tool = str(BENCH / ".venv-trustymail/bin/trustymail")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result"
        done, seconds = sandbox.run(
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
    notes = [str(data.get("Syntax Errors") or ""), str(data.get("Debug Info") or "")[:500]]
    return {"seconds": seconds, "verdicts": trustymail_verdicts(data), "notes": [n for n in notes if n], "raw": data}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    parser.add_argument("--only", nargs="*", help="domains (default: every lab target with mail expectations)")
    parser.add_argument("--up", action="store_true", help="bring the default lab up when it is down (and down after)")
    args = parser.parse_args()
    status = manager.status()
    started = False
    if not status and args.up:
        status, started = manager.up(None), True
    if not status:
        raise SystemExit("the lab is not up: run `domeinwacht lab up` first (or pass --up)")
    user = manager.register_user()  # like the pytest fixture: others see that the lab is in use
    try:
        return bench(args, status)
    finally:
        others = manager.unregister_user(user)
        if started and not others:
            manager.down()


def bench(args: argparse.Namespace, status: dict[str, Any]) -> int:
    source = str(status.get("scenario_source") or "default")
    scenario = load(source.removesuffix(".yaml") if "/" not in source else source)
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

    # trustymail downloads the PSL unless its cache file is younger than 24 hours, and its worker processes look
    # for public_suffix_list.dat in the working directory whatever --psl-filename says (1.2.1): give it a fresh
    # copy of the list shipped with publicsuffixlist there (the sandbox's cwd).
    psl = Path(tempfile.mkdtemp()) / "public_suffix_list.dat"
    psl.write_bytes((Path(publicsuffixlist.__file__).parent / "public_suffix_list.dat").read_bytes())
    resolv_conf = psl.parent / "resolv.conf"
    resolv_conf.write_text(f"nameserver {resolver}\n")
    sandbox = Sandbox(namespace, resolv_conf, Path(status["ca_file"]), psl.parent)
    ours = run_ours(names, options)
    rows = []
    for name in names:
        spec = scenario.targets[name]
        row = {
            "domain": name,
            "truth": {item: truth(spec, check_id) for item, check_id in ITEMS.items()},
            "domeinwacht": ours[name],
            "checkdmarc": run_checkdmarc(name, resolver, sandbox),
            "trustymail": run_trustymail(name, resolver, sandbox, psl),
        }
        rows.append(row)
        print(name, {t: round(row[t]["seconds"], 2) for t in ("domeinwacht", "checkdmarc", "trustymail")})
    args.out.mkdir(parents=True, exist_ok=True)
    for row in rows:
        for tool in ("checkdmarc", "trustymail"):
            row[tool].pop("raw", None)  # keep the stored results small; the verdicts are what is compared
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
