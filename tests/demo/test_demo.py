"""`domeinwacht demo` end to end on a slice of the municipalities (the README's main job).

Runs in its own pytest invocation after the rest of the suite (scripts/test.sh), because the demo brings the lab
up with its own scenario and takes it down again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def data_dir():
    """A data directory the lab's unprivileged servers can reach (pytest's tmp_path is private to root)."""
    path = Path(__file__).resolve().parents[2] / "var" / "test-demo"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def demo(data_dir, shared_data):
    if os.geteuid() != 0:
        pytest.fail("the demo needs root (network namespace); CI runs as root", pytrace=False)
    env = {**os.environ, "DOMEINWACHT_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)  # the demo keeps its own SQLite register
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "domeinwacht",
            "demo",
            "--organisations",
            str(shared_data / "organisaties"),
            "--limit",
            "12",
            "--no-serve",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return done


def test_demo_measures_lab_municipalities_and_writes_labelled_reports(demo, data_dir):
    done = demo
    assert "SIMULATED LAB DATA" in done.stdout
    reports = list((data_dir / "demo" / "reports").glob("demo-*.json"))
    assert len(reports) == 1, done.stdout[-2000:]
    body = json.loads(reports[0].read_text())
    assert body["measurement"]["simulated"] is True
    assert body["measurement"]["measured"] == 12
    assert "gemeente" in body["organisation_types"]  # the lab domains carry their municipality
    assert "amsterdam.nl" not in json.dumps(body["domains"])  # only lab domains are measured
    assert list(Path(reports[0].parent).glob("demo-*.csv"))


def test_demo_measures_our_own_site_in_the_lab_and_every_web_check_passes(demo):
    assert "https://domeinwacht.test: " in demo.stdout
    assert "Every web check passes for our own site." in demo.stdout


def test_the_demo_keeps_a_private_secret_key_of_its_own(demo, data_dir):
    key = data_dir / "demo" / "secret_key"
    assert len(key.read_text().strip()) >= 50
    assert key.stat().st_mode & 0o077 == 0


def test_the_lab_is_down_after_the_demo():
    from domeinwacht import lab

    assert not lab.is_up()
