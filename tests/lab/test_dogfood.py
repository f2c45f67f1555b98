"""Dogfooding: Domeinwacht's own web application, published in the lab as https://domeinwacht.test (nginx
terminates TLS and proxies to `domeinwacht serve`), passes every web check of `domeinwacht check`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.lab

NAME = "domeinwacht.test"


@pytest.fixture(scope="module")
def checked(lab):
    done = subprocess.run(
        [sys.executable, "-m", "domeinwacht", "check", NAME, "--lab", "--web", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["checks"]


def test_every_web_check_passes(checked, lab):
    target = lab.target(NAME)
    not_passing = {
        cid: (result["status"], result["summary"])
        for cid, result in checked.items()
        if result["status"] != "pass" and result["status"] not in (target.expected(cid) or ())
    }
    assert not_passing == {}
    # not_applicable only where no site can pass or fail: tls.cipher_order applies only when phase-out suites are
    # offered (CHECKS.md), and a site that passes offers none
    assert {cid for cid, r in checked.items() if r["status"] != "pass"} <= {"web.tls.cipher_order"}
    assert checked["web.tls.ocsp_stapling"]["status"] == "pass"


def test_the_headers_come_from_the_application_not_from_nginx(lab):
    from pathlib import Path

    run_dir = Path(lab.status["ca_file"]).parent.parent  # <run>/export/ca.pem
    conf = (run_dir / "nginx" / "nginx.conf").read_text()
    site = lab.status["sites"][f"site-{NAME}"]
    assert site["hosts"][0] == NAME
    https_blocks = [b for b in conf.split("    server {") if f"server_name {NAME} " in b and ":443 ssl" in b]
    assert len(https_blocks) == 2  # IPv4 and IPv6
    for block in https_blocks:
        assert "add_header" not in block
        assert f"proxy_pass http://127.0.0.1:{site['port']};" in block


def test_the_site_answers_https_with_the_application_s_csp(checked):
    assert checked["web.headers.csp"]["status"] == "pass"
    assert checked["web.security_txt"]["status"] == "pass"
    assert checked["web.hsts"]["status"] == "pass"
