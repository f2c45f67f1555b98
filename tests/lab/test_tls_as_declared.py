"""TLS facts the declared verdicts rest on, checked with `openssl s_client` on every target: the set of
targets that show a defect equals the set whose expectation says the check fails. Needs root."""

from __future__ import annotations

import re
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


def test_client_cipher_order_honoured_exactly_where_cipher_order_fails(lab, tmp_path):
    phase_out_first = (
        "ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"
    )
    honoured, declared = set(), set()
    for t in web_tls_targets(lab):
        out = s_client("-tls1_2", "-cipher", phase_out_first, "-connect", f"{t.ipv4[0]}:443")
        chosen = re.search(r"Cipher is (\S+)", out)
        if chosen and chosen[1] in {"ECDHE-ECDSA-AES256-SHA384", "ECDHE-RSA-AES256-SHA384"}:
            honoured.add(t.name)  # the client's first (phase-out) suite won
        if fails(t, "web.tls.cipher_order"):
            declared.add(t.name)
    assert declared
    assert honoured == declared


def test_early_data_accepted_exactly_where_zero_rtt_fails(lab, tmp_path):
    accepting, declared = set(), set()
    request = tmp_path / "early.txt"
    for t in web_tls_targets(lab):
        if "TLSv1.3" not in presets_protocols(t):
            continue
        request.write_text(f"GET / HTTP/1.1\r\nHost: {t.name}\r\n\r\n")
        session = tmp_path / f"{t.name}.pem"
        # -ign_eof: stay until the server closes, so the TLS 1.3 ticket (sent after the handshake) arrives
        s_client(
            "-ign_eof",
            "-tls1_3",
            "-connect",
            f"{t.ipv4[0]}:443",
            "-servername",
            t.name,
            "-sess_out",
            str(session),
            stdin=f"GET / HTTP/1.0\r\nHost: {t.name}\r\n\r\n",
        )
        out = s_client(
            "-tls1_3",
            "-connect",
            f"{t.ipv4[0]}:443",
            "-servername",
            t.name,
            "-sess_in",
            str(session),
            "-early_data",
            str(request),
        )
        if "Early data was accepted" in out:
            accepting.add(t.name)
        if fails(t, "web.tls.zero_rtt"):
            declared.add(t.name)
    assert declared
    assert accepting == declared


def presets_protocols(target) -> list[str]:
    from domeinwacht.lab.presets import tls_settings

    return tls_settings(target.spec.web["tls"], target.spec.web["cert"])["protocols"]


def test_ipv6_addresses_accept_connections_exactly_where_declared(lab):
    import socket

    reachable, declared = set(), set()
    for t in lab.targets():
        if not t.spec.web or not t.ipv6:
            continue
        port = 443 if t.spec.web["https"] else 80
        try:
            with socket.create_connection((t.ipv6[0], port), timeout=5):
                reachable.add(t.name)
        except OSError:
            pass
        if t.expected("web.ipv6.reach") == ("pass",):
            declared.add(t.name)
    assert declared
    assert reachable == declared


def declares(target, check: str, statuses: set[str]) -> bool:
    return bool(set(target.expected(check) or ()) & statuses)


def test_sha224_only_signature_algorithms_accepted_exactly_where_kex_hash_is_not_pass(lab):
    # CHECKS.md tls.kex_hash: SHA-224 only accepted -> warning (fail when SHA-1 is accepted too)
    accepting, declared = set(), set()
    for t in web_tls_targets(lab):
        out = s_client(
            "-tls1_2",
            "-cipher",
            "ALL:@SECLEVEL=0",
            "-sigalgs",
            "ECDSA+SHA224:RSA+SHA224",
            "-connect",
            f"{t.ipv4[0]}:443",
            "-servername",
            t.name,
        )
        if handshake_ok(out):
            accepting.add(t.name)
        if declares(t, "web.tls.kex_hash", {"warning", "fail"}):
            declared.add(t.name)
    assert declared
    assert accepting == declared


def mail_servers_with_tls(lab):
    return [s for s in lab.status["mail_servers"].values() if s["starttls"] and not s["rate_limit"] and s["ipv4"]]


