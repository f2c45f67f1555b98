"""pytest integration: the session fixture ``lab``.

    @pytest.mark.lab
    def test_hsts_on_the_green_target(lab):
        target = lab.target("green.test")
        options = lab.scan_options()
        ...
        assert result.status.value in target.expected("web.hsts")

The fixture brings the default scenario up once per session (or reuses a lab that is already up with the same
scenario) and takes it down at the end only if it started it and no other live pytest session still uses
it. Without root the lab tests fail with a clear message (CI runs as root). Set DOMEINWACHT_LAB_SCENARIO to
use another scenario, DOMEINWACHT_LAB_KEEP=1 to leave the lab up after the session.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from domeinwacht.lab.scenario import DEFAULT_PROFILE, Scenario, Target


@dataclass(frozen=True)
class LabTarget:
    """A target as running: its addresses and its declared expectations."""

    name: str
    purpose: str
    kind: str
    ipv4: tuple[str, ...]
    ipv6: tuple[str, ...]
    hosts: tuple[str, ...]
    mx: tuple[str, ...]
    spec: Target

    def expected(self, check_id: str, profile: str = DEFAULT_PROFILE) -> tuple[str, ...] | None:
        """Acceptable statuses for ``check_id`` (``None`` when the scenario does not declare it)."""
        return self.spec.expected(check_id, profile)

    def expectations(self, profile: str = DEFAULT_PROFILE) -> dict[str, tuple[str, ...]]:
        return self.spec.expectations(profile)


class Lab:
    """The running lab as tests see it."""

    def __init__(self, status: dict[str, Any], scenario: Scenario) -> None:
        self.status = status
        self.scenario = scenario

    @property
    def resolver(self) -> str:
        return str(self.status["resolver"][0])

    @property
    def ca_file(self) -> Path:
        return Path(self.status["ca_file"])

    @property
    def trust_anchor_file(self) -> Path:
        return Path(self.status["trust_anchor_file"])

    def target(self, name: str) -> LabTarget:
        name = name.lower().rstrip(".")
        if name not in self.scenario.targets:
            raise KeyError(f"the lab scenario {self.scenario.name!r} has no target {name!r}")
        running = self.status["targets"][name]
        return LabTarget(
            name=name,
            purpose=running["purpose"],
            kind=running["kind"],
            ipv4=tuple(running["ipv4"]),
            ipv6=tuple(running["ipv6"]),
            hosts=tuple(running["hosts"]),
            mx=tuple(running["mx"]),
            spec=self.scenario.targets[name],
        )

    def targets(self) -> list[LabTarget]:
        return [self.target(n) for n in self.scenario.targets]

    def mail_server(self, name: str) -> dict[str, Any]:
        return dict(self.status["mail_servers"][name])

    def scan_options(self, **overrides: Any) -> Any:
        """``ScanOptions`` pointing the scanner at the lab (resolver, trust anchor, CA, RPKI data).

        Fails when the lab is no longer up (another session replaced it): with the lab down, the lab
        prefixes are not routed into the namespace and a scan must not send anything there.
        """
        from domeinwacht.lab.manager import is_up
        from domeinwacht.scan.env import ScanOptions

        if not is_up():
            pytest.fail("the lab is down (taken down or replaced by another session)", pytrace=False)

        values: dict[str, Any] = {
            "resolver": (self.resolver,),
            "trust_anchor_file": Path(self.status["trust_anchor_file"]),
            "ca_file": Path(self.status["ca_file"]),
            "allow_non_public": True,
            "preflight_zone": "test",
            "vrp_file": Path(self.status["vrp_file"]),
            "pfx2as_file": Path(self.status["pfx2as_file"]),
        }
        values.update(overrides)
        return ScanOptions(**values)

    def connection_counts(self) -> dict[str, int]:
        """SYNs counted per rate-limited MX address ("server:ip" -> count) since bring-up."""
        from domeinwacht.lab.manager import connection_counts

        return connection_counts()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "lab: needs the lab (root, network namespace, Debian servers)")


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    from domeinwacht.lab import manager
    from domeinwacht.lab.scenario import load

    if os.geteuid() != 0:
        pytest.fail(
            "lab tests need root: the lab creates a network namespace and runs DNS/web/mail servers "
            "(CI runs as root; run `sudo -E .venv/bin/pytest -m lab`)",
            pytrace=False,
        )
    scenario_name = os.environ.get("DOMEINWACHT_LAB_SCENARIO") or None
    scenario = load(scenario_name)
    before = manager.status()
    reused = bool(before and before.get("scenario_digest") == scenario.digest)
    status = before if reused and before else manager.up(scenario_name)
    user = manager.register_user()
    try:
        yield Lab(status, scenario)
    finally:
        others = manager.unregister_user(user)
        # the last user takes it down (a lab brought up by `lab up` on the command line stays up)
        if not others and os.environ.get("DOMEINWACHT_LAB_KEEP") != "1":
            manager.down()
