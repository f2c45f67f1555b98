"""Scenario files: which targets the lab serves, how each is (mis)configured, and what every check must say.

A scenario is YAML (see scenarios/default.yaml, which documents every field next to its use). The loader checks
the structure and fills defaults; it does not judge expectations — those are the ground truth the scanner's
tests assert, declared by hand next to the configuration they follow from.

Statuses an expectation may name (one, or a list of acceptable ones): pass fail warning info not_applicable
error.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from domeinwacht.checks import catalogue

STATUSES = ("pass", "fail", "warning", "info", "not_applicable", "error")
PROFILES = ("ncsc-2025-05", "ncsc-2.1.1")
DEFAULT_PROFILE = "ncsc-2025-05"
RPKI_CLASSES = ("valid", "invalid", "notfound", "noroute")
KINDS = ("web", "mail", "both", "dns", "special")

# The check ids of CHECKS.md a target of each kind must declare (completeness is tested), derived from the
# catalogue (domeinwacht.checks.catalogue, kept equal to CHECKS.md by its own tests). hygiene.forgotten and
# hygiene.unregistered are scores/notes over many measurements, not verdicts about one lab target, so only
# hygiene.dangling_cname belongs to web targets.
_TARGET_HYGIENE = (catalogue.HYGIENE_DANGLING_CNAME,)


def _family(prefix: str) -> tuple[str, ...]:
    return tuple(sorted(c for c in catalogue.CHECK_IDS if c.startswith(prefix)))


DNS_CHECKS = _family("dns.")
WEB_CHECKS = _family("web.") + _TARGET_HYGIENE
MAIL_CHECKS = _family("mail.")
KIND_CHECKS: dict[str, tuple[str, ...]] = {
    "web": DNS_CHECKS + WEB_CHECKS,
    "mail": DNS_CHECKS + MAIL_CHECKS,
    "both": DNS_CHECKS + WEB_CHECKS + MAIL_CHECKS,
    "dns": DNS_CHECKS,
    "special": (),
}

WEB_DEFAULTS: dict[str, Any] = {
    "ipv4": True,
    "ipv6": True,  # publish AAAA and serve on it
    "ipv6_dead": False,  # publish AAAA but nothing listens there
    "http": "redirect",  # redirect | redirect_other | plain | none
    "https": True,
    "hsts": "max-age=31536000; includeSubDomains",
    "tls": "modern",
    "cert": "ecdsa256",
    "headers": "strict",
    "security_txt": "valid",
    "ipv6_content": "same",  # same | different
    "gzip": False,
    "tlsa": "valid",  # valid | mismatch | none
    "www": True,  # serve www.<name> too (CHECKS.md: host = the domain and www.)
    "stapling": False,  # staple a good OCSP response (needs a certificate with an OCSP URL: cert: ocsp)
    # nginx | gnutls: gnutls-serv terminates TLS on 443 (no RFC 5746 or client renegotiation, which nginx cannot
    # offer); it sends no response headers of its own choosing, so hsts/headers/security_txt/gzip must say so.
    # deflate: gnutls behind the scripted TLS front that selects DEFLATE for our prober (lab/deflatefront.py)
    # domeinwacht: nginx terminates TLS and proxies to Domeinwacht's own web application (`domeinwacht serve` in
    # the namespace), which sends HSTS, the headers and security.txt itself: headers/security_txt say `app`,
    # hsts what the application sends (dogfooding, docs/LAB.md)
    "server": "nginx",
    # discovery (docs/DISCOVERY.md): names added to the served certificate's SANs; names on a certificate that is
    # only logged in the lab's CT log (never served); absolute URLs linked from the home page; whether the served
    # certificate is logged in the CT log at all
    "extra_sans": [],
    "ct_only": [],
    "links": [],
    "ct": True,
}
MAIL_DEFAULTS: dict[str, Any] = {
    "mx": [],
    "spf": "v=spf1 mx -all",
    "dmarc": "v=DMARC1; p=reject; rua=mailto:dmarc@{domain}",
    "dkim": True,
    "mta_sts": "enforce",  # enforce | testing | broken | none
    "tls_rpt": "v=TLSRPTv1; rua=mailto:tlsrpt@{domain}",
}
DNS_DEFAULTS: dict[str, Any] = {
    "signing": {"denial": "nsec3", "algorithm": "ecdsa256"},
    "ns": ["ns1", "ns2"],
    "caa": ['0 issue "ca.lab.test"'],
    "records": [],
    "axfr": False,
}
MAIL_SERVER_DEFAULTS: dict[str, Any] = {
    "ipv4": True,
    "ipv6": True,
    "ipv6_dead": False,  # publish AAAA (ipv6: false) but no smtpd listens on it
    "starttls": True,
    "tls": "modern",
    "cert": "ecdsa256",
    "tlsa": "rollover",  # valid | rollover | mismatch | none
    "rate_limit": False,
    "rpki": "valid",
    # postfix | gnutls: gnutls-serv behind the lab's SMTP STARTTLS front (lab/smtpfront.py), for what postfix
    # cannot do: staple OCSP, or run without RFC 5746; deflate: the same with the scripted DEFLATE TLS front
    # (lab/deflatefront.py) between the SMTP front and gnutls-serv, for TLS compression
    "server": "postfix",
    "stapling": False,  # staple a good OCSP response (gnutls only; needs cert: ocsp)
}
WEB_SERVERS = ("nginx", "gnutls", "deflate", "domeinwacht")
MAIL_SERVER_KINDS = ("postfix", "gnutls", "deflate")


class ScenarioError(ValueError):
    """The scenario file is malformed (message names the target and field)."""


@dataclass
class Target:
    name: str
    purpose: str
    kind: str
    rpki: str
    dns: dict[str, Any]
    web: dict[str, Any] | None
    mail: dict[str, Any] | None
    expect: dict[str, tuple[str, ...]]
    expect_by_profile: dict[str, dict[str, tuple[str, ...]]]
    undeclared: dict[str, str]
    template: str | None = None  # generated clones name the default-scenario target they copy

    def expected(self, check_id: str, profile: str = DEFAULT_PROFILE) -> tuple[str, ...] | None:
        """Acceptable statuses of ``check_id`` under ``profile`` (``None`` when not declared)."""
        over = self.expect_by_profile.get(profile, {})
        if check_id in over:
            return over[check_id]
        return self.expect.get(check_id)

    def expectations(self, profile: str = DEFAULT_PROFILE) -> dict[str, tuple[str, ...]]:
        out = dict(self.expect)
        out.update(self.expect_by_profile.get(profile, {}))
        return out


@dataclass
class MailServer:
    name: str
    host: str
    config: dict[str, Any]


@dataclass
class Scenario:
    name: str
    description: str
    targets: dict[str, Target]
    mail_servers: dict[str, MailServer]
    source: str = ""
    digest: str = ""  # SHA-256 of the file's text: a running lab is reused only for the same content
    extra: dict[str, Any] = field(default_factory=dict)
    # TLDs other than test. (made on demand for targets under them) with their own signing, e.g. a DS at the
    # root that matches no key: {"example": {"denial": "nsec3", "algorithm": "ecdsa256", "bogus": "ds_mismatch"}}
    tlds: dict[str, dict[str, Any]] = field(default_factory=dict)


def _statuses(where: str, value: Any) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    for v in values:
        if v not in STATUSES:
            raise ScenarioError(f"{where}: unknown status {v!r} (use one of {', '.join(STATUSES)})")
    return tuple(values)


def _merge(defaults: dict[str, Any], given: dict[str, Any] | None) -> dict[str, Any]:
    out = copy.deepcopy(defaults)
    out.update(given or {})
    return out


def parse(data: dict[str, Any], source: str = "") -> Scenario:
    if not isinstance(data, dict) or "targets" not in data:
        raise ScenarioError(f"{source or 'scenario'}: expected a mapping with 'targets'")
    servers: dict[str, MailServer] = {}
    for sname, sconf in (data.get("mail_servers") or {}).items():
        if "host" not in sconf:
            raise ScenarioError(f"mail server {sname}: 'host' is required")
        servers[sname] = MailServer(sname, str(sconf["host"]).lower().rstrip("."), _merge(MAIL_SERVER_DEFAULTS, sconf))
        if servers[sname].config["server"] not in MAIL_SERVER_KINDS:
            raise ScenarioError(f"mail server {sname}: unknown server {servers[sname].config['server']!r}")
    targets: dict[str, Target] = {}
    raw_targets: dict[str, Any] = data["targets"]
    for tname, tconf in raw_targets.items():
        name = str(tname).lower().rstrip(".")
        tconf = tconf or {}  # noqa: PLW2901
        if tconf.get("template"):
            # A clone (generated scenarios): everything but the name comes from the template target.
            base = raw_targets.get(tconf["template"])
            if base is None or (base or {}).get("template"):
                raise ScenarioError(f"target {name}: template {tconf['template']!r} is not a target")
            tconf = {**base, **tconf}  # noqa: PLW2901
        kind = tconf.get("kind", "both")
        if kind not in KINDS:
            raise ScenarioError(f"target {name}: unknown kind {kind!r}")
        rpki = tconf.get("rpki", "valid")
        if rpki not in RPKI_CLASSES:
            raise ScenarioError(f"target {name}: unknown rpki class {rpki!r}")
        web = _merge(WEB_DEFAULTS, tconf.get("web")) if tconf.get("web") is not None else None
        if kind in {"web", "both"} and web is None:
            web = _merge(WEB_DEFAULTS, {})
        if web is not None and web["server"] not in WEB_SERVERS:
            raise ScenarioError(f"target {name}: unknown web server {web['server']!r}")
        mail = _merge(MAIL_DEFAULTS, tconf.get("mail")) if tconf.get("mail") is not None else None
        if mail is not None:
            # A YAML null (``mx: null`` or ``[null, mx-a]``) is the null MX "0 ." (RFC 7505).
            mx = mail["mx"]
            mx = ["null"] if mx is None else [mx] if isinstance(mx, str) else mx
            mx = mail["mx"] = ["null" if ref is None else ref for ref in mx]
            for ref in mx:
                if ref not in servers and ref != "null":
                    raise ScenarioError(f"target {name}: MX {ref!r} is not a mail server")
        expect = {k: _statuses(f"target {name} expect {k}", v) for k, v in (tconf.get("expect") or {}).items()}
        by_profile: dict[str, dict[str, tuple[str, ...]]] = {}
        for prof, exp in (tconf.get("expect_by_profile") or {}).items():
            if prof not in PROFILES:
                raise ScenarioError(f"target {name}: unknown profile {prof!r}")
            by_profile[prof] = {k: _statuses(f"target {name} {prof} {k}", v) for k, v in (exp or {}).items()}
        targets[name] = Target(
            name=name,
            purpose=str(tconf.get("purpose", "")).strip(),
            kind=kind,
            rpki=rpki,
            dns=_merge(DNS_DEFAULTS, tconf.get("dns")),
            web=web,
            mail=mail,
            expect=expect,
            expect_by_profile=by_profile,
            undeclared={str(k): str(v) for k, v in (tconf.get("undeclared") or {}).items()},
            template=tconf.get("template"),
        )
    tlds: dict[str, dict[str, Any]] = {}
    for tld, tconf in (data.get("tlds") or {}).items():
        label = str(tld).lower().strip(".")
        if not label or "." in label or label == "test":
            raise ScenarioError(f"tld {tld!r}: expected one label other than test")
        signing = (tconf or {}).get("signing")
        if not isinstance(signing, dict):
            raise ScenarioError(f"tld {label}: 'signing' (a mapping like a target's dns.signing) is required")
        tlds[label] = dict(signing)
    return Scenario(
        name=str(data.get("name", Path(source).stem if source else "scenario")),
        description=str(data.get("description", "")).strip(),
        targets=targets,
        mail_servers=servers,
        source=source,
        extra={
            k: v
            for k, v in data.items()
            if k not in {"name", "description", "targets", "mail_servers", "baselines", "tlds"}
        },
        tlds=tlds,
    )


def load(path: str | Path | None = None) -> Scenario:
    """Load a scenario file; ``None`` or a bare name (``default``) loads the packaged scenario of that name."""
    if path is None or (isinstance(path, str) and "/" not in path and not path.endswith(".yaml")):
        name = path or "default"
        ref = resources.files("domeinwacht.lab") / "scenarios" / f"{name}.yaml"
        if not ref.is_file():
            raise ScenarioError(f"no packaged scenario named {name!r}")
        text, source = ref.read_text(encoding="utf-8"), f"{name}.yaml"
    else:
        p = Path(path)
        if not p.is_file():
            raise ScenarioError(f"scenario file {p} does not exist")
        text, source = p.read_text(encoding="utf-8"), str(p)
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{source}: not valid YAML: {exc}") from exc
    scenario = parse(data, source)
    scenario.digest = hashlib.sha256(text.encode()).hexdigest()
    return scenario
