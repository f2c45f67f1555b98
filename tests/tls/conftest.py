"""Fixtures: a test PKI, and real TLS servers (Debian's ``openssl s_server``) on 127.0.0.1, random ports."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from . import pki

OPENSSL = shutil.which("openssl")


@dataclass
class Pki:
    directory: Path
    ca: pki.Issued
    rsa: tuple[Path, Path]
    ecdsa: tuple[Path, Path]
    ca_file: Path


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    directory = tmp_path_factory.mktemp("pki")
    ca = pki.make_ca()
    rsa_leaf = pki.issue(ca, ("localhost", "www.localhost"), key=pki.make_key("rsa", 3072))
    ec_leaf = pki.issue(ca, ("localhost",), key=pki.make_key("ec", 256))
    ca_file = directory / "ca.pem"
    ca_file.write_bytes(ca.pem)
    return Pki(
        directory,
        ca,
        pki.write_pair(directory, "rsa", rsa_leaf),
        pki.write_pair(directory, "ecdsa", ec_leaf),
        ca_file,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(port: int, process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise RuntimeError(f"openssl s_server exited: {output}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("openssl s_server did not start listening")


StartServer = Callable[..., int]


@pytest.fixture
def openssl_server(test_pki: Pki) -> Iterator[StartServer]:
    """Start ``openssl s_server`` with extra arguments; returns its port. Stopped after the test.

    ``www=True`` serves many connections (s_server -www); the early-data mode needs ``www=False`` (echo
    server, stdin kept open). ``conf`` is an OpenSSL config file (e.g. to switch EMS off).
    """
    assert OPENSSL is not None, "openssl (Debian package, installed by scripts/bootstrap.sh) is missing"
    processes: list[subprocess.Popen[bytes]] = []

    def start(*args: str, cert: str = "rsa", www: bool = True, conf: str | None = None) -> int:
        cert_path, key_path = test_pki.rsa if cert == "rsa" else test_pki.ecdsa
        port = free_port()
        command = [
            OPENSSL,
            "s_server",
            "-accept",
            f"127.0.0.1:{port}",
            "-cert",
            str(cert_path),
            "-key",
            str(key_path),
            *(["-cert_chain", str(test_pki.ca_file)] if cert == "rsa" else []),
            "-quiet",
            *(["-www"] if www else []),
            *args,
        ]
        env = dict(os.environ)
        if conf is not None:
            env["OPENSSL_CONF"] = conf
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env
        )
        processes.append(process)
        _wait_listening(port, process)
        return port

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()
