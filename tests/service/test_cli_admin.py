"""`domeinwacht admin create-user` makes the first administrator; the database file it creates is 0600."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from service.conftest import cli_env, run_cli

PASSWORD = "correct-horse-battery-staple-9"


@pytest.fixture(scope="module")
def created(tmp_path_factory):
    data = tmp_path_factory.mktemp("admin")
    env = cli_env(data)
    done = run_cli(env, "admin", "create-user", "alice", "--email", "alice@example.nl", "--password-stdin",
                   stdin=PASSWORD + "\n")  # fmt: skip
    return data, env, done


def _users(data):
    with sqlite3.connect(data / "domeinwacht.sqlite3") as db:
        return db.execute("SELECT username, is_superuser, is_staff, password FROM auth_user").fetchall()


def test_create_user_makes_a_superuser(created):
    data, _, done = created
    assert done.returncode == 0, done.stderr
    ((username, superuser, staff, hashed),) = _users(data)
    assert (username, superuser, staff) == ("alice", 1, 1)
    assert hashed.startswith("pbkdf2_sha256$") and PASSWORD not in hashed


def test_the_database_file_is_created_0600(created):
    data, _, _ = created
    assert stat.S_IMODE((data / "domeinwacht.sqlite3").stat().st_mode) == 0o600


def test_an_existing_user_is_a_one_line_error(created):
    _, env, _ = created
    done = run_cli(env, "admin", "create-user", "alice", "--password-stdin", stdin=PASSWORD + "\n")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["domeinwacht: error: user 'alice' already exists"]


def test_a_weak_password_is_refused_in_one_line(created):
    _, env, _ = created
    done = run_cli(env, "admin", "create-user", "bob", "--password-stdin", stdin="12345\n")
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("domeinwacht: error: password refused:")


def test_without_a_terminal_the_password_must_come_from_stdin(created):
    _, env, _ = created
    done = run_cli(env, "admin", "create-user", "carol")
    assert done.returncode == 2
    assert "--password-stdin" in done.stderr


def test_a_group_readable_database_is_tightened_on_use(tmp_path):
    from domeinwacht.web.service.dbfile import create_private

    db = tmp_path / "db.sqlite3"
    db.write_bytes(b"")
    db.chmod(0o644)
    create_private(db)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
