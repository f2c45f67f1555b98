"""From a scenario to the files the lab's servers load: zones, knot/unbound/nginx/postfix configs, PKI, data.

``build()`` is pure apart from the key cache (and gpg for the signed security.txt): it returns a ``World``
whose ``files`` the runtime writes under the run directory and whose addresses it puts on the namespace's
veth. Nothing is started here.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from domeinwacht.lab import addresses as A
from domeinwacht.lab import pgp, presets
from domeinwacht.lab.dnssec import (
    Rdata,
    SignedZone,
    Signing,
    Zone,
    apex_ns,
    cache_key,
    labels_of,
    render,
)
from domeinwacht.lab.dnssec import wire as name_wire
from domeinwacht.lab.pki import KeyCache, LabPKI, Leaf, cert_pem, key_pem
from domeinwacht.lab.scenario import Scenario, Target

SOA_TAIL = "hostmaster.nic.test. 2026010101 3600 600 86400 300"
DKIM_SELECTOR = "lab"

# RFC 7919 groups in PEM (PKCS#3), so ssl_dhparam can name them; a custom 1024-bit group comes from the cache.
FFDHE2048 = """-----BEGIN DH PARAMETERS-----
MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==
-----END DH PARAMETERS-----
"""
FFDHE3072 = """-----BEGIN DH PARAMETERS-----
MIIBiAKCAYEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
ssbzSibBsu/6iGtCOGEfz9zeNVs7ZRkDW7w09N75nAI4YbRvydbmyQd62R0mkff3
7lmMsPrBhtkcrv4TCYUTknC0EwyTvEN5RPT9RFLi103TZPLiHnH1S/9croKrnJ32
nuhtK8UiNjoNq8Uhl5sN6todv5pC1cRITgq80Gv6U93vPBsg7j/VnXwl5B0rZsYu
N///////////AgEC
-----END DH PARAMETERS-----
"""


@dataclass
class TargetInfo:
    """What ``lab status`` and the pytest fixture export for one target."""

    name: str
    purpose: str
    kind: str
    ipv4: list[str] = field(default_factory=list)
    ipv6: list[str] = field(default_factory=list)
    mx: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)


# Servers whose TLS is gnutls-serv: ``deflate`` puts the scripted DEFLATE front before it (_deflate_front).
GNUTLS_SERVED = ("gnutls", "deflate")


@dataclass
class GnutlsServer:
    """One gnutls-serv in the namespace: it listens on ``port`` on every address (it cannot bind one), and
    either iptables REDIRECTs a web target's ip:443 to it, or the SMTP front splices STARTTLS sessions to it."""

    name: str
    port: int
    args: list[str]


GNUTLS_PORT_BASE = 20000  # gnutls-serv ports inside the namespace: 20000, 20001, ...
DEFLATE_PORT_BASE = 21000  # scripted DEFLATE fronts (lab/deflatefront.py) before their gnutls-serv: 21000, ...


@dataclass
class SiteServer:
    """Domeinwacht's own web application (`domeinwacht serve`, gunicorn) on 127.0.0.1:``port`` inside the
    namespace, behind the target's nginx server blocks (web ``server: domeinwacht``): dogfooding."""

    name: str
    port: int
    hosts: list[str]


SITE_PORT_BASE = 22000  # the application's ports inside the namespace (loopback only): 22000, 22001, ...
# What the application sends (web/settings.py defaults); a `server: domeinwacht` target declares exactly this.
SITE_HSTS = "max-age=31536000; includeSubDomains"


@dataclass
class World:
    files: dict[str, bytes] = field(default_factory=dict)  # relative path under the run dir -> content
    addresses4: set[str] = field(default_factory=set)
    addresses6: set[str] = field(default_factory=set)
    targets: dict[str, TargetInfo] = field(default_factory=dict)
    mail_servers: dict[str, dict[str, Any]] = field(default_factory=dict)
    counted: list[tuple[str, str, int]] = field(default_factory=list)  # (label, ip, port) counted by iptables
    gnutls: list[GnutlsServer] = field(default_factory=list)
    sites: list[SiteServer] = field(default_factory=list)
    redirects: list[tuple[str, int, int]] = field(default_factory=list)  # (ip, port, to port): nat REDIRECT
    smtp_fronts: list[dict[str, Any]] = field(default_factory=list)  # {name, host, listen: [ip], backend: port}
    deflate_fronts: list[dict[str, Any]] = field(default_factory=list)  # {name, port, backend: port, cert}
    zone_names: list[str] = field(default_factory=list)
    probe_name: str = ""  # the last validly signed target: `lab up` waits until it validates
    exports: dict[str, Any] = field(default_factory=dict)


def _txt(value: str) -> str:
    """A TXT rdata with ``value`` split into <=255-byte character-strings (RFC 1035 3.3.14)."""
    chunks = [value[i : i + 255] for i in range(0, len(value), 255)] or [""]
    return " ".join('"' + c.replace("\\", "\\\\").replace('"', '\\"') + '"' for c in chunks)


def _parent(origin: str, zones: dict[str, Zone]) -> str | None:
    if origin == ".":
        return None
    labels = origin.split(".")
    for i in range(1, len(labels)):
        candidate = ".".join(labels[i:]) or "."
        if candidate in zones:
            return candidate
    return "."


def _containing_zone(host: str, zones: dict[str, Zone]) -> Zone:
    name = host.rstrip(".") + "."
    best: str | None = None
    for origin in zones:
        inside = origin in {".", name} or name.endswith("." + origin)
        if inside and (best is None or len(origin) > len(best)):
            best = origin
    assert best is not None
    return zones[best]


