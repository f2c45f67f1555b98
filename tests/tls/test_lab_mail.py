"""mail.tls.* / mail.cert.* against the lab's declared ground truth (port 25 after STARTTLS, every MX address).

Needs the lab. One polite run over the mail targets (shared MX hosts are probed once per run, as the mail
observer arranges); the same two CHECKS.md-versus-scenario disagreements as the web test apply.
"""

from __future__ import annotations

import asyncio
import fnmatch
from typing import Any

import pytest

from domeinwacht.checks.registry import CheckContext, evaluate
from domeinwacht.lab.scenario import load
from domeinwacht.scan.env import ScanEnv
from domeinwacht.scan.observe.mail import observe_mail

from .test_lab import DISAGREEMENTS

pytestmark = pytest.mark.lab

SCENARIO = load(None)
MAIL_TARGETS = sorted(
    name
    for name, target in SCENARIO.targets.items()
    if any(cid.startswith(("mail.tls.", "mail.cert.")) for cid in target.expectations())
)


@pytest.fixture(scope="module")
def verdicts(lab: Any) -> dict[str, Any]:
    async def run() -> dict[str, Any]:
        env = ScanEnv(lab.scan_options())
        return {name: await observe_mail(name, env) for name in MAIL_TARGETS}

    observed = asyncio.run(run())
    options = {"ca_file": str(lab.scan_options().ca_file)}
    return {
        name: {
            profile: evaluate(bag, CheckContext(profile=profile, options=options), only_areas={"mail_tls"})
            for profile in ("ncsc-2025-05", "ncsc-2.1.1")
        }
        for name, bag in observed.items()
    }


@pytest.mark.parametrize("profile", ["ncsc-2025-05", "ncsc-2.1.1"])
@pytest.mark.parametrize("name", MAIL_TARGETS)
def test_mail_tls_verdicts_match_the_declared_ground_truth(
    verdicts: dict[str, Any], lab: Any, name: str, profile: str
) -> None:
    target = lab.target(name)
    wrong = {}
    for check_id, expected in target.expectations(profile).items():
        if not check_id.startswith(("mail.tls.", "mail.cert.")):
            continue
        if any(fnmatch.fnmatch(check_id, pattern) for pattern in target.spec.undeclared):
            continue
        result = verdicts[name][profile].get(check_id)
        got = result.status.value if result is not None else "missing"
        if got in expected:
            continue
        declared, per_checks_md, _why = DISAGREEMENTS.get("web." + check_id.split(".", 1)[1], ("", "", ""))
        if expected == (declared,) and got == per_checks_md:
            continue
        wrong[check_id] = (got, expected, result.summary if result is not None else "")
    assert not wrong, wrong
