"""`domeinwacht backup` / `restore`: backup -> wipe -> restore gives the identical `report --format json`."""

from __future__ import annotations

import stat
import subprocess
import uuid

import pytest

from measurements.conftest import PLUGIN
from service.conftest import cli_env, run_cli

FAKE = ["--plugin", PLUGIN, "--group", "fakescan", "--resolver", "127.0.0.1:9", "--skip-preflight", "--no-progress"]


def _measure(env, tmp_path):
    listing = tmp_path / "domains.txt"
    listing.write_text("".join(f"gemeente{i:02d}.example.nl\n" for i in range(12)))
    done = run_cli(env, "measure", "--domains", str(listing), "--name", "half-year", *FAKE)
    assert done.returncode == 0, done.stderr


def _report(env):
    done = run_cli(env, "report", "half-year", "--format", "json")
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def sqlite_round_trip(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("backup")
    env = cli_env(tmp / "data")
    _measure(env, tmp)
    before = _report(env)
    backup_file = tmp / "backup.sqlite3"
    made = run_cli(env, "backup", str(backup_file))
    for suffix in ("", "-wal", "-shm"):  # wipe
        (tmp / "data" / f"domeinwacht.sqlite3{suffix}").unlink(missing_ok=True)
    wiped = run_cli(env, "report", "half-year", "--format", "json")
    restored = run_cli(env, "restore", str(backup_file), "--yes")
    return {"env": env, "before": before, "made": made, "wiped": wiped, "restored": restored, "file": backup_file}


def test_backup_writes_a_private_file(sqlite_round_trip):
    assert sqlite_round_trip["made"].returncode == 0, sqlite_round_trip["made"].stderr
    assert stat.S_IMODE(sqlite_round_trip["file"].stat().st_mode) == 0o600


def test_the_wipe_really_lost_the_measurement(sqlite_round_trip):
    assert sqlite_round_trip["wiped"].returncode == 2


def test_restore_gives_the_identical_json_report(sqlite_round_trip):
    assert sqlite_round_trip["restored"].returncode == 0, sqlite_round_trip["restored"].stderr
    assert _report(sqlite_round_trip["env"]) == sqlite_round_trip["before"]


def test_backup_never_overwrites_a_file(sqlite_round_trip):
    done = run_cli(sqlite_round_trip["env"], "backup", str(sqlite_round_trip["file"]))
    assert done.returncode == 2
    expected = f"domeinwacht: error: {sqlite_round_trip['file']} exists; choose a new file name"
    assert done.stderr.strip().splitlines() == [expected]


def test_restore_without_confirmation_refuses_in_one_line(sqlite_round_trip):
    done = run_cli(sqlite_round_trip["env"], "restore", str(sqlite_round_trip["file"]))
    assert done.returncode == 2
    assert "--yes" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_restore_refuses_a_file_that_is_no_backup(tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"hello")
    done = run_cli(cli_env(tmp_path / "data"), "restore", str(junk), "--yes")
    assert done.returncode == 2
    assert "neither a SQLite backup nor a pg_dump" in done.stderr


@pytest.mark.services
def test_postgresql_round_trip_gives_the_identical_json_report(tmp_path):
    name = f"domeinwacht_service_{uuid.uuid4().hex[:8]}"
    admin = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["createdb", *admin, name], check=True, timeout=30)
    try:
        env = cli_env(tmp_path / "data", DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{name}")
        _measure(env, tmp_path)
        before = _report(env)
        made = run_cli(env, "backup", str(tmp_path / "pg.dump"))
        assert made.returncode == 0, made.stderr
        subprocess.run(["dropdb", *admin, "--force", name], check=True, timeout=30)  # wipe
        subprocess.run(["createdb", *admin, name], check=True, timeout=30)
        restored = run_cli(env, "restore", str(tmp_path / "pg.dump"), "--yes")
        assert restored.returncode == 0, restored.stderr
        assert _report(env) == before
    finally:
        subprocess.run(["dropdb", *admin, "--if-exists", "--force", name], check=False, timeout=30)
