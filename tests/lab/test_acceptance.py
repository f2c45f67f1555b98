"""Acceptance: the running lab, seen from the host namespace with standard tools (dig, delv, curl, openssl,
ldns-dane) and plain sockets. Needs root (the `lab` fixture fails clearly otherwise)."""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import time
import urllib.request

import pytest

pytestmark = pytest.mark.lab


def sh(*cmd: str, timeout: float = 20, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, input=stdin, check=False)


def dig(lab, name: str, rtype: str = "SOA") -> str:
    return sh("dig", f"@{lab.resolver}", "+dnssec", "+time=3", "+tries=2", name, rtype).stdout


def flags(output: str) -> set[str]:
    line = next(ln for ln in output.splitlines() if ln.startswith(";; flags:"))
    return set(line.split(";")[2].split(":")[1].split())


def test_signed_target_validates_with_the_ad_flag(lab):
    out = dig(lab, "green.test")
    assert "status: NOERROR" in out
    assert "ad" in flags(out)


@pytest.mark.parametrize("name", ["bogus-ds.test", "bogus-expired.test", "bogus-norrsig.test"])
def test_bogus_targets_servfail(lab, name):
    assert "status: SERVFAIL" in dig(lab, name)


def test_unsigned_target_answers_without_ad(lab):
    out = dig(lab, "unsigned.test")
    assert "status: NOERROR" in out
    assert "ad" not in flags(out)


def test_delv_with_the_lab_trust_anchor_agrees(lab):
    anchor = lab.status["trust_anchor_delv"]
    base = ("delv", f"@{lab.resolver}", "-a", anchor, "+root=.")
    assert "; fully validated" in sh(*base, "green.test", "A").stdout
    assert "resolution failed" in sh(*base, "bogus-ds.test", "A").stderr
    assert "; unsigned answer" in sh(*base, "unsigned.test", "SOA").stdout


def test_delv_validates_rsasha1_and_small_rsa_zones(lab):
    anchor = lab.status["trust_anchor_delv"]
    for name in ("rsasha1.test", "dnskey1024.test", "ds-sha1.test", "nsec.test"):
        out = sh("delv", f"@{lab.resolver}", "-a", anchor, "+root=.", name, "SOA").stdout
        assert "; fully validated" in out, name


def test_curl_with_the_lab_ca_sees_hsts_on_the_green_target(lab):
    green = lab.target("green.test")
    out = sh(
        "curl",
        "-sS",
        "-I",
        "--max-time",
        "10",
        "--cacert",
        str(lab.ca_file),
        "--resolve",
        f"green.test:443:{green.ipv4[0]}",
        "https://green.test/",
    ).stdout
    assert "strict-transport-security: max-age=31536000; includesubdomains" in out.lower()


def test_curl_over_ipv6_with_the_lab_ca_works(lab):
    green = lab.target("green.test")
    out = sh(
        "curl",
        "-sS",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "--max-time",
        "10",
        "--cacert",
        str(lab.ca_file),
        "--resolve",
        f"www.green.test:443:[{green.ipv6[0]}]",
        "https://www.green.test/",
    ).stdout
    assert out == "200"


def test_http_redirects_to_https_on_the_same_host(lab):
    green = lab.target("green.test")
    out = sh("curl", "-sS", "-I", "--max-time", "10", f"http://{green.ipv4[0]}/", "-H", "Host: green.test").stdout
    assert "Location: https://green.test/" in out


def _tls1_ok(ip: str) -> bool:
    out = sh("openssl", "s_client", "-tls1", "-cipher", "DEFAULT@SECLEVEL=0", "-connect", f"{ip}:443", timeout=10)
    return "Protocol  : TLSv1\n" in out.stdout and "Cipher is (NONE)" not in out.stdout


def test_only_the_tls10_target_accepts_tls_1_0(lab):
    accepting = {
        t.name
        for t in lab.targets()
        if t.kind == "web" and t.ipv4 and t.spec.web and t.spec.web["https"] and _tls1_ok(t.ipv4[0])
    }
    assert accepting == {"tls10.test"}


def test_starttls_works_on_the_green_mx(lab):
    mx = lab.mail_server("mx-green")
    out = sh(
        "openssl",
        "s_client",
        "-starttls",
        "smtp",
        "-connect",
        f"{mx['ipv4'][0]}:25",
        "-CAfile",
        str(lab.ca_file),
        "-verify_return_error",
        "-verify_hostname",
        mx["host"],
        stdin="QUIT\n",
        timeout=15,
    ).stdout
    assert "Verify return code: 0 (ok)" in out
    assert "TLSv1.3" in out


def test_mx_without_starttls_does_not_offer_it(lab):
    mx = lab.mail_server("mx-nostarttls")
    with socket.create_connection((mx["ipv4"][0], 25), timeout=10) as s:
        f = s.makefile("rwb")
        assert f.readline().startswith(b"220 ")
        f.write(b"EHLO scanner.domeinwacht.invalid\r\n")
        f.flush()
        lines = []
        while not (line := f.readline()).startswith(b"250 "):
            lines.append(line)
        lines.append(line)
        f.write(b"QUIT\r\n")
        f.flush()
    assert not any(b"STARTTLS" in ln for ln in lines)


