"""Seeded generators for large scenarios: `demo` (every active municipality gets `<slug>.test`) and `bench`.

A generated target is a *clone* of a default-scenario target (``template:``): it inherits the template's
configuration and expected verdicts, shares its IP addresses and server configuration (nginx server_name
lists, one postfix instance), and gets its own zone (the template's records under its own name, signed with
the template's key) and its own certificate. That keeps 10,000 domains cheap while every one of them still
has ground truth. The spread of faults follows weights loosely based on published Dutch measurements
(most municipalities are largely in order; security.txt, DMARC enforcement and IPv6 lag behind).
"""

from __future__ import annotations

import random
import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from domeinwacht.lab.scenario import ScenarioError

# template target -> weight
SPREAD: dict[str, int] = {
    "green.test": 30,
    "hsts-none.test": 5,
    "hsts-short.test": 3,
    "noredirect.test": 3,
    "redirect-other.test": 2,
    "sectxt-missing.test": 9,
    "sectxt-expired.test": 3,
    "sectxt-legacy.test": 2,
    "headers-none.test": 5,
    "headers-weak.test": 3,
    "headers-middling.test": 4,
    "dane-insecure.test": 4,
    "nodane.test": 4,
    "ipv4only.test": 5,
    "tls10.test": 1,
    "phaseout.test": 2,
    "phaseout-client.test": 1,
    "insufficient.test": 1,
    "dhe2048.test": 1,
    "cert-rsa2048.test": 4,
    "cert-expired.test": 1,
    "rpki-notfound.test": 2,
    "spf-softfail.test": 3,
    "spf-none.test": 1,
    "dmarc-pnone.test": 4,
    "dmarc-none.test": 2,
    "dkim-none.test": 2,
    "mtasts-testing.test": 2,
    "tlsrpt-none.test": 2,
    "nostarttls.test": 1,
    "mx-v4only.test": 2,
}


def _default_data() -> dict[str, Any]:
    ref = resources.files("domeinwacht.lab") / "scenarios" / "default.yaml"
    data: dict[str, Any] = yaml.safe_load(ref.read_text(encoding="utf-8"))
    data.pop("baselines", None)
    return data


def _clone_targets(names: list[str], seed: int, label: str) -> dict[str, Any]:
    rng = random.Random(seed)
    templates = list(SPREAD)
    weights = [SPREAD[t] for t in templates]
    return {name: {"template": rng.choices(templates, weights)[0], "purpose": f"{label} (generated)"} for name in names}


def _scenario(name: str, description: str, clones: dict[str, Any]) -> dict[str, Any]:
    data = _default_data()
    clashes = sorted(set(clones) & set(data["targets"]))
    if clashes:
        raise ScenarioError(f"generated names clash with default targets: {', '.join(clashes)}")
    data["name"] = name
    data["description"] = description
    data["targets"].update(clones)
    return data


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def municipalities(directory: Path) -> list[str]:
    """Slugs of the active municipalities in an organisation register directory (gemeenten/*.yaml)."""
    folder = directory / "gemeenten" if (directory / "gemeenten").is_dir() else directory
    if not folder.is_dir():
        raise ScenarioError(f"{directory} is not an organisation register directory")
    out = []
    for path in sorted(folder.glob("*.yaml")):
        org = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
        if not isinstance(org, dict) or org.get("type") != "gemeente" or org.get("valid_until"):
            continue
        ident = str(org.get("id", ""))
        out.append(slug(ident.split("gemeente-", 1)[1] if "gemeente-" in ident else path.stem))
    return out


def demo(organisations: Path, seed: int = 1) -> dict[str, Any]:
    """Every active municipality as ``<slug>.test`` (never a real domain name)."""
    names = [f"{s}.test" for s in municipalities(organisations)]
    if not names:
        raise ScenarioError(f"no active municipalities found under {organisations}")
    return _scenario(
        "demo",
        f"Demo: {len(names)} active municipalities as lab domains, seed {seed}.",
        _clone_targets(names, seed, "municipality"),
    )


def bench(count: int = 10000, seed: int = 1) -> dict[str, Any]:
    """``count`` generated domains ``bench-NNNNN.test``."""
    names = [f"bench-{i:05d}.test" for i in range(1, count + 1)]
    return _scenario("bench", f"Bench: {count} generated domains, seed {seed}.", _clone_targets(names, seed, "bench"))


def write(data: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path.write_text(yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True), encoding="utf-8")
