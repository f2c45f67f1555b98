"""OpenPGP verification of signed security.txt files (observer side, gpg) and how the check reports it."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domeinwacht.checks.registry import CheckContext
from domeinwacht.checks.result import Status
from domeinwacht.checks.web.security_txt import security_txt
from domeinwacht.scan.observe.web import verify_cleartext

from .builders import endpoint, host, observation, security_txt_fetch

# gpg comes from Debian's gnupg, installed by scripts/bootstrap.sh: a missing gpg fails the fixture, never skips.
TEXT = "Contact: mailto:security@example.nl\nExpires: 2026-06-01T00:00:00Z\n"


def _gpg(home: Path, *args: str, data: bytes = b"") -> bytes:
    command = ["gpg", "--batch", "--no-tty", "--homedir", str(home), "--pinentry-mode", "loopback", "--passphrase", ""]
    return subprocess.run([*command, *args], input=data, capture_output=True, check=True, timeout=60).stdout


def _signer(tmp_path: Path, name: str) -> tuple[Path, bytes]:
    home = tmp_path / name
    home.mkdir(mode=0o700)
    _gpg(home, "--quick-gen-key", f"{name} <{name}@example.nl>", "ed25519", "sign", "never")
    return home, _gpg(home, "--armor", "--export")


@pytest.fixture(scope="module")
def signers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Path, bytes]]]:
    assert shutil.which("gpg") is not None, "gpg (Debian gnupg, installed by scripts/bootstrap.sh) is missing"
    base = tmp_path_factory.mktemp("gpg")
    try:
        yield {name: _signer(base, name) for name in ("owner", "stranger")}
    finally:
        for name in ("owner", "stranger"):  # signing started a gpg-agent per home: stop it
            subprocess.run(
                ["gpgconf", "--homedir", str(base / name), "--kill", "all"], capture_output=True, check=False
            )


def _clearsign(home: Path, text: str) -> bytes:
    return _gpg(home, "--clearsign", data=text.encode())


def test_a_good_signature_is_reported_with_the_key_fingerprint(signers):
    home, key = signers["owner"]
    verdict = asyncio.run(verify_cleartext(_clearsign(home, TEXT), [key], seconds=20))
    assert verdict.startswith("good ")
    assert len(verdict.split()[1]) >= 40  # the fingerprint


def test_a_changed_file_has_a_bad_signature(signers):
    home, key = signers["owner"]
    tampered = _clearsign(home, TEXT).replace(b"security@example.nl", b"attacker@example.nl")
    assert asyncio.run(verify_cleartext(tampered, [key], seconds=20)).startswith("bad signature")


def test_a_signature_by_another_key_is_not_verified(signers):
    home, _ = signers["stranger"]
    _, owner_key = signers["owner"]
    verdict = asyncio.run(verify_cleartext(_clearsign(home, TEXT), [owner_key], seconds=20))
    assert verdict == "not verified: the signing key is not among the Encryption keys"


def test_no_gpg_home_is_left_behind(signers):
    home, key = signers["owner"]
    before = set(os.listdir("/tmp"))
    asyncio.run(verify_cleartext(_clearsign(home, TEXT), [key], seconds=20))
    assert not {n for n in set(os.listdir("/tmp")) - before if n.startswith("dw-gpg-")}


SIGNED = (
    b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"
    b"Contact: mailto:security@example.nl\nEncryption: https://example.nl/key.asc\n"
    b"Expires: 2026-06-01T00:00:00Z\nCanonical: https://example.nl/.well-known/security.txt\n"
    # A well-formed block (RFC 4880 7: base64 of a Signature packet, CRC-24); gpg's verdict is given below.
    b"-----BEGIN PGP SIGNATURE-----\n\n"
    b"iHUEARYIAB0WIQTk3ERQlz1H9ELX6FV0Of27TYiDnQUCaxLyDwAKCRB0Of27TYiD\n"
    b"nefeAQDaks/8nK2MjQTdOBja5Yh/HvdGh8J35D4DODC5MTq8cAEAy6lT2QMGyNzF\n"
    b"75WRyIlY7z6yHV2+2CkdrYWyodLwugQ=\n=IP8D\n"
    b"-----END PGP SIGNATURE-----\n"
)
CTX = CheckContext(now=datetime(2026, 1, 1, tzinfo=UTC))


def _check(signature: str | None):  # type: ignore[no-untyped-def]
    fetch = replace(security_txt_fetch("example.nl", "192.0.2.10", SIGNED), signature=signature)
    return security_txt(
        observation(host("example.nl", endpoint("example.nl", "192.0.2.10", security_txt=(fetch,)))), CTX
    )


def test_the_check_reports_a_good_signature_as_evidence_and_passes():
    result = _check("good 0123456789ABCDEF0123456789ABCDEF01234567")
    assert result.status is Status.PASS
    assert result.evidence["endpoints"][0]["signature"].startswith("good ")


def test_an_unverifiable_signature_is_evidence_only():
    result = _check("not verified: https://example.nl/key.asc: no key served")
    assert result.status is Status.PASS
    assert result.evidence["endpoints"][0]["signature"].startswith("not verified")


def test_a_bad_signature_is_a_warning():
    result = _check("bad signature (the file was changed after signing, or signed by another key)")
    assert result.status is Status.WARNING
    assert "does not verify" in result.summary


def test_the_observer_verifies_a_signed_file_with_the_key_it_names(signers, pki):
    from datetime import timedelta

    from domeinwacht.scan.env import ScanEnv, ScanOptions
    from domeinwacht.scan.observe.web import observe_web

    from .fakedns import start_dns
    from .test_observer import _free_port_on_both_families

    home, key = signers["owner"]
    port = _free_port_on_both_families()
    expires = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = (
        f"Contact: mailto:security@example.nl\nEncryption: https://example.nl:{port}/key.asc\nExpires: {expires}\n"
        f"Canonical: https://example.nl:{port}/.well-known/security.txt\n"
    )
    signed = _clearsign(home, text)

    async def scenario():
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                path = (await reader.readuntil(b"\r\n\r\n")).split(b" ")[1]
                body = {b"/.well-known/security.txt": signed, b"/key.asc": key}.get(path)
                if body is None:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                else:
                    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
                await writer.drain()
            finally:
                writer.close()

        server = await asyncio.start_server(handler, "127.0.0.1", port, ssl=pki.server_context())
        dns_transport, resolver = await start_dns({})
        try:
            env = ScanEnv(ScanOptions(allow_non_public=True, resolver=(resolver,), ca_file=pki.ca_file))
            return await observe_web("example.nl", env, addresses={"example.nl": ["127.0.0.1"]}, ports=(port, port))
        finally:
            dns_transport.close()
            server.close()

    observed = asyncio.run(scenario())
    (fetch,) = observed["web"].hosts[0].endpoints[0].security_txt
    assert fetch.found
    assert fetch.signature is not None and fetch.signature.startswith("good "), fetch.signature
