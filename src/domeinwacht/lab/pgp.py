"""A real OpenPGP cleartext signature for the signed security.txt variant (gpg, with a cached lab key)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

UID = "Domeinwacht Lab Security <security@lab.test>"


def available() -> bool:
    return shutil.which("gpg") is not None


def clearsign(text: str, home: Path) -> str:
    """``text`` wrapped in a cleartext signature made with the lab key (generated once into ``home``)."""
    home.mkdir(parents=True, exist_ok=True)
    home.chmod(0o700)
    env = {**os.environ, "GNUPGHOME": str(home)}
    base = ["gpg", "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", ""]
    try:
        if not any(home.glob("pubring.kbx")) or not _has_secret(env):
            subprocess.run(
                [*base, "--quick-gen-key", UID, "ed25519", "sign", "never"],
                env=env,
                check=True,
                capture_output=True,
                timeout=60,
            )
        done = subprocess.run(
            [*base, "--local-user", UID, "--clearsign"],
            env=env,
            input=text.encode(),
            check=True,
            capture_output=True,
            timeout=60,
        )
        return done.stdout.decode()
    finally:
        # gpg starts an agent for the secret key; it must not outlive the bring-up.
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=env, capture_output=True, check=False, timeout=10)


def _has_secret(env: dict[str, str]) -> bool:
    out = subprocess.run(
        ["gpg", "--batch", "--list-secret-keys", UID], env=env, capture_output=True, timeout=30, check=False
    )
    return out.returncode == 0
