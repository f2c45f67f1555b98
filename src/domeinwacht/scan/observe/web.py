"""The web observer: every address of the domain and www.domain, over HTTP, HTTPS and TLS.

    observations = await observe_web("example.nl", env)
    observations["web"]      # WebObservation: TCP 80/443, redirect chain, first HTTPS response, security.txt
    observations["web_tls"]  # tuple[TlsObservation, ...]: per (host, address), port 443 (full plan per address)
    observations["web_rpki"] # RpkiObservation: net.bgp.observe_rpki over every address

Per address of each host (tested separately, never only the first of a family):

1. TCP connect to 80 and 443 (shared per run: ``("tcp", ip, port)``).
2. ``http://host/`` and its redirects (at most 8; other hosts resolved with the same address family) when 80
   accepts; ``https://host/`` first response (no redirect followed, body capped at 64 KiB) when 443 accepts.
3. On the domain itself (www only when the domain has no address): ``https://host/.well-known/security.txt``
   (redirects followed, 100 KB), and the legacy ``/security.txt`` only when the well-known file is not there;
   a signed file is verified with gpg against the keys at its https Encryption URIs (``verify_cleartext``).

Per host: TLSA at ``_443._tcp.host`` and its DNSSEC status (``net.dnssec.validate``).

HTTP, TLS and RPKI run side by side. HTTP requests stop at 80 % of ``target_timeout``; network trouble is
recorded as a reason, never raised.

For tests without DNS the keyword ``addresses`` gives the A/AAAA of each host directly (they are recorded with
rcode ``PRESET``); ``ports`` moves 80/443 elsewhere (recorded in the observation, so that the checks use them).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from domeinwacht.hosts import web_hosts  # CHECKS.md scope word *host*: the domain and www. of it
from domeinwacht.net.bgp import observe_rpki
from domeinwacht.net.dns import DnsError
from domeinwacht.net.dnssec import TrustAnchorError, TrustAnchors, load_trust_anchors, validate
from domeinwacht.net.guard import NonPublicAddressError, is_refusal
from domeinwacht.net.http import HttpClient, HttpError, HttpLimits, env_limiter, probe_tcp
from domeinwacht.net.tls import probe_tls, probe_tls_name
from domeinwacht.observations.rpki import IpRpki, RpkiObservation
from domeinwacht.observations.tls import TlsObservation
from domeinwacht.observations.web import (
    PAGE_BODY_CAP,
    SECURITY_TXT_CAP,
    AddressLookup,
    HttpHop,
    HttpResponse,
    PortProbe,
    SecurityTxtFetch,
    TlsaLookup,
    WebEndpoint,
    WebHost,
    WebObservation,
)
from domeinwacht.openpgp_cleartext import SIGNED_HEADER
from domeinwacht.scan.env import ScanEnv
from domeinwacht.scan.observe import observer
from domeinwacht.securitytxt import validate_security_txt

SECURITY_TXT_PATHS = ("/.well-known/security.txt", "/security.txt")
MAX_REDIRECTS = 8
KEY_CAP = 64 * 1024  # an OpenPGP public key is a few KB


PRODUCES: dict[str, Any] = {
    "web": WebObservation,
    "web_tls": tuple[TlsObservation, ...],
    "web_rpki": RpkiObservation,
}


def _family(ip: str) -> int:
    return ipaddress.ip_address(ip).version


def _url(scheme: str, host: str, port: int, path: str = "/") -> str:
    default = 443 if scheme == "https" else 80
    return f"{scheme}://{host}{'' if port == default else f':{port}'}{path}"


class _WebProbe:
    """The I/O of one observation; the observer function below only assembles its results."""

    def __init__(self, env: ScanEnv, ports: tuple[int, int]) -> None:
        self.env = env
        self.http_port, self.https_port = ports
        options = env.options
        self.limits = HttpLimits(
            total=max(options.connect_timeout + options.io_timeout, 5.0),
            connect=options.connect_timeout,
            read=options.io_timeout,
            max_body=PAGE_BODY_CAP,
            max_redirects=MAX_REDIRECTS,
        )
        # Leave a fifth of the target's budget for assembling results; requests past it end with a reason.
        deadline = asyncio.get_running_loop().time() + options.target_timeout * 0.8
        self.client = HttpClient.for_env(env, self.limits, deadline=deadline)
        self.limiter = env_limiter(env)

    async def lookup(self, host: str, rdtype: str) -> AddressLookup:
        try:
            answer = await self.env.resolver.query(host, rdtype)
        except DnsError as exc:
            return AddressLookup(rdtype, error=exc.reason)
        if answer.rcode == "CNAME_LOOP":
            return AddressLookup(rdtype, answer.rcode, error=f"CNAME loop: {' -> '.join(answer.cname_chain)}")
        if answer.rcode not in ("NOERROR", "NXDOMAIN"):  # SERVFAIL, REFUSED…: the addresses are unknown
            return AddressLookup(rdtype, answer.rcode, error=f"the resolver answered {answer.rcode}")
        addresses = tuple(sorted(set(answer.records), key=lambda a: ipaddress.ip_address(a).packed))
        return AddressLookup(rdtype, answer.rcode, addresses)

    async def resolve_like(self, host: str, family: int) -> str | None:
        """An address of ``host`` for a redirect hop: the same family as the start if there is one."""
        first, second = ("AAAA", "A") if family == 6 else ("A", "AAAA")
        for rdtype in (first, second):
            found = await self.lookup(host, rdtype)
            if found.addresses:
                return found.addresses[0]
        return None

    async def tcp(self, ip: str, port: int) -> PortProbe:
        env = self.env

        async def connect() -> PortProbe:
            try:
                is_open, error, refused = await probe_tcp(
                    ip,
                    port,
                    guard=env.guard,
                    connect_timeout=env.options.connect_timeout,
                    limiter=self.limiter,
                )
            except NonPublicAddressError as exc:
                return PortProbe(ip, port, False, str(exc))
            return PortProbe(ip, port, is_open, error, refused)

        return await env.shared(("tcp", ip, port), connect)

    async def chain(self, url: str, ip: str, *, max_body: int, accept: str = "*/*") -> tuple[HttpHop, ...]:
        family = _family(ip)

        async def resolve(host: str) -> str | None:
            return await self.resolve_like(host, family)

        async def fetch(hop_url: str, hop_ip: str) -> HttpResponse:
            # A hop to https://host/ on this address is the request first_https makes: one request for both.
            parts = urlsplit(hop_url)
            try:
                port = parts.port or 443
            except ValueError:  # a hostile Location with a port out of range: the client reports it
                port = -1
            same = (
                max_body == PAGE_BODY_CAP
                and accept == "*/*"
                and parts.scheme == "https"
                and parts.hostname
                and ":" not in parts.hostname  # an IPv6 literal: not a name first_https asks for
                and port == self.https_port
                and parts.path in ("", "/")
                and not parts.query
            )
            if not same:
                return await self.client.get(hop_url, hop_ip, max_body=max_body, accept=accept)
            response, error = await self.first_https(str(parts.hostname).rstrip(".").lower(), hop_ip)
            if response is None:
                raise HttpError(hop_url, hop_ip, error or "no response")
            return response

        return await self.client.get_chain(
            url, ip, resolve, max_redirects=MAX_REDIRECTS, max_body=max_body, accept=accept, fetch=fetch
        )

    async def first_https(self, host: str, ip: str) -> tuple[HttpResponse | None, str | None]:
        url = _url("https", host, self.https_port)

        async def get() -> tuple[HttpResponse | None, str | None]:
            try:
                return await self.client.get(url, ip, max_body=PAGE_BODY_CAP), None
            except HttpError as exc:
                return None, exc.reason

        return await self.env.shared(("http", ip, host, self.https_port, "/"), get)

    async def security_txt(self, host: str, ip: str) -> tuple[SecurityTxtFetch, ...]:
        fetches: list[SecurityTxtFetch] = []
        for path in SECURITY_TXT_PATHS:
            url = _url("https", host, self.https_port, path)
            hops = await self.chain(url, ip, max_body=SECURITY_TXT_CAP, accept="text/plain")
            fetch = _security_txt_fetch(url, ip, hops)
            if fetch.found and fetch.body.startswith(SIGNED_HEADER.encode()):
                fetch = replace(fetch, signature=await self.signature(host, ip, fetch))
            fetches.append(fetch)
            if fetch.found:
                break  # RFC 9116 3: the well-known file counts; the legacy one only matters without it
        return tuple(fetches)

    async def signature(self, host: str, ip: str, fetch: SecurityTxtFetch) -> str:
        """Verify the OpenPGP cleartext signature with the keys at the file's https Encryption URIs."""
        report = validate_security_txt(
            fetch.body, content_type=fetch.content_type, fetched_from=(fetch.url,), now=datetime.now(UTC)
        )
        keys: list[bytes] = []
        problems: list[str] = []
        for uri in report.encryption:
            if not uri.lower().startswith("https://"):
                problems.append(f"{uri}: only https key URIs are fetched")
                continue
            key_host = urlsplit(uri).hostname or ""
            key_ip = ip if key_host == host else await self.resolve_like(key_host, _family(ip))
            if key_ip is None:
                problems.append(f"{uri}: {key_host} has no address")
                continue
            hops = await self.chain(uri, key_ip, max_body=KEY_CAP)
            last = hops[-1].response if hops else None
            if last is None or last.status != 200 or not last.body:
                problems.append(f"{uri}: {hops[-1].error if hops and hops[-1].error else 'no key served'}")
                continue
            keys.append(last.body)
        if not keys:
            return "not verified: " + ("; ".join(problems) or "no Encryption URI to fetch a key from")
        return await verify_cleartext(fetch.body, keys, seconds=self.limits.total)

    async def endpoint(self, host: str, ip: str, *, with_security_txt: bool) -> WebEndpoint:
        port80, port443 = await asyncio.gather(self.tcp(ip, self.http_port), self.tcp(ip, self.https_port))

        async def http_chain() -> tuple[HttpHop, ...]:
            if not port80.open:
                return ()
            hops = await self.chain(_url("http", host, self.http_port), ip, max_body=PAGE_BODY_CAP)
            # Only the first response's body is evidence (the page over plain HTTP); keep storage small.
            return hops[:1] + tuple(_without_body(hop) for hop in hops[1:])

        async def https() -> tuple[HttpResponse | None, str | None]:
            if not port443.open:
                if is_refusal(port443.error):
                    return None, port443.error  # declined by the guard: nothing was attempted
                return None, f"port {self.https_port} does not accept connections ({port443.error})"
            return await self.first_https(host, ip)

        async def security() -> tuple[SecurityTxtFetch, ...]:
            if not port443.open or not with_security_txt:
                return ()
            return await self.security_txt(host, ip)

        chain, (response, error), sectxt = await asyncio.gather(http_chain(), https(), security())
        return WebEndpoint(
            ip=ip,
            family=_family(ip),
            tcp=(port80, port443),
            http_chain=chain,
            https=response,
            https_error=error,
            security_txt=sectxt,
        )

    async def tlsa(self, host: str) -> TlsaLookup:
        name = f"_{self.https_port}._tcp.{host}"
        try:
            answer = await self.env.resolver.query(name, "TLSA", dnssec=True)
        except DnsError as exc:
            return TlsaLookup(name, error=exc.reason)
        status, reason, zone = await self.dnssec(name, "TLSA")
        return TlsaLookup(name, answer.records, answer.rcode, status, reason, dnssec_zone=zone)

    async def dnssec(self, name: str, rdtype: str) -> tuple[str | None, str | None, str]:
        """(status, reason, zone where the chain stopped being secure)."""
        env = self.env
        if env.options.dnssec_untrusted:
            return "indeterminate", env.options.dnssec_untrusted, ""

        async def anchors() -> TrustAnchors:
            return await asyncio.to_thread(load_trust_anchors, env.options.trust_anchor_file)

        try:
            trust = await env.shared(("dnssec-trust-anchors",), anchors)
        except (TrustAnchorError, OSError) as exc:
            return None, f"trust anchor unusable: {exc}", ""
        try:
            result = await validate(env.resolver, name, rdtype, anchors=trust)
        except DnsError as exc:
            return "indeterminate", exc.reason, ""
        return str(result.status.value), result.reason, result.broken_zone


