"""Kill -9 in the middle of `domeinwacht measure`, then `--resume`: nothing stored is lost or measured again."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from measurements.conftest import PLUGIN, TESTS

N = 200


def _env(tmp_path: Path, log: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DOMEINWACHT_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PYTHONPATH=os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")]),
        DOMEINWACHT_FAKE_DELAY="0.05",
        DOMEINWACHT_FAKE_LOG=str(log),
        DOMEINWACHT_BACKEND="local",
    )
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "domeinwacht", "measure", *args]


def _query(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db, timeout=10) as connection:
        return connection.execute(sql).fetchall()


def _stored(db: Path) -> int:
    try:
        return _query(db, "select count(*) from measurements_result")[0][0]
    except sqlite3.OperationalError:  # schema not created yet
        return 0


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A 200-domain measurement killed with SIGKILL once at least 40 results are committed, then resumed."""
    tmp_path = tmp_path_factory.mktemp("resume")
    listing = tmp_path / "domains.txt"
    listing.write_text("".join(f"gemeente{i:03d}.example.nl\n" for i in range(N)))
    process = subprocess.Popen(
        _cli(
            "--domains",
            str(listing),
            "--name",
            "halfway",
            "--plugin",
            PLUGIN,
            "--group",
            "fakescan",
            "--resolver",
            "127.0.0.1:9",
            "--skip-preflight",
            "--in-flight",
            "16",
            "--batch-size",
            "5",
            "--flush-seconds",
            "0.3",
        ),
        env=_env(tmp_path, tmp_path / "first.log"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    db = tmp_path / "db.sqlite3"
    deadline = time.monotonic() + 60
    try:
        while _stored(db) < 40:
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the measurement did not get going"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stderr.close()
    at_kill = {
        "stored": {row[0] for row in _query(db, "select domain from measurements_result")},
        "status": _query(db, "select status from measurements_measurement"),
    }
    resume_log = tmp_path / "resume.log"
    resumed = subprocess.run(
        _cli("--resume", "halfway"), check=False, env=_env(tmp_path, resume_log), capture_output=True, timeout=120
    )
    return {"db": db, "at_kill": at_kill, "resumed": resumed, "resume_log": resume_log}


def test_the_kill_left_the_measurement_half_done(run):
    assert 40 <= len(run["at_kill"]["stored"]) < N
    assert run["at_kill"]["status"] == [("running",)]


def test_resume_finishes_with_every_domain_stored_exactly_once(run):
    assert run["resumed"].returncode == 0, run["resumed"].stderr.decode()
    rows = _query(run["db"], "select domain from measurements_result")
    assert len(rows) == N and len(set(rows)) == N
    assert _query(run["db"], "select status, done_count from measurements_measurement") == [("finished", N)]


def test_resume_measures_none_of_the_domains_stored_before_the_kill(run):
    measured_again = set(run["resume_log"].read_text().split()) & run["at_kill"]["stored"]
    assert measured_again == set()


def test_resume_measures_the_domains_not_stored_before_the_kill(run):
    measured = set(run["resume_log"].read_text().split())
    assert measured >= {f"gemeente{i:03d}.example.nl" for i in range(N)} - run["at_kill"]["stored"]
