"""`domeinwacht measure --workers 2`: two processes share the work, every domain is measured exactly once, and
the stored verdicts equal those of a one-process run."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from measurements.conftest import PLUGIN, TESTS

N = 120


def _measure(tmp_path: Path, name: str, *extra: str) -> subprocess.CompletedProcess[str]:
    listing = tmp_path / "domains.txt"
    listing.write_text("".join(f"gemeente{i:03d}.example.nl\n" for i in range(N)))
    env = dict(os.environ)
    env.update(
        DOMEINWACHT_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PYTHONPATH=os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")]),
        DOMEINWACHT_FAKE_DELAY="0.02",
        DOMEINWACHT_FAKE_LOG=str(tmp_path / f"{name}.log"),
        DOMEINWACHT_BACKEND="local",
    )
    command = [sys.executable, "-m", "domeinwacht", "measure", "--domains", str(listing), "--name", name]
    command += [
        "--plugin",
        PLUGIN,
        "--group",
        "fakescan",
        "--resolver",
        "127.0.0.1:9",
        "--no-progress",
        "--skip-preflight",
        *extra,
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)


def _verdicts(db: Path, name: str) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db, timeout=30) as connection:
        return connection.execute(
            "select r.domain, c.check_id, c.status from measurements_checkoutcome c "
            "join measurements_result r on c.result_id = r.id "
            "join measurements_measurement m on r.measurement_id = m.id where m.name = ? order by 1, 2",
            (name,),
        ).fetchall()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    tmp_path = tmp_path_factory.mktemp("workers")
    single = _measure(tmp_path, "one")
    assert single.returncode == 0, single.stderr
    double = _measure(tmp_path, "two", "--workers", "2")
    return tmp_path, double


def test_two_worker_processes_finish_the_measurement(runs: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    tmp_path, double = runs
    assert double.returncode == 0, double.stderr
    assert f"finished 'two': {N} domains" in double.stdout
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        status = connection.execute("select status from measurements_measurement where name = 'two'").fetchone()
    assert status == ("finished",)


def test_every_domain_is_observed_once_across_the_workers(runs: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    tmp_path, _ = runs
    observed = (tmp_path / "two.log").read_text().split()
    assert len(observed) == N
    assert len(set(observed)) == N


def test_the_workers_store_the_same_verdicts_as_one_process(
    runs: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tmp_path, _ = runs
    one = _verdicts(tmp_path / "db.sqlite3", "one")
    two = _verdicts(tmp_path / "db.sqlite3", "two")
    assert len(one) == N * 2
    assert two == one