async def verify_cleartext(signed: bytes, keys: Sequence[bytes], *, seconds: float) -> str:
    """``good <fingerprint>``, ``bad <reason>`` or ``not verified: <reason>`` for an OpenPGP cleartext message.

    gpg runs in a throw-away home directory with only ``keys`` imported (both fed on stdin), each run bounded by
    ``seconds``; its machine-readable status lines (``--status-fd``) decide.
    """
    gpg = shutil.which("gpg")
    if gpg is None:
        return "not verified: gpg is not installed"
    with tempfile.TemporaryDirectory(prefix="dw-gpg-") as home:
        os.chmod(home, 0o700)
        base = [gpg, "--batch", "--no-tty", "--no-autostart", "--homedir", home]
        for key in keys:
            await _run([*base, "--import"], key, seconds)
        code, status = await _run([*base, "--status-fd", "1", "--verify"], signed, seconds)
    if status is None:
        return f"not verified: gpg did not finish within {seconds:g}s"
    lines = [line.split()[1:] for line in status.decode("utf-8", "replace").splitlines() if line.startswith("[GNUPG:]")]
    valid = next((words[1] for words in lines if words and words[0] == "VALIDSIG" and len(words) > 1), None)
    if valid and any(words and words[0] == "GOODSIG" for words in lines):
        return f"good {valid}"
    if any(words and words[0] == "BADSIG" for words in lines):
        return "bad signature (the file was changed after signing, or signed by another key)"
    if any(words and words[0] in ("NO_PUBKEY", "ERRSIG") for words in lines):
        return "not verified: the signing key is not among the Encryption keys"
    return f"not verified: gpg exit code {code}"


