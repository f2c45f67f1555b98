"""TLS facts the declared verdicts rest on, checked with `openssl s_client` on every target: the set of
targets that show a defect equals the set whose expectation says the check fails. Needs root."""

from __future__ import annotations

import subprocess

import pytest

pytestmark = pytest.mark.lab


def s_client(*args: str, stdin: str = "") -> str:
    done = subprocess.run(
        ["openssl", "s_client", *args], capture_output=True, text=True, input=stdin, timeout=15, check=False
    )
    return done.stdout


def handshake_ok(out: str) -> bool:
    return "Cipher is (NONE)" not in out and "Cipher is " in out


def web_tls_targets(lab):
    return [t for t in lab.targets() if t.kind == "web" and t.ipv4 and t.spec.web and t.spec.web["https"]]


def fails(target, check: str) -> bool:
    return target.expected(check) == ("fail",)


def test_sha1_only_signature_algorithms_accepted_exactly_where_kex_hash_fails(lab):
    accepting, declared = set(), set()
    for t in web_tls_targets(lab):
        out = s_client(
            "-tls1_2",
            "-cipher",
            "ALL:@SECLEVEL=0",
            "-sigalgs",
            "ECDSA+SHA1:RSA+SHA1",
            "-connect",
            f"{t.ipv4[0]}:443",
            "-servername",
            t.name,
        )
        if handshake_ok(out):
            accepting.add(t.name)
        if fails(t, "web.tls.kex_hash"):
            declared.add(t.name)
    assert declared  # the scenario has such targets
    assert accepting == declared


def test_no_extended_master_secret_exactly_where_ems_fails(lab):
    without, declared = set(), set()
    for t in web_tls_targets(lab):
        out = s_client("-tls1_2", "-connect", f"{t.ipv4[0]}:443", "-servername", t.name)
        if handshake_ok(out) and "Extended master secret: no" in out:
            without.add(t.name)
        if fails(t, "web.tls.extended_master_secret"):
            declared.add(t.name)
    assert declared
    assert without == declared


def test_tls_1_1_or_older_accepted_exactly_where_versions_fail(lab):
    accepting, declared = set(), set()
    for t in web_tls_targets(lab):
        out = s_client("-tls1_1", "-cipher", "ALL:@SECLEVEL=0", "-connect", f"{t.ipv4[0]}:443")
        if handshake_ok(out):
            accepting.add(t.name)
        if fails(t, "web.tls.versions"):
            declared.add(t.name)
    assert declared  # the scenario has such targets
    assert accepting == declared


def test_mail_servers_accept_sha1_signature_algorithms_only_where_declared(lab):
    declared_hosts = {mx for t in lab.targets() if t.spec.mail and fails(t, "mail.tls.kex_hash") for mx in t.mx}
    accepting = set()
    for server in lab.status["mail_servers"].values():
        if not server["starttls"] or server["rate_limit"] or not server["ipv4"]:
            continue
        out = s_client(
            "-tls1_2",
            "-cipher",
            "ALL:@SECLEVEL=0",
            "-sigalgs",
            "ECDSA+SHA1:RSA+SHA1",
            "-starttls",
            "smtp",
            "-connect",
            f"{server['ipv4'][0]}:25",
            stdin="QUIT\n",
        )
        if handshake_ok(out):
            accepting.add(server["host"])
    assert declared_hosts
    assert accepting == declared_hosts
