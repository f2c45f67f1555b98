"""The servers really do what each target's configuration says (the premise of every declared verdict).

Cheap, protocol-level probes over the whole default scenario: DNSSEC state through the validating resolver,
HTTP redirects, HSTS and security.txt as served. Needs root (the `lab` fixture)."""

from __future__ import annotations

import http.client
import ssl

import dns.flags
import dns.message
import dns.query
import dns.rcode
import pytest

pytestmark = pytest.mark.lab


def resolve_flags(lab, name: str) -> tuple[int, bool]:
    q = dns.message.make_query(name, "SOA", want_dnssec=True)
    r = dns.query.udp(q, lab.resolver, timeout=5)
    if r.flags & dns.flags.TC:
        r = dns.query.tcp(q, lab.resolver, timeout=5)
    return r.rcode(), bool(r.flags & dns.flags.AD)


def test_dnssec_state_of_every_target_matches_its_signing(lab):
    wrong = []
    bogus_tlds = {tld for tld, sign in lab.scenario.tlds.items() if sign.get("bogus")}
    for t in lab.targets():
        signing = t.spec.dns.get("signing")
        rcode, ad = resolve_flags(lab, t.name)
        if (signing and signing.get("bogus")) or t.name.rsplit(".", 1)[-1] in bogus_tlds:
            ok = rcode == dns.rcode.SERVFAIL
        elif signing:
            ok = rcode == dns.rcode.NOERROR and ad
        else:
            ok = rcode == dns.rcode.NOERROR and not ad
        if not ok:
            wrong.append((t.name, dns.rcode.to_text(rcode), ad))
    assert wrong == []


def _https(ip: str, host: str, path: str) -> tuple[int, dict[str, str], str]:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # certificate variants are judged elsewhere
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    conn = http.client.HTTPSConnection(ip, 443, timeout=10, context=ctx)
    try:
        conn.request("GET", path, headers={"Host": host})
        r = conn.getresponse()
        body = r.read().decode(errors="replace")
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body
    finally:
        conn.close()


def web_targets(lab):
    return [t for t in lab.targets() if t.spec.web and t.ipv4 and t.spec.web["https"]]


def test_hsts_header_is_served_exactly_as_configured(lab):
    wrong = []
    for t in web_targets(lab):
        _status, headers, _body = _https(t.ipv4[0], t.name, "/")
        if headers.get("strict-transport-security") != t.spec.web["hsts"]:
            wrong.append((t.name, headers.get("strict-transport-security")))
    assert wrong == []


def test_http_port_80_behaves_as_configured(lab):
    wrong = []
    for t in lab.targets():
        if not t.spec.web or not t.ipv4:
            continue
        mode = t.spec.web["http"]
        conn = http.client.HTTPConnection(t.ipv4[0], 80, timeout=10)
        try:
            conn.request("GET", "/", headers={"Host": t.name})
            r = conn.getresponse()
            r.read()
            seen = (r.status, r.getheader("Location"))
        except OSError:
            seen = None
        finally:
            conn.close()
        expected = {
            "redirect": (301, f"https://{t.name}/"),
            "redirect_other": (301, f"https://www2.{t.name}/"),
            "plain": (200, None),
            "none": None,
        }[mode]
        if seen != expected:
            wrong.append((t.name, mode, seen))
    assert wrong == []


def test_security_txt_variants_are_served_where_and_how_declared(lab):
    wrong = []
    for t in web_targets(lab):
        variant = t.spec.web["security_txt"]
        status, headers, body = _https(t.ipv4[0], t.name, "/.well-known/security.txt")
        legacy_status, _h, _b = _https(t.ipv4[0], t.name, "/security.txt")
        facts = {
            "well_known": status == 200,
            "legacy": legacy_status == 200,
            "text_plain": headers.get("content-type", "").startswith("text/plain"),
            "contact": "Contact:" in body,
            "signed": body.startswith("-----BEGIN PGP SIGNED MESSAGE-----"),
        }
        expected = {
            "valid": {"well_known": True, "text_plain": True, "contact": True, "signed": False},
            "signed": {"well_known": True, "text_plain": True, "contact": True, "signed": True},
            "expired": {"well_known": True, "contact": True},
            "missing": {"well_known": False, "legacy": False},
            "legacy": {"well_known": False, "legacy": True},
            "wrong_type": {"well_known": True, "text_plain": False},
            "no_contact": {"well_known": True, "contact": False},
            # gnutls-serv: every path answers the page as application/octet-stream
            "fixed_response": {"well_known": True, "legacy": True, "text_plain": False, "contact": False},
            # Domeinwacht's own application (server: domeinwacht): /security.txt redirects to the well-known one
            "app": {"well_known": True, "legacy": False, "text_plain": True, "contact": True, "signed": False},
        }[variant]
        if any(facts[k] != v for k, v in expected.items()):
            wrong.append((t.name, variant, facts))
    assert wrong == []
