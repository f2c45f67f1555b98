"""Every CLI failure is one line on stderr and exit code 2, never a traceback (issue 13, item 3).

Each test runs the real `domeinwacht` command in a subprocess, with its own data directory (SQLite) so that it
never touches the test database.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = [sys.executable, "-m", "domeinwacht"]


def closed_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (bound once, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(
    args: list[str], tmp_path: Path, stdout: int | None = subprocess.PIPE, **env: str
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DOMEINWACHT_DEBUG"}}
    environ["DOMEINWACHT_DATA_DIR"] = str(tmp_path / "var")
    environ.update(env)
    return subprocess.run(
        COMMAND + args,
        check=False,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
        cwd=tmp_path,
        timeout=120,
    )


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


def test_an_unwritable_data_dir_is_one_line_naming_the_setting(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    line = one_error_line(run(["report", "--list"], tmp_path, DOMEINWACHT_DATA_DIR=str(blocker / "var")))
    assert str(blocker / "var") in line
    assert "DOMEINWACHT_DATA_DIR" in line


def test_an_unreachable_postgresql_is_one_line_without_the_password(tmp_path):
    url = f"postgres://postgres:s3cret-pw@127.0.0.1:{closed_port()}/domeinwacht"
    line = one_error_line(run(["report", "--list"], tmp_path, DATABASE_URL=url))
    assert "database is unreachable" in line
    assert "s3cret-pw" not in line
    assert "postgres://postgres:***@127.0.0.1" in line


def test_an_unreachable_broker_is_one_line_without_the_password(tmp_path):
    (tmp_path / "domains.txt").write_text("example.nl\n")
    broker = f"amqp://guest:s3cret-pw@127.0.0.1:{closed_port()}//"
    done = run(
        ["measure", "--domains", "domains.txt", "--backend", "celery", "--no-progress"],
        tmp_path,
        CELERY_BROKER_URL=broker,
    )
    line = one_error_line(done)
    assert "Celery broker is unreachable" in line
    assert "s3cret-pw" not in line
    listed = run(["report", "--list", "--format", "json"], tmp_path)
    assert listed.stdout.strip() == "[]"  # checked before planning: no measurement left behind


def test_a_port_out_of_range_is_refused_before_serving(tmp_path):
    line = one_error_line(run(["serve", "--port", "99999"], tmp_path))
    assert "99999 is not a port number (1-65535)" in line


def test_a_closed_pipe_is_one_line(tmp_path):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte is written, as with `… | head -0`
    try:
        line = one_error_line(run(["config"], tmp_path, stdout=write_end))
    finally:
        os.close(write_end)
    assert "broken pipe" in line


def test_a_mistake_in_the_arguments_is_one_line_pointing_at_help(tmp_path):
    line = one_error_line(run(["measure", "--domains"], tmp_path))
    assert line.startswith("domeinwacht measure: error:")
    assert "--help" in line


@pytest.fixture
def exploding_plugin(tmp_path):
    (tmp_path / "exploding_plugin.py").write_text('raise RuntimeError("the plugin exploded\\nsecond line")\n')
    (tmp_path / "domains.txt").write_text("example.nl\n")
    return ["measure", "--domains", "domains.txt", "--plugin", "exploding_plugin", "--no-progress"]


def test_an_unexpected_exception_is_one_line_with_a_hint_to_debug(tmp_path, exploding_plugin):
    line = one_error_line(run(exploding_plugin, tmp_path, PYTHONPATH=str(tmp_path)))
    assert "unexpected RuntimeError: the plugin exploded" in line
    assert "--debug" in line


def test_debug_shows_the_traceback_of_an_unexpected_exception(tmp_path, exploding_plugin):
    done = run(exploding_plugin, tmp_path, PYTHONPATH=str(tmp_path), DOMEINWACHT_DEBUG="1")
    assert "Traceback" in done.stderr
    assert "the plugin exploded" in done.stderr


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_lookup_of_a_non_host_is_exit_2_in_text_and_json(tmp_path, fmt):
    line = one_error_line(run(["register", "lookup", "not a host!", "--format", fmt], tmp_path))
    assert "not a host!" in line


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_lookup_of_an_unknown_domain_is_exit_1_in_text_and_json(tmp_path, fmt):
    done = run(["register", "lookup", "www.example.nl", "--format", fmt], tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""


def test_debug_flag_shows_the_traceback_too(tmp_path, exploding_plugin):
    done = run(["--debug", *exploding_plugin], tmp_path, PYTHONPATH=str(tmp_path))
    assert "Traceback" in done.stderr


def test_an_unknown_org_type_is_one_line_listing_the_valid_ones(tmp_path):
    line = one_error_line(run(["measure", "--org-type", "gemeenten"], tmp_path))
    assert "valid: gemeente, provincie, waterschap, ministerie, agentschap, zbo, openbaar-lichaam, other" in line


def test_the_old_profile_flag_is_one_line(tmp_path):
    line = one_error_line(run(["check", "example.nl", "--profile", "ncsc-2.1.1"], tmp_path))
    assert "unrecognized arguments: --profile" in line


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_an_unreadable_import_is_exit_2_in_text_and_json(tmp_path, fmt):
    (tmp_path / "latin1.csv").write_bytes("domain,organisation\nfriesland.nl,Fryslân\n".encode("cp1252"))
    line = one_error_line(run(["register", "import-domains", "latin1.csv", "--format", fmt], tmp_path))
    assert "not UTF-8 encoded" in line