async def _run(command: list[str], data: bytes, seconds: float) -> tuple[int, bytes | None]:
    """Run ``command`` with ``data`` on stdin; ``(exit code, stdout)``, stdout ``None`` when it overran."""
    process = await asyncio.create_subprocess_exec(
        *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        async with asyncio.timeout(seconds):
            stdout, _ = await process.communicate(data)
    except TimeoutError:
        process.kill()
        await process.wait()
        return -1, None
    return process.returncode or 0, stdout


def _without_body(hop: HttpHop) -> HttpHop:
    if hop.response is None or not hop.response.body:
        return hop
    return replace(hop, response=replace(hop.response, body=b""))


def _security_txt_fetch(url: str, ip: str, raw_hops: Sequence[HttpHop]) -> SecurityTxtFetch:
    # The final body is kept once, in SecurityTxtFetch.body; the hops keep status lines and headers.
    hops = tuple(_without_body(hop) for hop in raw_hops)
    last_raw = raw_hops[-1] if raw_hops else None
    last = hops[-1] if hops else None
    if last is None:
        return SecurityTxtFetch(url, ip, error="no request made")
    response = last.response
    if response is None or last.error is not None:
        return SecurityTxtFetch(
            url,
            ip,
            tuple(hops),
            final_url=last.url,
            status=response.status if response else 0,
            error=last.error,
        )
    tls_errors = [h.response.tls_error for h in hops if h.response and h.response.tls_error]
    return SecurityTxtFetch(
        url,
        ip,
        tuple(hops),
        final_url=last.url,
        status=response.status,
        content_type=response.header("content-type"),
        body=last_raw.response.body if last_raw is not None and last_raw.response is not None else b"",
        body_truncated=response.body_truncated,
        tls_error=tls_errors[0] if tls_errors else None,
    )


async def _lookups(probe: _WebProbe, host: str, preset: Sequence[str] | None) -> tuple[AddressLookup, AddressLookup]:
    if preset is not None:
        v4 = tuple(a for a in preset if _family(a) == 4)
        v6 = tuple(a for a in preset if _family(a) == 6)
        return AddressLookup("A", "PRESET", v4), AddressLookup("AAAA", "PRESET", v6)
    a, aaaa = await asyncio.gather(probe.lookup(host, "A"), probe.lookup(host, "AAAA"))
    return a, aaaa


async def _observe_host(
    probe: _WebProbe, host: str, a: AddressLookup, aaaa: AddressLookup, *, with_security_txt: bool
) -> WebHost:
    addresses = a.addresses + aaaa.addresses
    if not addresses:
        return WebHost(host, a, aaaa)
    endpoints, tlsa = await asyncio.gather(
        asyncio.gather(*(probe.endpoint(host, ip, with_security_txt=with_security_txt) for ip in addresses)),
        probe.tlsa(host),
    )
    return WebHost(host, a, aaaa, tuple(endpoints), tlsa)


async def _web_tls(env: ScanEnv, pairs: Sequence[tuple[str, str]], port: int) -> tuple[TlsObservation, ...]:
    """A TLS observation for every (host, address) pair: the certificate may differ per name (SNI).

    The full plan runs once per endpoint (``("tls-endpoint", ip, port)``, with the SNI of the first name that
    asks); every other name on that endpoint, in this domain or another, costs one confirming handshake
    (``probe_tls_name``) and gets the full plan only when the server answers it differently.
    """

    async def one(name: str, ip: str) -> TlsObservation:
        async def full() -> TlsObservation:
            return await probe_tls(ip, port, name, env, purpose="web")

        base = await env.shared(("tls-endpoint", ip, port, "web"), full)
        if base.server_name == name:
            return base

        async def confirm() -> TlsObservation:
            return await probe_tls_name(base, name, env)

        return await env.shared(("tls", ip, port, name, "web"), confirm)

    return tuple(await asyncio.gather(*(one(name, ip) for name, ip in pairs)))


async def _web_rpki(env: ScanEnv, pairs: Sequence[tuple[str, str]]) -> RpkiObservation:
    owner: dict[str, str] = {}
    for name, ip in pairs:
        owner.setdefault(ip, name)
    return await observe_rpki(list(owner), env, hosts=owner)


@observer("web", groups=("web",), produces=PRODUCES)
async def observe_web(
    domain: str,
    env: ScanEnv,
    *,
    addresses: Mapping[str, Sequence[str]] | None = None,
    ports: tuple[int, int] = (80, 443),
) -> dict[str, object]:
    """Observe the web hosts of ``domain`` (see the module docstring).

    Args:
        addresses: host name -> its addresses, instead of asking DNS (tests; recorded as rcode ``PRESET``).
        ports: the HTTP and HTTPS ports (tests); the observation records them.
    """
    probe = _WebProbe(env, ports)
    names = web_hosts(domain)
    lookups = await asyncio.gather(
        *(_lookups(probe, name, None if addresses is None else tuple(addresses.get(name, ()))) for name in names)
    )
    # security.txt is judged on the domain itself (www only when the domain has no address): fetch it there.
    resolving = [name for name, (a, aaaa) in zip(names, lookups, strict=True) if a.addresses or aaaa.addresses]
    sectxt_host = resolving[0] if resolving else None
    pairs = [(name, ip) for name, (a, aaaa) in zip(names, lookups, strict=True) for ip in a.addresses + aaaa.addresses]
    # HTTP, TLS and RPKI run side by side: the TLS prober has its own per-target budget.
    hosts, tls, rpki = await asyncio.gather(
        asyncio.gather(
            *(
                _observe_host(probe, name, a, aaaa, with_security_txt=name == sectxt_host)
                for name, (a, aaaa) in zip(names, lookups, strict=True)
            )
        ),
        _web_tls(env, pairs, ports[1]),
        _web_rpki(env, pairs),
    )
    # A host whose A or AAAA lookup failed has addresses we never saw: its TLS is "not measured", which an
    # empty area cannot say (the checks would read it as "no endpoint to judge").
    unresolved = {
        name: "; ".join(f"{x.rdtype} lookup of {name} failed: {x.error}" for x in (a, aaaa) if x.error is not None)
        for name, (a, aaaa) in zip(names, lookups, strict=True)
        if a.error is not None or aaaa.error is not None
    }
    tls += tuple(TlsObservation("", ports[1], name, "web", error=failed) for name, failed in unresolved.items())
    if unresolved:  # the same for RPKI: an address never learned is "could not look up", not "no address"
        unseen = tuple(IpRpki("", name, error=failed) for name, failed in unresolved.items())
        rpki = replace(rpki, addresses=rpki.addresses + unseen)
    observation = WebObservation(domain, tuple(hosts), http_port=ports[0], https_port=ports[1])
    return {"web": observation, "web_tls": tls, "web_rpki": rpki}


__all__ = ["PRODUCES", "observe_web", "web_hosts"]