@pytest.mark.parametrize(("host", "port"), [("green.test", "443"), ("mx.green.test", "25")])
def test_dane_target_tlsa_matches_its_certificate(lab, host, port):
    out = sh(
        "ldns-dane",
        "-r",
        lab.resolver,
        "-k",
        str(lab.trust_anchor_file),
        "-S",
        *(["-n"] if port == "25" else []),
        "verify",
        host,
        port,
        timeout=30,
    )
    if port == "25":
        # ldns-dane cannot speak STARTTLS: compare the TLSA data with the served key ourselves.
        tlsa = dig(lab, f"_25._tcp.{host}", "TLSA")
        mx = lab.mail_server("mx-green")
        cert = sh(
            "openssl", "s_client", "-starttls", "smtp", "-connect", f"{mx['ipv4'][0]}:25", stdin="QUIT\n", timeout=15
        ).stdout
        pem = cert[cert.index("-----BEGIN CERTIFICATE-----") : cert.index("-----END CERTIFICATE-----") + 25]
        spki = sh(
            "sh",
            "-c",
            "openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r",
            stdin=pem,
        ).stdout.split()[0]
        assert spki in tlsa.replace(" ", "").lower()
        assert "ad" in flags(tlsa)
    else:
        assert out.returncode == 0, out.stdout + out.stderr
        assert "dane-validated successfully" in out.stdout


def test_mismatching_tlsa_does_not_validate(lab):
    out = sh(
        "ldns-dane",
        "-r",
        lab.resolver,
        "-k",
        str(lab.trust_anchor_file),
        "-S",
        "verify",
        "dane-mismatch.test",
        "443",
        timeout=30,
    )
    assert out.returncode != 0
    assert "no matching DANE TLSA records" in out.stdout


def test_ct_endpoint_answers_get_sth_and_get_entries(lab):
    base = lab.status["ct_log"].rstrip("/")
    with urllib.request.urlopen(f"{base}/ct/v1/get-sth", timeout=10) as r:
        sth = json.load(r)
    assert sth["tree_size"] > 10
    assert {"timestamp", "sha256_root_hash", "tree_head_signature"} <= set(sth)
    with urllib.request.urlopen(f"{base}/ct/v1/get-entries?start=0&end=1", timeout=10) as r:
        entries = json.load(r)["entries"]
    assert len(entries) == 2
    assert all(e["leaf_input"] and e["extra_data"] for e in entries)


def test_security_txt_is_served_as_utf8_text(lab):
    green = lab.target("green.test")
    ctx = ssl.create_default_context(cafile=str(lab.ca_file))
    with (
        socket.create_connection((green.ipv4[0], 443), timeout=10) as raw,
        ctx.wrap_socket(raw, server_hostname="green.test") as s,
    ):
        s.sendall(b"GET /.well-known/security.txt HTTP/1.0\r\nHost: green.test\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    assert b"Content-Type: text/plain; charset=utf-8" in head
    assert b"Contact: mailto:security@green.test" in body


def test_mta_sts_policy_is_served_with_the_lab_ca(lab):
    ip = lab.status["resolver"][0].replace(".53", ".60")
    out = sh(
        "curl",
        "-sS",
        "--max-time",
        "10",
        "--cacert",
        str(lab.ca_file),
        "--resolve",
        f"mta-sts.green.test:443:{ip}",
        "https://mta-sts.green.test/.well-known/mta-sts.txt",
    ).stdout
    assert "mode: enforce" in out
    assert "mx: mx.green.test" in out


def test_the_rate_limited_mx_refuses_a_second_connection_and_counts_both(lab):
    mx = lab.mail_server("mx-ratelimit")
    ip = mx["ipv4"][0]
    before = lab.connection_counts()[f"mx-ratelimit:{ip}"]
    banners = []
    for _ in range(2):
        with socket.create_connection((ip, 25), timeout=10) as s:
            banners.append(s.recv(512))
            s.sendall(b"QUIT\r\n")
        time.sleep(0.2)
    after = lab.connection_counts()[f"mx-ratelimit:{ip}"]
    assert after - before >= 2  # other sessions sharing the lab may add their own
    assert banners[-1].startswith(b"421")


def test_scan_options_point_at_the_lab(lab):
    options = lab.scan_options()
    assert options.resolver == (lab.resolver,)
    assert options.allow_non_public
    assert options.ca_file.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert "DNSKEY" in options.trust_anchor_file.read_text()
    vrp = json.loads(options.vrp_file.read_text())
    assert {"asn": "AS64500", "prefix": "198.51.100.0/24", "maxLength": 24, "ta": "lab"} in vrp["roas"]
    assert "203.0.113.0/24\t64511" in options.pfx2as_file.read_text()


def test_target_lookup_gives_addresses_and_expectations(lab):
    green = lab.target("green.test")
    assert green.ipv4 and green.ipv6 and green.mx == ("mx.green.test",)
    assert green.expected("web.hsts") == ("pass",)
    assert lab.target("tls10.test").expected("web.tls.versions", "ncsc-2.1.1") == ("warning",)