def _hash_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def build(
    scenario: Scenario,
    keys: KeyCache,
    run_dir: Path,
    now: dt.datetime | None = None,
) -> World:
    now = now or dt.datetime.now(dt.UTC)
    world = World()
    pki = LabPKI(keys)
    alloc = A.Allocator()
    zones: dict[str, Zone] = {}

    def zone(origin: str, signing: Signing | None, ns: list[str]) -> Zone:
        z = Zone(origin, signing=signing)
        z.add("@", "SOA", f"{ns[0]}.nic.test. {SOA_TAIL}")
        for n in ns:
            z.add("@", "NS", f"{n}.nic.test.")
        zones[origin] = z
        return z

    root = zone(".", Signing("nsec", "ecdsa256"), ["ns1", "ns2"])
    test = zone("test.", Signing("nsec3", "ecdsa256"), ["ns1", "ns2"])
    for label, (v4, v6) in A.INFRA.items():
        name = f"{label}.nic.test."
        if v4:
            test.add(name, "A", v4)
            world.addresses4.add(v4)
        if v6:
            test.add(name, "AAAA", v6)
            world.addresses6.add(v6)
        if label in {"ns1", "ns2"}:  # root glue for the servers of the root and test.
            if v4:
                root.add(name, "A", v4)
            if v6:
                root.add(name, "AAAA", v6)
    world.addresses4 |= {A.NS_V4}
    world.addresses6 |= {A.NS_V6}

    # Target zones (and TLDs other than test. on demand); clones come after their templates.
    originals = [t for t in scenario.targets.values() if not t.template]
    clones = [t for t in scenario.targets.values() if t.template]
    for t in originals:
        origin = t.name + "."
        tld = origin.split(".", 1)[1] if origin.count(".") > 1 else "."
        if tld not in zones and tld != ".":
            zone(tld, Signing(**scenario.tlds.get(tld.rstrip("."), {"denial": "nsec3"})), ["ns1", "ns2"])
        sign = t.dns.get("signing")
        signing = Signing(**sign) if sign else None
        z = zone(origin, signing, list(t.dns["ns"]))
        z.allow_axfr = bool(t.dns.get("axfr"))
        for caa in t.dns.get("caa") or []:
            z.add("@", "CAA", caa)
        for line in t.dns.get("records") or []:
            owner, rdtype, rdata = line.split(None, 2)
            z.add(owner, rdtype, rdata)
        big = int(t.dns.get("big_txt") or 0)
        for i in range(big // 210):  # ~210 bytes on the wire per record
            filler = (_hash_hex(f"{t.name}{i}") * 3)[:180]
            z.add("@", "TXT", _txt(f"lab-filler-{i:04d}-{filler}"))

    dkim_key = keys.get("dkim-lab", "rsa2048")
    assert isinstance(dkim_key, rsa.RSAPrivateKey)
    dkim_pub = base64.b64encode(
        dkim_key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    ).decode()

    nginx_servers: list[str] = []
    mta_sts_hosts: dict[str, str] = {}  # host -> policy
    leaf_files: dict[str, Leaf] = {}
    sectxt_signed_home = keys.directory.parent / "gnupg"

    for t in originals:
        z = zones[t.name + "."]
        info = world.targets[t.name] = TargetInfo(t.name, t.purpose, t.kind)
        if t.web is not None:
            _web_target(t, z, alloc, pki, world, nginx_servers, leaf_files, run_dir, now, sectxt_signed_home, keys)
        if t.mail is not None:
            m = t.mail
            mx = m["mx"] if isinstance(m["mx"], list) else [m["mx"]]
            for i, ref in enumerate(mx):
                if ref == "null":
                    z.add("@", "MX", "0 .")
                else:
                    host = scenario.mail_servers[ref].host
                    z.add("@", "MX", f"{10 * (i + 1)} {host}.")
                    info.mx.append(host)
            fmt = {"domain": t.name}
            if m.get("spf"):
                for rec in m["spf"] if isinstance(m["spf"], list) else [m["spf"]]:
                    z.add("@", "TXT", _txt(rec.format(**fmt)))
            if m.get("dmarc"):
                for rec in m["dmarc"] if isinstance(m["dmarc"], list) else [m["dmarc"]]:
                    z.add("_dmarc", "TXT", _txt(rec.format(**fmt)))
            if m.get("dkim"):
                z.add(f"{DKIM_SELECTOR}._domainkey", "TXT", _txt(f"v=DKIM1; k=rsa; p={dkim_pub}"))
            if m.get("tls_rpt"):
                z.add("_smtp._tls", "TXT", _txt(m["tls_rpt"].format(**fmt)))
            mode = m.get("mta_sts") or "none"
            if mode != "none":
                z.add("_mta-sts", "TXT", _txt("v=STSv1; id=20260101T000000"))
                v4, v6 = A.INFRA["mta-sts"]
                host = f"mta-sts.{t.name}"
                z.add(host + ".", "A", v4 or "")
                z.add(host + ".", "AAAA", v6 or "")
                mx_lines = [f"mx: {h}" for h in info.mx] if mode != "broken" else ["mx: mx.elsewhere.test"]
                policy_mode = "testing" if mode == "testing" else "enforce"
                mta_sts_hosts[host] = "\n".join(
                    ["version: STSv1", f"mode: {policy_mode}", *mx_lines, "max_age: 86400", ""]
                )

    # Mail servers: addresses, host records, TLSA, postfix services.
    postfix_services: list[str] = []
    openssl_apps: dict[tuple[str | None, bool, bool], str] = {}  # (sigalgs, ems, client reneg) -> tls_config_name
    for ms in scenario.mail_servers.values():
        c = ms.config
        v4, v6 = alloc.take(c["rpki"])
        ips4 = [v4] if c["ipv4"] else []
        ips6 = [v6] if c["ipv6"] else []
        dead6 = [v6] if c["ipv6_dead"] and not c["ipv6"] else []  # AAAA published, no smtpd listens there
        world.addresses4 |= set(ips4)
        world.addresses6 |= set(ips6 + dead6)
        z = _containing_zone(ms.host, zones)
        for ip in ips4:
            z.add(ms.host + ".", "A", ip)
        for ip in ips6 + dead6:
            z.add(ms.host + ".", "AAAA", ip)
        leaf = pki.issue(c["cert"], (ms.host,), f"mx-{ms.host}")
        leaf_files[f"mx-{ms.name}"] = leaf
        tlsa_owner = f"_25._tcp.{ms.host}."
        if c["tlsa"] in {"valid", "rollover"}:
            z.add(tlsa_owner, "TLSA", f"3 1 1 {leaf.tlsa_311}")
        if c["tlsa"] == "rollover":
            nxt = keys.get(f"mx-{ms.host}-next", "ec256")
            from domeinwacht.lab.pki import spki_sha256_of_key

            z.add(tlsa_owner, "TLSA", f"3 1 1 {spki_sha256_of_key(nxt)}")
        if c["tlsa"] == "mismatch":
            z.add(tlsa_owner, "TLSA", f"3 1 1 {_hash_hex('mismatch-' + ms.host)}")
        world.mail_servers[ms.name] = {
            "host": ms.host,
            "ipv4": ips4,
            "ipv6": ips6,
            "starttls": c["starttls"],
            "rate_limit": c["rate_limit"],
            "server": c["server"],
        }
        if c["server"] in GNUTLS_SERVED:
            _gnutls_mx(ms.name, ms.host, c, leaf, ips4 + ips6, pki, world, run_dir, now)
            continue
        if c["stapling"]:
            raise ValueError(f"mail server {ms.name}: postfix cannot staple OCSP (use server: gnutls)")
        tls = presets.tls_settings(c["tls"], c["cert"])
        if not tls["safe_renegotiation"]:
            raise ValueError(f"mail server {ms.name}: OpenSSL always supports RFC 5746 (use server: gnutls)")
        app = ""  # OpenSSL's defaults: no application section (an empty ssl_conf section fails to load)
        if tls["sigalgs"] or not tls["ems"] or tls["client_renegotiation"]:
            variant = (tls["sigalgs"], tls["ems"], tls["client_renegotiation"])
            app = openssl_apps.setdefault(variant, f"dwlab_tls{len(openssl_apps)}")
        for ip in ips4 + ips6:
            postfix_services.append(_postfix_service(ms.host, ip, c, tls, run_dir, ms.name, app))
            if c["rate_limit"]:
                world.counted.append((ms.name, ip, 25))

    clone_certs: dict[str, list[tuple[str, str]]] = {}  # template -> [(host, cert file)]
    clone_hosts: dict[str, list[str]] = {}
    for t in clones:
        assert t.template is not None
        tpl_zone = zones[t.template + "."]
        tpl = scenario.targets[t.template]
        tpl_info = world.targets[t.template]
        if tpl.web is not None and tpl.web["server"] != "nginx":
            raise ValueError(
                f"target {t.name}: template {t.template} is served by {tpl.web['server']}, which cannot be cloned"
            )
        signing = tpl_zone.signing
        if signing is not None and not signing.key:
            signing = Signing(
                signing.denial,
                signing.algorithm,
                signing.bogus,
                signing.ds_digest,
                key=f"dnssec-{t.template}-{signing.algorithm}",
            )
        skip = frozenset(
            labels_of(ms.host)[: -len(labels_of(tpl_zone.origin))]
            for ms in scenario.mail_servers.values()
            if ms.host.endswith("." + t.template)
        )
        zones[t.name + "."] = Zone(t.name + ".", signing=signing, clone_of=tpl_zone, clone_skip=skip)
        hosts = [h[: -len(t.template)] + t.name for h in tpl_info.hosts]
        world.targets[t.name] = TargetInfo(
            t.name,
            t.purpose,
            t.kind,
            list(tpl_info.ipv4),
            list(tpl_info.ipv6),
            list(tpl_info.mx),
            hosts,
        )
        if tpl.web is not None:
            leaf = pki.issue(tpl.web["cert"], tuple(hosts), f"web-{t.template}")
            rel = f"certs/clones/{t.name}.pem"
            world.files[rel] = key_pem(leaf.key) + leaf.fullchain_pem()
            clone_hosts.setdefault(t.template, []).extend(hosts)
            clone_certs.setdefault(t.template, []).extend((h, f"{run_dir}/{rel}") for h in hosts)
        policy = mta_sts_hosts.get(f"mta-sts.{t.template}")
        if policy is not None:
            mta_sts_hosts[f"mta-sts.{t.name}"] = policy
    for i, block in enumerate(nginx_servers):
        for tpl_name, tpl_hosts in clone_hosts.items():
            if f"@@NAMES:{tpl_name}@@" in block:
                block = block.replace(f"@@NAMES:{tpl_name}@@", " ".join(tpl_hosts))  # noqa: PLW2901
                block = block.replace(f"@@CERT:{tpl_name}@@", f"$dwcert_{_ident(tpl_name)}")  # noqa: PLW2901
        nginx_servers[i] = block
    for tpl_name, entries in clone_certs.items():
        default = f"{run_dir}/certs/web-{tpl_name}.pem"
        nginx_servers.insert(
            0,
            f"    map $ssl_server_name $dwcert_{_ident(tpl_name)} {{\n        default {default};\n"
            + "".join(f"        {h} {path};\n" for h, path in entries)
            + "    }\n",
        )
    for i, block in enumerate(nginx_servers):
        plain = re.sub(r" ?@@NAMES:[^@]+@@", "", block)
        nginx_servers[i] = re.sub(r"@@CERT:([^@]+)@@", lambda m: f"{run_dir}/certs/web-{m[1]}.pem", plain)

    # Sign bottom-up so every parent publishes its children's DS; clones (leaves) in parallel, cached.
    signed: dict[str, SignedZone] = _render_clones(
        [o for o, z in zones.items() if z.clone_of is not None], zones, keys, now
    )
    for origin in sorted(zones, key=lambda o: (-(0 if o == "." else o.count(".")), o)):
        z = zones[origin]
        parent_origin = _parent(origin, zones)
        if parent_origin is not None:
            parent = zones[parent_origin]
            for rdata in apex_ns(z):
                parent.raw.append((labels_of(origin), _T_NS, 300, _ns_rdata(rdata)))
        s = signed[origin] if origin in signed else _render_cached(z, keys, now)
        signed[origin] = s
        if parent_origin is not None:
            for item in s.ds_raw:
                zones[parent_origin].raw.append((labels_of(origin), _T_DS, 300, item))
    world.zone_names = sorted(zones)
    bogus_tlds = {f"{tld}." for tld, sign in scenario.tlds.items() if sign.get("bogus")}
    for name in reversed(list(scenario.targets)):
        sig = zones[name + "."].signing
        if sig is not None and sig.bogus is None and name.rsplit(".", 1)[-1] + "." not in bogus_tlds:
            world.probe_name = name
            break
    for origin, s in signed.items():
        world.files[f"knot/zones/{_zone_file(origin)}"] = s.text.encode()

    anchor_ds = signed["."].ds[0]
    anchor_key = signed["."].dnskeys[0]
    world.files["export/trust-anchor.txt"] = f". 3600 IN DS {anchor_ds}\n. 3600 IN DNSKEY {anchor_key}\n".encode()
    ds_fields = anchor_ds.split()
    world.files["export/trust-anchor.delv.conf"] = (
        f'trust-anchors {{\n  . static-ds {ds_fields[0]} {ds_fields[1]} {ds_fields[2]} "{ds_fields[3]}";\n}};\n'
    ).encode()
    world.files["export/ca.pem"] = pki.bundle_pem()
    world.files["export/untrusted-ca.pem"] = cert_pem(pki.rogue)

    world.files["knot/knot.conf"] = _knot_conf(run_dir, zones).encode()
    world.files["knot-lame/knot.conf"] = _knot_lame_conf(run_dir).encode()
    world.files["unbound/unbound.conf"] = _unbound_conf(run_dir).encode()
    world.files["unbound/root.hints"] = (
        ". 3600000 NS ns1.nic.test.\n"
        f"ns1.nic.test. 3600000 A {A.INFRA['ns1'][0]}\n"
        f"ns1.nic.test. 3600000 AAAA {A.INFRA['ns1'][1]}\n"
    ).encode()

    # Web: certificate files, mta-sts hosts, nginx.conf.
    for label, leaf in leaf_files.items():
        world.files[f"certs/{label}.pem"] = key_pem(leaf.key) + leaf.fullchain_pem()
    if mta_sts_hosts:
        nginx_servers.append(_mta_sts_server(mta_sts_hosts, pki, world, run_dir))
    world.files["nginx/nginx.conf"] = _nginx_conf(run_dir, nginx_servers).encode()
    world.files["nginx/dh/ffdhe2048.pem"] = FFDHE2048.encode()
    world.files["nginx/dh/ffdhe3072.pem"] = FFDHE3072.encode()
    world.files["nginx/dh/custom1024.pem"] = keys.dh_params_pem("custom", 1024)

    if world.smtp_fronts:
        world.files["smtpfront/config.json"] = json.dumps(world.smtp_fronts, indent=1).encode()
    if world.deflate_fronts:
        world.files["deflatefront/config.json"] = json.dumps(world.deflate_fronts, indent=1).encode()
    world.files["postfix/main.cf"] = _postfix_main(run_dir).encode()
    world.files["postfix/openssl.cnf"] = _postfix_openssl_conf(openssl_apps).encode()
    world.files["postfix/master.cf"] = (_postfix_master_base() + "\n".join(postfix_services) + "\n").encode()

    # RPKI/BGP data and the CT log's entries.
    vrp, pfx2as = _rpki()
    world.files["export/vrp.json"] = json.dumps(vrp, indent=1).encode()
    world.files["export/pfx2as.tsv"] = pfx2as.encode()
    world.files["ct/entries.json"] = json.dumps(
        [
            {
                "leaf": base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode(),
                "chain": [
                    base64.b64encode(x.public_bytes(serialization.Encoding.DER)).decode()
                    for x in (pki.intermediate, pki.root)
                ],
                "timestamp": int(c.not_valid_before_utc.timestamp() * 1000),
            }
            for c in pki.issued
        ]
    ).encode()
    world.exports = {
        "resolver": [A.INFRA["resolver"][0], A.INFRA["resolver"][1]],
        "ct_log": f"http://{A.INFRA['ct'][0]}/",
        "name_servers": {k: v for k, v in A.INFRA.items() if k.startswith("ns") or k == "lame"},
    }
    return world


_T_NS, _T_DS = 2, 43
_FORK: dict[str, Any] = {}


def _render_cached(z: Zone, keys: KeyCache, now: dt.datetime) -> SignedZone:
    """``render(z)``, reusing a signed text made earlier the same day (keys/cache/../zones/)."""
    if z.signing is None:
        return render(z, keys, now)
    day = now.strftime("%Y-%m-%d")
    path = keys.directory.parent / "zones" / f"{cache_key(z, day)}.json"
    if path.exists():
        data = json.loads(path.read_text())
        return SignedZone(data["text"], data["ds"], data["dnskeys"], [(bytes.fromhex(w), t) for w, t in data["ds_raw"]])
    # sign as of the start of the day, so that a cached text is as valid as a fresh one
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    s = render(z, keys, start)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(
        json.dumps({"text": s.text, "ds": s.ds, "dnskeys": s.dnskeys, "ds_raw": [(w.hex(), t) for w, t in s.ds_raw]})
    )
    tmp.replace(path)
    return s


def _render_one(origin: str) -> tuple[str, SignedZone]:
    return origin, _render_cached(_FORK["zones"][origin], _FORK["keys"], _FORK["now"])


def _render_clones(
    origins: list[str], zones: dict[str, Zone], keys: KeyCache, now: dt.datetime
) -> dict[str, SignedZone]:
    """Render generated (clone) zones on every core: they are leaves, independent of each other."""
    if len(origins) < 200:
        return {o: _render_cached(zones[o], keys, now) for o in origins}
    import multiprocessing

    _FORK.update(zones=zones, keys=keys, now=now)
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(max(1, min(4, os.cpu_count() or 1))) as pool:
            return dict(pool.imap_unordered(_render_one, origins, chunksize=64))
    finally:
        _FORK.clear()


def _ns_rdata(target: str) -> Rdata:
    return name_wire(labels_of(target)), target.lower()


def _ident(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "_", name)


def _zone_file(origin: str) -> str:
    return "root.zone" if origin == "." else f"{origin.rstrip('.')}.zone"


def _web_target(  # noqa: PLR0917 - one call site
    t: Target,
    z: Zone,
    alloc: A.Allocator,
    pki: LabPKI,
    world: World,
    servers: list[str],
    leaf_files: dict[str, Leaf],
    run_dir: Path,
    now: dt.datetime,
    pgp_home: Path,
    keys: KeyCache,
) -> None:
    w = t.web
    assert w is not None
    info = world.targets[t.name]
    v4, v6 = alloc.take(t.rpki)
    hosts = [t.name] + ([f"www.{t.name}"] if w["www"] else [])
    if w["http"] == "redirect_other":
        hosts.append(f"www2.{t.name}")
    info.hosts = hosts
    if w["ipv4"]:
        info.ipv4.append(v4)
        world.addresses4.add(v4)
    if w["ipv6"] or w["ipv6_dead"]:
        info.ipv6.append(v6)
        world.addresses6.add(v6)
    for h in hosts:
        if w["ipv4"]:
            z.add(h + ".", "A", v4)
        if w["ipv6"] or w["ipv6_dead"]:
            z.add(h + ".", "AAAA", v6)
    leaf = pki.issue(w["cert"], (*hosts, *w["extra_sans"]), f"web-{t.name}")
    if not w["ct"]:
        pki.unlog(leaf)
    if w["ct_only"]:  # a certificate that was issued (and so logged) but is served nowhere
        pki.issue("ecdsa256", tuple(w["ct_only"]), f"ct-{t.name}")
    label = f"web-{t.name}"
    leaf_files[label] = leaf
    stapling = ""
    if w["stapling"]:
        # a "good" OCSP response from the issuing CA, stapled from a file (nginx ssl_stapling_file)
        stapling = f"certs/ocsp-{t.name}.der"
        world.files[stapling] = pki.ocsp_response(leaf, now)
    for h in hosts[:2]:
        if w["tlsa"] == "valid":
            z.add(f"_443._tcp.{h}.", "TLSA", f"3 1 1 {leaf.tlsa_311}")
        elif w["tlsa"] == "mismatch":
            z.add(f"_443._tcp.{h}.", "TLSA", f"3 1 1 {_hash_hex('mismatch-' + h)}")

    docroot = f"www/{t.name}"
    links = "".join(f'<p><a href="{url}">{url}</a></p>' for url in w["links"])
    world.files[f"{docroot}/v4/index.html"] = _page(t.name, links).encode()
    if w["ipv6_content"] == "different":
        world.files[f"{docroot}/v6/index.html"] = (
            "<!doctype html><html><head><title>Under construction</title></head><body>"
            + "<p>Dit is een andere site, alleen via IPv6 bereikbaar.</p>" * 40
            + "</body></html>\n"
        ).encode()
    else:
        world.files[f"{docroot}/v6/index.html"] = _page(t.name, links).encode()
    sectxt = presets.security_txt(w["security_txt"], t.name, now)
    sectxt_location = ""
    if sectxt is not None:
        path, ctype, body = sectxt
        if w["security_txt"] == "signed":
            body = pgp.clearsign(body, pgp_home) if pgp.available() else _fake_signature(body)
        for v in ("v4", "v6"):
            world.files[f"{docroot}/{v}{path}"] = body.encode()
        sectxt_location = f'        location = {path} {{ default_type "{ctype}"; charset off; }}\n'

    gnutls = w["server"] in GNUTLS_SERVED
    if not gnutls and w["security_txt"] == "fixed_response":
        raise ValueError(f"target {t.name}: security_txt fixed_response is what gnutls-serv serves, not nginx")
    site = _site(t, hosts, world) if w["server"] == "domeinwacht" else None
    if site is None and "app" in (w["headers"], w["security_txt"]):
        raise ValueError(f"target {t.name}: headers/security_txt `app` need web server: domeinwacht")
    if gnutls:
        _gnutls_web(t, stapling, [ip for ip, on in ((v4, w["ipv4"]), (v6, w["ipv6"])) if on], world, run_dir)
    tls = presets.tls_settings(w["tls"], w["cert"])
    if not gnutls and (not tls["safe_renegotiation"] or tls["client_renegotiation"]):
        raise ValueError(f"target {t.name}: nginx always speaks RFC 5746 and refuses client renegotiation")
    hdrs = presets.headers(w["headers"])
    add_headers = "".join(f'        add_header {k} "{v}" always;\n' for k, v in hdrs.items())
    if w["hsts"] and site is None:
        add_headers += f'        add_header Strict-Transport-Security "{w["hsts"]}" always;\n'
    names = " ".join(hosts)
    for family, ip in (("v4", v4 if w["ipv4"] else None), ("v6", v6 if w["ipv6"] else None)):
        if ip is None:
            continue
        listen_ip = ip if family == "v4" else f"[{ip}]"
        root = f"{run_dir}/{docroot}/{family}"
        if w["http"] != "none":
            if w["http"] == "redirect":
                body80 = "        location / { return 301 https://$host$request_uri; }\n"
            elif w["http"] == "redirect_other":
                body80 = f"        location / {{ return 301 https://www2.{t.name}$request_uri; }}\n"
            else:
                body80 = f"        root {root};\n" + sectxt_location
            servers.append(
                f"    server {{\n        listen {listen_ip}:80;\n"
                f"        server_name {names} @@NAMES:{t.name}@@;\n"
                f"{body80}    }}\n"
            )
        if w["https"] and not gnutls:
            gzip = "        gzip on; gzip_min_length 0; gzip_types text/plain;\n" if w["gzip"] else ""
            dh = f"        ssl_dhparam {run_dir}/nginx/dh/{tls['dhparam']}.pem;\n" if tls["dhparam"] else ""
            ems = "" if tls["ems"] else "        ssl_conf_command Options -ExtendedMasterSecret;\n"
            if tls["sigalgs"]:
                ems += f"        ssl_conf_command SignatureAlgorithms {tls['sigalgs']};\n"
            if stapling:
                ems += f"        ssl_stapling on;\n        ssl_stapling_file {run_dir}/{stapling};\n"
            early = "        ssl_early_data on;\n" if tls.get("early_data") else ""
            content = f"        root {root};\n" if site is None else _proxy_to_site(site)
            servers.append(
                f"    server {{\n        listen {listen_ip}:443 ssl;\n"
                f"        server_name {names} @@NAMES:{t.name}@@;\n"
                f"{content}"
                f"        ssl_certificate @@CERT:{t.name}@@;\n"
                f"        ssl_certificate_key @@CERT:{t.name}@@;\n"
                f"        ssl_protocols {' '.join(tls['protocols'])};\n"
                f"        ssl_ciphers {tls['cipher_string']};\n"
                f"        ssl_prefer_server_ciphers {'on' if tls['prefer_server'] else 'off'};\n"
                f"        ssl_ecdh_curve {tls['curves']};\n"
                f"{dh}{ems}{early}{gzip}{add_headers}{sectxt_location}    }}\n"
            )


def _site(t: Target, hosts: list[str], world: World) -> SiteServer:
    """The application behind a `server: domeinwacht` target; the target must declare what the application
    itself serves (nginx adds nothing, so the checks see the application's own headers)."""
    w = t.web
    assert w is not None
    wanted = {"headers": "app", "security_txt": "app", "hsts": SITE_HSTS, "gzip": False, "https": True}
    wrong = {k: w[k] for k, v in wanted.items() if w[k] != v}
    if wrong:
        raise ValueError(f"target {t.name}: the application serves {wanted}; got {wrong}")
    site = SiteServer(f"site-{t.name}", SITE_PORT_BASE + len(world.sites), list(hosts))
    world.sites.append(site)
    return site


def _proxy_to_site(site: SiteServer) -> str:
    # The application trusts one proxy: X-Forwarded-Proto makes Django see HTTPS (HSTS, secure cookies,
    # security.txt's Canonical) and X-Forwarded-For carries the client address (throttling, login lockout).
    return (
        "        location / {\n"
        f"            proxy_pass http://127.0.0.1:{site.port};\n"
        "            proxy_set_header Host $host;\n"
        "            proxy_set_header X-Forwarded-Proto https;\n"
        "            proxy_set_header X-Forwarded-For $remote_addr;\n"
        "            proxy_connect_timeout 5s;\n            proxy_read_timeout 60s;\n"
        "        }\n"
    )


def _gnutls_port(world: World) -> int:
    return GNUTLS_PORT_BASE + len(world.gnutls)


def _gnutls_web(t: Target, stapling: str, ips: list[str], world: World, run_dir: Path) -> None:
    """HTTPS by gnutls-serv (``--http``): the target's ip:443 is REDIRECTed to its port in the namespace.

    gnutls-serv answers every request with ``HTTP/1.0 200 OK``, ``Content-Type: application/octet-stream`` and
    the ``--httpdata`` file as the body; it sends no other header. The scenario must say so (no HSTS, no
    security headers, security.txt ``fixed_response`` — the page at every path —, no gzip, the same page over
    IPv4 and IPv6).
    """
    w = t.web
    assert w is not None
    served = {"https": True, "hsts": None, "headers": "none", "security_txt": "fixed_response", "gzip": False}
    wrong = {k: w[k] for k, v in {**served, "ipv6_content": "same"}.items() if w[k] != v}
    if wrong:
        raise ValueError(f"target {t.name}: gnutls-serv sends one fixed response, so it needs {served}; got {wrong}")
    port = _gnutls_port(world)
    cert = f"{run_dir}/certs/web-{t.name}.pem"  # key and full chain in one file (gnutls reads both from it)
    page = f"gnutls/{t.name}.html"
    world.files[page] = _page(t.name, "<p>Served by gnutls-serv.</p>").encode()
    args = ["--http", "--httpdata", f"{run_dir}/{page}", *_gnutls_common(port, cert, w["tls"])]
    if stapling:
        args += ["--ocsp-response", f"{run_dir}/{stapling}"]
    world.gnutls.append(GnutlsServer(f"web-{t.name}", port, args))
    if w["server"] == "deflate":
        port = _deflate_front(f"web-{t.name}", port, cert, world)
    world.redirects += [(ip, 443, port) for ip in ips]


def _gnutls_mx(  # noqa: PLR0917 - one call site
    name: str,
    host: str,
    c: dict[str, Any],
    leaf: Leaf,
    ips: list[str],
    pki: LabPKI,
    world: World,
    run_dir: Path,
    now: dt.datetime,
) -> None:
    """An MX whose TLS is gnutls-serv (``--echo``) behind the SMTP STARTTLS front (lab/smtpfront.py)."""
    if not c["starttls"] or c["rate_limit"] or c["ipv6_dead"]:
        raise ValueError(f"mail server {name}: the gnutls front offers STARTTLS, without rate limit or dead IPv6")
    port = _gnutls_port(world)
    args = ["--echo", *_gnutls_common(port, f"{run_dir}/certs/mx-{name}.pem", c["tls"])]
    if c["stapling"]:
        ocsp = f"certs/ocsp-mx-{name}.der"
        world.files[ocsp] = pki.ocsp_response(leaf, now)
        args += ["--ocsp-response", f"{run_dir}/{ocsp}"]
    world.gnutls.append(GnutlsServer(f"mx-{name}", port, args))
    if c["server"] == "deflate":
        port = _deflate_front(f"mx-{name}", port, f"{run_dir}/certs/mx-{name}.pem", world)
    world.smtp_fronts.append({"name": name, "host": host, "listen": ips, "backend": port})


def _deflate_front(name: str, backend: int, cert: str, world: World) -> int:
    """The scripted DEFLATE front (lab/deflatefront.py) before gnutls-serv ``backend``; returns its port.

    It answers our prober's TLS 1.2 hellos (which offer DEFLATE) with a ServerHello selecting DEFLATE, and
    splices every other connection to the gnutls-serv, which serves the pages, the mail and TLS 1.3.
    """
    port = DEFLATE_PORT_BASE + len(world.deflate_fronts)
    world.deflate_fronts.append({"name": name, "port": port, "backend": backend, "cert": cert})
    return port


def _gnutls_common(port: int, cert: str, tls: str | dict[str, Any]) -> list[str]:
    # -q: no per-connection report on stdout; -a: never ask for a client certificate
    return [
        "-q",
        "-a",
        "-p",
        str(port),
        "--x509certfile",
        cert,
        "--x509keyfile",
        cert,
        "--priority",
        presets.gnutls_priority(tls),
    ]


def _page(name: str, extra: str) -> str:
    return (
        f'<!doctype html><html lang="nl"><head><title>{name}</title></head><body>'
        f"<h1>{name}</h1><p>Domeinwacht lab target. Geen echte site.</p>{extra}</body></html>\n"
    )


def _fake_signature(body: str) -> str:
    """Used only when gpg is missing: structurally a cleartext signature, cryptographically not."""
    # An old-format packet header (tag 2, Signature; one-octet length: RFC 4880 4.2) before 64 digest bytes,
    # so the validator's structure check (domeinwacht.openpgp_cleartext) sees a Signature packet.
    sig = base64.b64encode(bytes([0x88, 64]) + hashlib.sha512(body.encode()).digest()).decode()
    return (
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n"
        + body
        + f"-----BEGIN PGP SIGNATURE-----\n\n{sig}\n-----END PGP SIGNATURE-----\n"
    )


def _mta_sts_server(hosts: dict[str, str], pki: LabPKI, world: World, run_dir: Path) -> str:
    v4, v6 = A.INFRA["mta-sts"]
    names = sorted(hosts)
    entries = []
    for h in names:
        leaf = pki.issue("ecdsa256", (h,), "mta-sts-shared")
        world.files[f"certs/mta-sts/{h}.pem"] = key_pem(leaf.key) + leaf.fullchain_pem()
        world.files[f"www/mta-sts/{h}/.well-known/mta-sts.txt"] = hosts[h].encode()
        entries.append(f"        {h} {run_dir}/certs/mta-sts/{h}.pem;\n")
    first = names[0]
    return (
        "    map $ssl_server_name $dw_mta_sts_cert {\n"
        f"        default {run_dir}/certs/mta-sts/{first}.pem;\n" + "".join(entries) + "    }\n"
        f"    server {{\n        listen {v4}:443 ssl;\n        listen [{v6}]:443 ssl;\n"
        f"        server_name {' '.join(names)};\n"
        f"        root {run_dir}/www/mta-sts/$host;\n"
        "        ssl_certificate $dw_mta_sts_cert;\n        ssl_certificate_key $dw_mta_sts_cert;\n"
        "        ssl_protocols TLSv1.2 TLSv1.3;\n"
        f"        ssl_ciphers {presets.TLS_DEFAULTS['ciphers']};\n"
        '        location = /.well-known/mta-sts.txt { default_type "text/plain"; }\n'
        "    }\n"
    )


def _nginx_conf(run_dir: Path, servers: list[str]) -> str:
    return (
        "# Generated by domeinwacht lab; regenerated on every `lab up`.\n"
        "user root;\nworker_processes 1;\n"
        f"pid {run_dir}/nginx/nginx.pid;\nerror_log {run_dir}/nginx/error.log warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n"
        "    default_type text/html;\n"
        f"    access_log {run_dir}/nginx/access.log;\n"
        f"    client_body_temp_path {run_dir}/nginx/tmp;\n"
        "    server_tokens off;\n    server_names_hash_max_size 262144;\n"
        "    server_names_hash_bucket_size 128;\n    map_hash_max_size 262144;\n"
        "    map_hash_bucket_size 128;\n"
        "    ssl_session_cache shared:dwlab:10m;\n" + "".join(servers) + "}\n"
    )


def _knot_conf(run_dir: Path, zones: dict[str, Zone]) -> str:
    listen = [A.INFRA[n][0] for n in ("ns1", "ns2", "ns4", "ns6")]
    listen += [A.INFRA[n][1] for n in ("ns1", "ns2")]
    lines = [
        "# Generated by domeinwacht lab.",
        "server:",
        f"    rundir: {run_dir}/knot",
        f"    pidfile: {run_dir}/knot/knot.pid",
        "    background-workers: 2",
        *(f"    listen: {ip}@53" for ip in listen if ip),
        "log:",
        "  - target: stderr",
        "    any: warning",
        "database:",
        f"    storage: {run_dir}/knot/db",
        "template:",
        "  - id: default",
        f"    storage: {run_dir}/knot/zones",
        "    zonefile-sync: -1",
        "    zonefile-load: whole",
        "    journal-content: none",
        "    semantic-checks: off",
        "acl:",
        "  - id: axfr",
        "    address: [0.0.0.0/0, ::/0]",
        "    action: transfer",
        "zone:",
    ]
    for origin in sorted(zones):
        lines.append(f'  - domain: "{origin}"')
        lines.append(f"    file: {_zone_file(origin)}")
        if zones[origin].allow_axfr:
            lines.append("    acl: axfr")
    return "\n".join(lines) + "\n"


def _knot_lame_conf(run_dir: Path) -> str:
    v4, v6 = A.INFRA["lame"]
    return textwrap.dedent(
        f"""\
        # A name server listed in NS records that serves no zone: it answers REFUSED (lame delegation).
        server:
            rundir: {run_dir}/knot-lame
            pidfile: {run_dir}/knot-lame/knot.pid
            listen: {v4}@53
            listen: {v6}@53
        log:
          - target: stderr
            any: error
        database:
            storage: {run_dir}/knot-lame/db
        """
    )


def _unbound_conf(run_dir: Path) -> str:
    v4, v6 = A.INFRA["resolver"]
    return textwrap.dedent(
        f"""\
        # Generated by domeinwacht lab: a validating resolver whose only trust anchor is the lab root.
        server:
            interface: {v4}
            interface: {v6}
            port: 53
            do-daemonize: yes
            username: ""
            chroot: ""
            directory: "{run_dir}/unbound"
            pidfile: "{run_dir}/unbound/unbound.pid"
            logfile: "{run_dir}/unbound/unbound.log"
            use-syslog: no
            verbosity: 1
            val-log-level: 2
            num-threads: 1
            access-control: 0.0.0.0/0 allow
            access-control: ::/0 allow
            root-hints: "{run_dir}/unbound/root.hints"
            trust-anchor-file: "{run_dir}/export/trust-anchor.txt"
            module-config: "validator iterator"
            do-ip6: yes
            do-not-query-localhost: yes
            qname-minimisation: no
            harden-below-nxdomain: yes
            cache-max-ttl: 60
            cache-max-negative-ttl: 30
            infra-host-ttl: 60
            # RFC 6761 names the lab uses; unbound blocks them by default.
            local-zone: "test." nodefault
            local-zone: "invalid." nodefault
        remote-control:
            control-enable: no
        """
    )


def _postfix_main(run_dir: Path) -> str:
    d = f"{run_dir}/postfix"
    return textwrap.dedent(
        f"""\
        # Generated by domeinwacht lab: one postfix instance, one smtpd service per MX address (master.cf).
        compatibility_level = 3.6
        queue_directory = {d}/queue
        data_directory = {d}/data
        maillog_file = {d}/maillog
        maillog_file_prefixes = {run_dir}
        myhostname = mx.lab.test
        mydestination =
        mynetworks = 127.0.0.0/8
        inet_interfaces = all
        inet_protocols = all
        alias_maps =
        alias_database =
        local_recipient_maps =
        relay_domains =
        smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
        smtpd_client_event_limit_exceptions =
        anvil_rate_time_unit = 60s
        smtpd_tls_security_level = may
        smtpd_tls_loglevel = 1
        tls_ssl_options = NO_RENEGOTIATION
        # OpenSSL settings postfix has no parameter for (signature algorithms, EMS): one application
        # section per variant in this file, chosen per smtpd service with -o tls_config_name
        tls_config_file = {d}/openssl.cnf
        biff = no
        smtputf8_enable = no
        """
    )


def _postfix_master_base() -> str:
    services = [
        ("pickup", "unix", "n", "-", "n", "60", "1", "pickup"),
        ("cleanup", "unix", "n", "-", "n", "-", "0", "cleanup"),
        ("qmgr", "unix", "n", "-", "n", "300", "1", "qmgr"),
        ("tlsmgr", "unix", "-", "-", "n", "1000?", "1", "tlsmgr"),
        ("rewrite", "unix", "-", "-", "n", "-", "-", "trivial-rewrite"),
        ("bounce", "unix", "-", "-", "n", "-", "0", "bounce"),
        ("defer", "unix", "-", "-", "n", "-", "0", "bounce"),
        ("trace", "unix", "-", "-", "n", "-", "0", "bounce"),
        ("verify", "unix", "-", "-", "n", "-", "1", "verify"),
        ("flush", "unix", "n", "-", "n", "1000?", "0", "flush"),
        ("proxymap", "unix", "-", "-", "n", "-", "-", "proxymap"),
        ("proxywrite", "unix", "-", "-", "n", "-", "1", "proxymap"),
        ("smtp", "unix", "-", "-", "n", "-", "-", "smtp"),
        ("relay", "unix", "-", "-", "n", "-", "-", "smtp"),
        ("showq", "unix", "n", "-", "n", "-", "-", "showq"),
        ("error", "unix", "-", "-", "n", "-", "-", "error"),
        ("retry", "unix", "-", "-", "n", "-", "-", "error"),
        ("discard", "unix", "-", "-", "n", "-", "-", "discard"),
        ("anvil", "unix", "-", "-", "n", "-", "1", "anvil"),
        ("scache", "unix", "-", "-", "n", "-", "1", "scache"),
        ("postlog", "unix-dgram", "n", "-", "n", "-", "1", "postlogd"),
    ]
    return "# Generated by domeinwacht lab.\n" + "".join(f"{' '.join(s)}\n" for s in services)


def _postfix_openssl_conf(apps: dict[tuple[str | None, bool, bool], str]) -> str:
    """OpenSSL configuration for postfix (tls_config_file): one application name per (sigalgs, ems, client
    renegotiation) variant.

    ``system_default`` applies to every SSL_CTX the process makes (OpenSSL config(5), ssl_conf module); the
    commands are SSL_CONF_cmd(3) names, the same that nginx's ssl_conf_command passes.
    """
    lines = ["# Generated by domeinwacht lab.", "openssl_conf = dwlab_none", ""]
    lines += [f"{app} = {app}_init" for app in apps.values()]
    lines += ["", "[dwlab_none]", ""]
    for (sigalgs, ems, client_reneg), app in apps.items():
        lines += [f"[{app}_init]", f"ssl_conf = {app}_ssl", f"[{app}_ssl]", f"system_default = {app}_sd", f"[{app}_sd]"]
        if sigalgs:
            lines.append(f"SignatureAlgorithms = {sigalgs}")
        # OpenSSL 3 refuses a client's renegotiation unless SSL_OP_ALLOW_CLIENT_RENEGOTIATION ("ClientRenegotiation")
        options = [o for o, on in (("-ExtendedMasterSecret", not ems), ("ClientRenegotiation", client_reneg)) if on]
        if options:
            lines.append(f"Options = {','.join(options)}")
        lines.append("")
    return "\n".join(lines)


def _postfix_service(  # noqa: PLR0917
    host: str, ip: str, c: dict[str, Any], tls: dict[str, Any], run_dir: Path, name: str, app: str
) -> str:
    listen = f"[{ip}]:25" if ":" in ip else f"{ip}:25"
    opts = [f"-o myhostname={host}", "-o syslog_name=postfix/" + name]
    if not c["starttls"]:
        opts.append("-o smtpd_tls_security_level=none")
    else:
        protos = {"TLSv1": ">=TLSv1", "TLSv1.1": ">=TLSv1.1", "TLSv1.2": ">=TLSv1.2", "TLSv1.3": ">=TLSv1.3"}
        opts += [
            "-o smtpd_tls_security_level=may",
            f"-o smtpd_tls_chain_files={run_dir}/certs/mx-{name}.pem",
            f"-o smtpd_tls_protocols={protos[tls['protocols'][0]]}",
            "-o smtpd_tls_ciphers=high",
            # Postfix lowers OpenSSL's security level for opportunistic TLS (SHA-1 signature algorithms
            # are then accepted); pin level 2 unless the preset asks for a lower one
            f"-o tls_high_cipherlist={tls['cipher_string']}" + ("" if tls["seclevel"] is not None else ":@SECLEVEL=2"),
            f"-o tls_preempt_cipherlist={'yes' if tls['prefer_server'] else 'no'}",
            "-o { tls_eecdh_auto_curves = " + tls["curves"].replace(":", " ").replace("secp256r1", "prime256v1") + " }",
        ]
        if app:
            opts.append(f"-o tls_config_name={app}")
        if tls["client_renegotiation"]:
            opts.append("-o tls_ssl_options=")  # main.cf's NO_RENEGOTIATION off for this service
        if tls["dhparam"]:
            opts.append(f"-o smtpd_tls_dh1024_param_file={run_dir}/nginx/dh/{tls['dhparam']}.pem")
    if c["rate_limit"]:
        opts.append("-o smtpd_client_connection_rate_limit=1")
    return f"{listen} inet n - n - - smtpd\n  " + "\n  ".join(opts)


def _rpki() -> tuple[dict[str, Any], str]:
    """VRPs (rpki-client JSON) and a pfx2as table covering the four RPKI classes of the address plan."""
    roas = [
        {"asn": "AS64500", "prefix": "198.51.100.0/24", "maxLength": 24, "ta": "lab"},
        {"asn": "AS64500", "prefix": "2001:db8:100::/48", "maxLength": 48, "ta": "lab"},
        {"asn": "AS64501", "prefix": "203.0.113.0/24", "maxLength": 24, "ta": "lab"},
        {"asn": "AS64501", "prefix": "2001:db8:203::/48", "maxLength": 48, "ta": "lab"},
    ]
    vrp = {
        "metadata": {"generated": 0, "buildtime": "lab", "roas": len(roas)},
        "roas": roas,
    }
    routes = [
        ("198.51.100.0", 24, 64500),  # valid
        ("2001:db8:100::", 48, 64500),
        ("203.0.113.0", 24, 64511),  # invalid: ROA says AS64501
        ("2001:db8:203::", 48, 64511),
        ("192.0.2.128", 26, 64502),  # not-found: no ROA covers it
        ("2001:db8:192::", 48, 64502),
        # 192.0.2.192/26 and 2001:db8:c0::/48: no route announced (rpki.valid not applicable)
    ]
    pfx2as = "".join(f"{p}/{n}\t{asn}\n" for p, n, asn in routes)
    return vrp, pfx2as
