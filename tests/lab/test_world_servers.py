"""Which server the lab builds for a target: nginx/postfix, or gnutls-serv for what those cannot do, and the
settings each refuses (no root needed: ``world.build`` only writes into the returned World)."""

from __future__ import annotations

from pathlib import Path

import pytest

from domeinwacht.lab import world
from domeinwacht.lab.pki import KeyCache
from domeinwacht.lab.presets import GNUTLS_MODERN, gnutls_priority
from domeinwacht.lab.scenario import parse

GNUTLS_WEB = {"server": "gnutls", "hsts": None, "headers": "none", "security_txt": "fixed_response"}
RENEG_CLIENT = {"preset": "modern", "client_renegotiation": True}


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> KeyCache:
    return KeyCache(tmp_path_factory.mktemp("keys"))


def build(keys: KeyCache, targets: dict, mail_servers: dict | None = None) -> world.World:
    scenario = parse({"targets": targets, "mail_servers": mail_servers or {}})
    return world.build(scenario, keys, Path("/run-dir"))


def test_a_gnutls_web_target_is_redirected_from_443_on_both_addresses_to_its_own_port(keys):
    w = build(keys, {"g.test": {"kind": "web", "web": {**GNUTLS_WEB, "tls": RENEG_CLIENT}}})
    (server,) = w.gnutls
    info = w.targets["g.test"]
    assert sorted(w.redirects) == sorted((ip, 443, server.port) for ip in info.ipv4 + info.ipv6)
    assert server.args[:2] == ["--http", "--httpdata"]
    assert "listen " + info.ipv4[0] + ":443" not in w.files["nginx/nginx.conf"].decode()
    assert "listen " + info.ipv4[0] + ":80;" in w.files["nginx/nginx.conf"].decode()


def test_a_gnutls_web_target_must_declare_the_headers_it_cannot_send(keys):
    with pytest.raises(ValueError, match="one fixed response"):
        build(keys, {"g.test": {"kind": "web", "web": {"server": "gnutls", "tls": RENEG_CLIENT}}})


def test_nginx_cannot_be_asked_to_accept_client_renegotiation(keys):
    with pytest.raises(ValueError, match="nginx"):
        build(keys, {"n.test": {"kind": "web", "web": {"tls": RENEG_CLIENT}}})


def test_a_gnutls_mx_sits_behind_the_smtp_front_with_its_stapled_response(keys):
    mx = {"host": "mx.m.test", "server": "gnutls", "cert": "ocsp", "stapling": True, "tls": RENEG_CLIENT}
    w = build(keys, {"m.test": {"kind": "mail", "mail": {"mx": ["mx"]}}}, {"mx": mx})
    (server,) = w.gnutls
    (front,) = w.smtp_fronts
    assert front["backend"] == server.port
    assert front["listen"] == w.mail_servers["mx"]["ipv4"] + w.mail_servers["mx"]["ipv6"]
    assert "--echo" in server.args
    assert "--ocsp-response" in server.args
    assert "mx.m.test" not in w.files["postfix/master.cf"].decode()


def test_postfix_cannot_staple(keys):
    mx = {"host": "mx.m.test", "stapling": True}
    with pytest.raises(ValueError, match="postfix cannot staple"):
        build(keys, {"m.test": {"kind": "mail", "mail": {"mx": ["mx"]}}}, {"mx": mx})


def test_a_postfix_mx_accepting_client_renegotiation_drops_no_renegotiation_and_sets_openssls_option(keys):
    mx = {"host": "mx.m.test", "tls": RENEG_CLIENT}
    w = build(keys, {"m.test": {"kind": "mail", "mail": {"mx": ["mx"]}}}, {"mx": mx})
    assert "-o tls_ssl_options=\n" in w.files["postfix/master.cf"].decode() + "\n"
    assert "Options = ClientRenegotiation" in w.files["postfix/openssl.cnf"].decode()


def test_gnutls_priority_drops_rfc5746_only_when_asked():
    assert gnutls_priority(RENEG_CLIENT) == GNUTLS_MODERN
    unsafe = gnutls_priority({**RENEG_CLIENT, "safe_renegotiation": False})
    assert unsafe == GNUTLS_MODERN + ":%DISABLE_SAFE_RENEGOTIATION"


def test_gnutls_priority_refuses_what_gnutls_serv_cannot_be():
    with pytest.raises(ValueError, match="always accepts"):
        gnutls_priority("modern")  # gnutls-serv accepts client renegotiation: the scenario must say so
    with pytest.raises(ValueError, match="modern preset"):
        gnutls_priority({"preset": "legacy10", "client_renegotiation": True})


def test_gnutls_modern_offers_no_sha1_or_sha224_signatures_and_no_cbc():
    assert "-SIGN-ECDSA-SHA1" in GNUTLS_MODERN and "-SIGN-RSA-SHA224" in GNUTLS_MODERN
    assert "-CIPHER-ALL" in GNUTLS_MODERN and "CBC" not in GNUTLS_MODERN


def test_a_deflate_web_target_is_redirected_to_the_scripted_front_which_splices_to_its_gnutls(keys):
    web = {**GNUTLS_WEB, "server": "deflate", "tls": RENEG_CLIENT}
    w = build(keys, {"d.test": {"kind": "web", "web": web}})
    (server,) = w.gnutls
    (front,) = w.deflate_fronts
    info = w.targets["d.test"]
    assert front["backend"] == server.port
    assert front["cert"] == "/run-dir/certs/web-d.test.pem"
    assert sorted(w.redirects) == sorted((ip, 443, front["port"]) for ip in info.ipv4 + info.ipv6)
    assert "deflatefront/config.json" in w.files


def test_a_deflate_mx_sits_behind_the_smtp_front_then_the_scripted_front(keys):
    mx = {"host": "mx.d.test", "server": "deflate", "tls": RENEG_CLIENT}
    w = build(keys, {"d.test": {"kind": "mail", "mail": {"mx": ["mx"]}}}, {"mx": mx})
    (server,) = w.gnutls
    (deflate,) = w.deflate_fronts
    (smtp,) = w.smtp_fronts
    assert (smtp["backend"], deflate["backend"]) == (deflate["port"], server.port)
