"""Fixtures of the service tests: a fresh data directory for CLI subprocesses, a clean throttle cache."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DOMEINWACHT_", "DATABASE_URL"))}
    env.update(
        DOMEINWACHT_DATA_DIR=str(data_dir),
        PYTHONPATH=os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
        DOMEINWACHT_BACKEND="local",
    )
    env.update(extra)
    return env


def run_cli(env: dict[str, str], *args: str, stdin: str = "", timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "domeinwacht", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def real_key() -> str:
    return secrets.token_urlsafe(50)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle and axes counts live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