def test_mail_servers_accept_sha224_signature_algorithms_only_where_kex_hash_is_not_pass(lab):
    declared_hosts = {
        mx
        for t in lab.targets()
        if t.spec.mail and declares(t, "mail.tls.kex_hash", {"warning", "fail"})
        for mx in t.mx
    }
    accepting = set()
    for server in mail_servers_with_tls(lab):
        out = s_client(
            "-tls1_2",
            "-cipher",
            "ALL:@SECLEVEL=0",
            "-sigalgs",
            "ECDSA+SHA224:RSA+SHA224",
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


def test_mail_servers_without_extended_master_secret_exactly_where_ems_fails(lab):
    declared_hosts = {
        mx for t in lab.targets() if t.spec.mail and fails(t, "mail.tls.extended_master_secret") for mx in t.mx
    }
    without = set()
    for server in mail_servers_with_tls(lab):
        out = s_client("-tls1_2", "-starttls", "smtp", "-connect", f"{server['ipv4'][0]}:25", stdin="QUIT\n")
        if handshake_ok(out) and "Extended master secret: no" in out:
            without.add(server["host"])
    assert declared_hosts
    assert without == declared_hosts


def test_good_ocsp_response_stapled_exactly_where_ocsp_stapling_passes(lab):
    stapling, declared = set(), set()
    for t in web_tls_targets(lab):
        out = s_client("-status", "-connect", f"{t.ipv4[0]}:443", "-servername", t.name)
        if "Cert Status: good" in out:
            stapling.add(t.name)
        if t.expected("web.tls.ocsp_stapling") == ("pass",):
            declared.add(t.name)
    assert declared
    assert stapling == declared


def s_client_renegotiating(*args: str) -> str:
    """`openssl s_client` (stdout and stderr) that types "R" once the TLS 1.2 handshake is done."""
    script = '(sleep 1; echo R; sleep 1.5) | exec openssl s_client -tls1_2 -legacy_server_connect "$@"'
    done = subprocess.run(
        ["bash", "-c", script, "s_client", *args], capture_output=True, text=True, timeout=20, check=False
    )
    return done.stdout + done.stderr


def renegotiated(out: str) -> bool:
    """A second handshake completed: the peer certificate was verified again after "RENEGOTIATING"."""
    return "RENEGOTIATING" in out and "depth=0" in out.split("RENEGOTIATING", 1)[1]


def in_parallel(probe, items):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(probe, items))


def test_rfc5746_missing_exactly_where_web_secure_renegotiation_fails(lab):
    targets = web_tls_targets(lab)
    # -legacy_server_connect: OpenSSL 3 otherwise refuses to talk TLS 1.2 to a server without RFC 5746
    outs = in_parallel(
        lambda t: s_client("-tls1_2", "-legacy_server_connect", "-connect", f"{t.ipv4[0]}:443", "-servername", t.name),
        targets,
    )
    without = {t.name for t, out in zip(targets, outs, strict=True) if handshake_ok(out) and "IS NOT supported" in out}
    declared = {t.name for t in targets if fails(t, "web.tls.secure_renegotiation")}
    assert declared
    assert without == declared


def test_client_renegotiation_accepted_exactly_where_web_client_renegotiation_is_not_pass(lab):
    targets = web_tls_targets(lab)
    outs = in_parallel(lambda t: s_client_renegotiating("-connect", f"{t.ipv4[0]}:443", "-servername", t.name), targets)
    accepting = {t.name for t, out in zip(targets, outs, strict=True) if renegotiated(out)}
    declared = {t.name for t in targets if declares(t, "web.tls.client_renegotiation", {"info", "warning"})}
    assert declared
    assert accepting == declared


def mail_hosts_declaring(lab, check: str, statuses: set[str]) -> set[str]:
    return {mx for t in lab.targets() if t.spec.mail and set(t.expected(check) or ()) == statuses for mx in t.mx}


def test_rfc5746_missing_exactly_where_mail_secure_renegotiation_fails(lab):
    servers = mail_servers_with_tls(lab)
    outs = in_parallel(
        lambda s: s_client(
            "-tls1_2", "-legacy_server_connect", "-starttls", "smtp", "-connect", f"{s['ipv4'][0]}:25", stdin="QUIT\n"
        ),
        servers,
    )
    without = {
        s["host"] for s, out in zip(servers, outs, strict=True) if handshake_ok(out) and "IS NOT supported" in out
    }
    declared = mail_hosts_declaring(lab, "mail.tls.secure_renegotiation", {"fail"})
    assert declared
    assert without == declared


def test_client_renegotiation_accepted_exactly_where_mail_client_renegotiation_is_not_pass(lab):
    servers = mail_servers_with_tls(lab)
    outs = in_parallel(lambda s: s_client_renegotiating("-starttls", "smtp", "-connect", f"{s['ipv4'][0]}:25"), servers)
    accepting = {s["host"] for s, out in zip(servers, outs, strict=True) if renegotiated(out)}
    declared = mail_hosts_declaring(lab, "mail.tls.client_renegotiation", {"info"})
    assert declared
    assert accepting == declared


def test_good_ocsp_response_stapled_exactly_where_mail_ocsp_stapling_passes(lab):
    servers = mail_servers_with_tls(lab)
    outs = in_parallel(
        lambda s: s_client("-status", "-starttls", "smtp", "-connect", f"{s['ipv4'][0]}:25", stdin="QUIT\n"), servers
    )
    stapling = {s["host"] for s, out in zip(servers, outs, strict=True) if "Cert Status: good" in out}
    declared = mail_hosts_declaring(lab, "mail.tls.ocsp_stapling", {"pass"})
    assert declared
    assert stapling == declared
