"""`domeinwacht serve` runs gunicorn with whitenoise's hashed, compressed static files — and refuses to start
without a real secret key."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from domeinwacht.web.service.secret_key import weakness
from service.conftest import cli_env, real_key, run_cli

DEV = "django-insecure-development-key-change-me-in-production-0123456789"


def test_serve_refuses_the_development_secret_key(tmp_path):
    done = run_cli(cli_env(tmp_path), "serve", "--port", "1")
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("domeinwacht: error: DJANGO_SECRET_KEY is not set")


def test_serve_refuses_a_short_secret_key(tmp_path):
    done = run_cli(cli_env(tmp_path, DJANGO_SECRET_KEY="short"), "serve", "--port", "1")
    assert done.returncode == 2
    assert "too weak" in done.stderr


def test_debug_mode_may_use_the_development_key():
    from django.test import override_settings

    from domeinwacht.web.service.secret_key import require_real_secret_key

    with override_settings(DEBUG=True):
        require_real_secret_key()  # does not raise


@pytest.mark.parametrize(
    ("key", "weak"),
    [(DEV, True), ("", True), ("django-insecure-" + "x1y2z3" * 10, True), ("a" * 60, True), ("Kx9" * 20, True)],
)
def test_weak_keys_are_named(key, weak):
    assert (weakness(key, DEV) is not None) is weak


def test_a_random_key_is_accepted():
    assert weakness(real_key(), DEV) is None


def test_a_port_out_of_range_is_a_one_line_error(tmp_path):
    done = run_cli(cli_env(tmp_path, DJANGO_SECRET_KEY=real_key()), "serve", "--port", "99999")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["domeinwacht: error: --port 99999 is not a port number (1-65535)"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_port_in_use_is_a_one_line_error(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run_cli(cli_env(tmp_path, DJANGO_SECRET_KEY=real_key()), "serve", "--port", str(port))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "cannot listen" in done.stderr


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("serve")
    port = _free_port()
    env = cli_env(data, DJANGO_SECRET_KEY=real_key())
    process = subprocess.Popen(
        [sys.executable, "-m", "domeinwacht", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines = []
    deadline = time.monotonic() + 120
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("Serving Domeinwacht on "):
            break
    try:
        yield f"http://127.0.0.1:{port}", lines, data
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        process.stdout.close()


def test_serve_prints_the_url_once_it_answers(served):
    base, lines, _ = served
    assert lines[-1].startswith(f"Serving Domeinwacht on {base}/")
    assert httpx.get(f"{base}/health", timeout=5).json()["status"] == "ok"


def test_the_server_is_gunicorn_not_runserver(served):
    base, _, _ = served
    assert httpx.get(f"{base}/health", timeout=5).headers["server"] == "gunicorn"


def test_static_files_are_collected_into_the_data_dir_with_hashed_names(served):
    _, _, data = served
    assert (data / "static" / "staticfiles.json").is_file()
    assert list((data / "static" / "admin" / "css").glob("base.*.css.gz"))


def test_pages_link_the_hashed_static_files_and_they_are_served_compressed(served):
    base, _, _ = served
    login = httpx.get(f"{base}/admin/login/", timeout=5).text
    hashed = next(part.split('"')[0] for part in login.split('href="')[1:] if "/static/admin/css/base." in part)
    assert hashed != "/static/admin/css/base.css"
    response = httpx.get(f"{base}{hashed}", headers={"Accept-Encoding": "gzip"}, timeout=5)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "immutable" in response.headers["cache-control"]


def test_server_logs_are_json_lines(served):
    import json

    _, lines, _ = served
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    assert entries and all(entry["logger"].startswith("gunicorn") for entry in entries)
