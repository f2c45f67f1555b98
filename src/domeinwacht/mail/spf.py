"""RFC 7208 ``check_host()``: the complete SPF evaluation, over an injectable async DNS interface.

    outcome = await check_host("192.0.2.1", "example.nl", "user@example.nl", dns)
    outcome.result  # SpfResult.PASS / FAIL / SOFTFAIL / NEUTRAL / NONE / TEMPERROR / PERMERROR

``dns`` is anything with ``async query(name, rdtype) -> SpfAnswer`` that raises ``SpfDnsError`` when a
question cannot be answered (timeout, SERVFAIL): ``ResolverSpfDns`` wraps our ``net.dns.Resolver`` for
production, the tests answer from the RFC 7208 test suite's zone data. The decision logic lives here once,
the I/O lives behind that interface (as dnspython's ``_Resolution`` does for its resolvers).
"""

from __future__ import annotations

import ipaddress
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from domeinwacht.mail.spf_record import (
    Directive,
    Macro,
    MacroString,
    Mechanism,
    Qualifier,
    SpfRecord,
    SpfSyntaxError,
    parse_macro_string,
    parse_record,
    select_records,
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DNS_LOOKUP_LIMIT = 10  # RFC 7208 4.6.4: terms causing DNS queries
VOID_LOOKUP_LIMIT = 2  # RFC 7208 4.6.4: "SHOULD limit void lookups to two"
MX_LIMIT = 10  # RFC 7208 4.6.4: MX records looked up per mx mechanism
PTR_LIMIT = 10  # RFC 7208 4.6.4: PTR names validated per ptr mechanism / %{p}


class SpfResult(StrEnum):
    """RFC 7208 section 2.6."""

    PASS = "pass"  # noqa: S105 - an SPF result, not a password
    FAIL = "fail"
    SOFTFAIL = "softfail"
    NEUTRAL = "neutral"
    NONE = "none"
    TEMPERROR = "temperror"
    PERMERROR = "permerror"


_QUALIFIER_RESULT = {
    Qualifier.PASS: SpfResult.PASS,
    Qualifier.FAIL: SpfResult.FAIL,
    Qualifier.SOFTFAIL: SpfResult.SOFTFAIL,
    Qualifier.NEUTRAL: SpfResult.NEUTRAL,
}


@dataclass(frozen=True, slots=True)
class SpfAnswer:
    """The answer to one question, CNAMEs already followed.

    Attributes:
        rcode: ``NOERROR`` or ``NXDOMAIN`` (anything else is an ``SpfDnsError``).
        records: TXT: each record's strings joined; MX: exchange names; A/AAAA: addresses; PTR: names.
    """

    rcode: str
    records: tuple[str, ...] = ()

    @property
    def void(self) -> bool:
        """RFC 7208 4.6.4: NOERROR with no answers, or NXDOMAIN."""
        return not self.records


class SpfDnsError(Exception):
    """A DNS question could not be answered (timeout, SERVFAIL, …): temperror in most places."""


class SpfDns(Protocol):
    async def query(self, name: str, rdtype: str) -> SpfAnswer: ...


class _PermError(Exception):
    pass


class _TempError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class SpfOutcome:
    """The result of ``check_host()``.

    Attributes:
        result: the SPF result.
        reason: why (the matching term, or the error).
        explanation: the ``exp=`` text for a fail, macro-expanded; ``None`` when there is none (default).
        dns_lookups / void_lookups: counted terms, for evidence.
    """

    result: SpfResult
    reason: str
    explanation: str | None = None
    dns_lookups: int = 0
    void_lookups: int = 0


@dataclass
class _Context:
    ip: IPAddress
    sender: str
    helo: str
    receiver: str
    dns: SpfDns
    now: int
    lookups: int = 0
    voids: int = 0
    _ptr_names: list[str] | None = field(default=None, repr=False)

    @property
    def local_part(self) -> str:
        return self.sender.rpartition("@")[0] or "postmaster"

    @property
    def sender_domain(self) -> str:
        return self.sender.rpartition("@")[2]


def _client_ip(ip: str | IPAddress) -> IPAddress:
    address = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    # RFC 7208 5 (last paragraph): IPv4-mapped IPv6 addresses are treated as IPv4.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def valid_domain(domain: str) -> bool:
    """RFC 7208 4.3: multi-label, no empty or over-long label, not a literal."""
    name = domain[:-1] if domain.endswith(".") else domain
    if not name or name.startswith("[") or len(name) > 253:
        return False
    labels = name.split(".")
    return len(labels) > 1 and all(0 < len(label.encode("utf-8", "replace")) <= 63 for label in labels)


async def spf_verdict(
    ip: str | IPAddress,
    mailfrom: str,
    helo: str,
    dns: SpfDns,
    *,
    receiver: str = "unknown",
    now: int | None = None,
) -> SpfOutcome:
    """The MAIL FROM identity check of RFC 7208 2.4: the HELO domain stands in for an empty MAIL FROM."""
    sender = mailfrom if mailfrom else f"postmaster@{helo}"
    if "@" not in sender:
        sender = f"postmaster@{sender}"
    domain = sender.rpartition("@")[2]
    return await check_host(ip, domain, sender, dns, helo=helo, receiver=receiver, now=now)


async def check_host(
    ip: str | IPAddress,
    domain: str,
    sender: str,
    dns: SpfDns,
    *,
    helo: str = "",
    receiver: str = "unknown",
    now: int | None = None,
) -> SpfOutcome:
    """RFC 7208 section 4: evaluate the SPF policy of ``domain`` for a message from ``ip``."""
    if "@" not in sender or sender.startswith("@"):  # RFC 7208 4.3: empty local-part is "postmaster"
        sender = "postmaster@" + sender.rpartition("@")[2]
    ctx = _Context(_client_ip(ip), sender, helo, receiver, dns, int(time.time()) if now is None else now)
    # RFC 7208 4.3: a malformed domain gives "none" without any query.
    if not valid_domain(domain):
        return SpfOutcome(SpfResult.NONE, f"{domain!r} is not a valid domain name")
    try:
        result, reason, explanation = await _evaluate(ctx, domain.rstrip("."), top=True)
    except _PermError as exc:
        result, reason, explanation = SpfResult.PERMERROR, str(exc), None
    except _TempError as exc:
        result, reason, explanation = SpfResult.TEMPERROR, str(exc), None
    return SpfOutcome(result, reason, explanation, ctx.lookups, ctx.voids)


async def fetch_record(dns: SpfDns, domain: str) -> tuple[str | None, str]:
    """The single SPF record of ``domain`` (RFC 7208 4.4/4.5): (record or None, why none)."""
    try:
        answer = await dns.query(domain, "TXT")
    except SpfDnsError as exc:
        raise _TempError(f"DNS error looking up TXT of {domain}: {exc}") from None
    if answer.rcode == "NXDOMAIN":
        return None, f"{domain} does not exist"
    records = select_records(answer.records)
    if not records:
        return None, f"no SPF record at {domain}"
    if len(records) > 1:  # RFC 7208 4.5: more than one record is a permerror
        raise _PermError(f"{len(records)} SPF records at {domain}")
    return records[0], ""


async def _evaluate(ctx: _Context, domain: str, *, top: bool) -> tuple[SpfResult, str, str | None]:
    text, why = await fetch_record(ctx.dns, domain)
    if text is None:
        return SpfResult.NONE, why, None
    try:
        record = parse_record(text)
    except SpfSyntaxError as exc:
        raise _PermError(f"syntax error in SPF record of {domain}: {exc}") from None
    for directive in record.directives:
        if await _matches(ctx, directive, domain):
            result = _QUALIFIER_RESULT[directive.qualifier]
            explanation = None
            if result is SpfResult.FAIL:
                explanation = await _explanation(ctx, record, domain)
            return result, f"{directive.text} in the record of {domain} matched", explanation
    if record.redirect is not None:
        # RFC 7208 6.1: redirect counts as a DNS-querying term; a target without record is a permerror.
        _count_lookup(ctx)
        target = await _target(ctx, record.redirect, domain)
        if not valid_domain(target):
            raise _PermError(f"redirect target {target!r} is not a valid domain")
        result, reason, explanation = await _evaluate(ctx, target, top=False)
        if result is SpfResult.NONE:
            raise _PermError(f"redirect target {target} has no SPF record")
        return result, reason, explanation  # 6.2: the target's exp, never ours
    # RFC 7208 4.7: no match, no redirect: neutral.
    return SpfResult.NEUTRAL, f"no term in the record of {domain} matched", None


def _count_lookup(ctx: _Context) -> None:
    ctx.lookups += 1
    if ctx.lookups > DNS_LOOKUP_LIMIT:  # RFC 7208 4.6.4
        raise _PermError(f"more than {DNS_LOOKUP_LIMIT} DNS-querying terms")


def _count_void(ctx: _Context, answer: SpfAnswer) -> None:
    if answer.void:
        ctx.voids += 1
        if ctx.voids > VOID_LOOKUP_LIMIT:  # RFC 7208 4.6.4
            raise _PermError(f"more than {VOID_LOOKUP_LIMIT} void DNS lookups")


async def _query(ctx: _Context, name: str, rdtype: str) -> SpfAnswer:
    if not valid_domain(name):
        return SpfAnswer("NXDOMAIN")  # an invalid name cannot exist: no match, never a query
    try:
        return await ctx.dns.query(name, rdtype)
    except SpfDnsError as exc:  # RFC 7208 5: a DNS error in a mechanism is a temperror
        raise _TempError(f"DNS error looking up {rdtype} of {name}: {exc}") from None


def _address_type(ip: IPAddress) -> str:
    return "A" if ip.version == 4 else "AAAA"


def _in_network(ip: IPAddress, address: str, directive: Directive) -> bool:
    try:
        other = ipaddress.ip_address(address)
    except ValueError:
        return False
    if other.version != ip.version:
        return False
    prefix = directive.cidr4 if ip.version == 4 else directive.cidr6
    return ip in ipaddress.ip_network((other, prefix), strict=False)


async def _matches(ctx: _Context, directive: Directive, domain: str) -> bool:
    mechanism = directive.mechanism
    if mechanism is Mechanism.ALL:
        return True
    if mechanism in (Mechanism.IP4, Mechanism.IP6):
        network = directive.network
        assert network is not None
        return ctx.ip.version == network.version and ctx.ip in network
    _count_lookup(ctx)
    target = await _target(ctx, directive.domain, domain) if directive.domain is not None else domain
    if mechanism is Mechanism.INCLUDE:
        result, _reason, _exp = (
            await _evaluate(ctx, target, top=False)
            if valid_domain(target)
            else (
                SpfResult.NONE,
                "",
                None,
            )
        )
        # RFC 7208 5.2: the include table.
        if result is SpfResult.PASS:
            return True
        if result in (SpfResult.FAIL, SpfResult.SOFTFAIL, SpfResult.NEUTRAL):
            return False
        if result is SpfResult.TEMPERROR:
            raise _TempError(f"include:{target} gave temperror")
        raise _PermError(f"include:{target} gave {result.value}")
    if mechanism is Mechanism.A:
        answer = await _query(ctx, target, _address_type(ctx.ip))
        _count_void(ctx, answer)
        return any(_in_network(ctx.ip, a, directive) for a in answer.records)
    if mechanism is Mechanism.MX:
        answer = await _query(ctx, target, "MX")
        _count_void(ctx, answer)
        exchanges = [name for name in answer.records if name.strip(".")]
        if len(exchanges) > MX_LIMIT:  # RFC 7208 4.6.4: more than 10 MX records is a permerror
            raise _PermError(f"{target} has {len(exchanges)} MX records (limit {MX_LIMIT})")
        for exchange in exchanges:
            addresses = await _query(ctx, exchange.rstrip("."), _address_type(ctx.ip))
            if any(_in_network(ctx.ip, a, directive) for a in addresses.records):
                return True
        return False
    if mechanism is Mechanism.PTR:
        names = await _validated_names(ctx, count_void=True)
        wanted = target.lower().rstrip(".")
        # RFC 7208 5.5: a validated name equal to or a subdomain of the target matches.
        return any(n == wanted or n.endswith("." + wanted) for n in names)
    # exists
    answer = await _query(ctx, target, "A")
    _count_void(ctx, answer)
    return bool(answer.records)


def reverse_name(ip: IPAddress) -> str:
    """The in-addr.arpa / ip6.arpa name of ``ip`` (lower-case nibbles)."""
    return ip.reverse_pointer


async def _validated_names(ctx: _Context, *, count_void: bool) -> list[str]:
    """RFC 7208 5.5: PTR names of the client whose forward lookup contains the client address.

    At most 10 PTR names are checked (4.6.4); a DNS error on a forward lookup skips that name (5.5/7). A DNS
    error on the PTR query itself is a temperror for the ``ptr`` mechanism and "unknown" for ``%{p}``.
    """
    if ctx._ptr_names is not None:
        return ctx._ptr_names
    try:
        answer = await ctx.dns.query(reverse_name(ctx.ip), "PTR")
    except SpfDnsError as exc:
        raise _TempError(f"DNS error looking up PTR of {ctx.ip}: {exc}") from None
    if count_void:
        _count_void(ctx, answer)
    names: list[str] = []
    for name in answer.records[:PTR_LIMIT]:
        host = name.rstrip(".")
        if not valid_domain(host):
            continue
        try:
            forward = await ctx.dns.query(host, _address_type(ctx.ip))
        except SpfDnsError:
            continue
        if any(_same_address(ctx.ip, a) for a in forward.records):
            names.append(host.lower())
    ctx._ptr_names = names
    return names


def _same_address(ip: IPAddress, text: str) -> bool:
    try:
        return ipaddress.ip_address(text) == ip
    except ValueError:
        return False


async def _target(ctx: _Context, spec: MacroString | None, domain: str) -> str:
    if spec is None:
        return domain
    p = await _p_value(ctx, domain) if _uses_p(spec) else None
    expanded = expand(spec, _MacroValues.of(ctx, domain, p=p))
    return truncate_domain(expanded.rstrip(".") if expanded.endswith(".") else expanded)


def truncate_domain(name: str) -> str:
    """RFC 7208 7.3: remove left labels until the name is at most 253 characters."""
    while len(name) > 253 and "." in name:
        name = name.split(".", 1)[1]
    return name


@dataclass(frozen=True, slots=True)
class _MacroValues:
    values: dict[str, str]

    @classmethod
    def of(cls, ctx: _Context, domain: str, *, p: str | None = None) -> _MacroValues:
        ip = ctx.ip
        if ip.version == 4:
            dotted, version = str(ip), "in-addr"
        else:
            dotted, version = ".".join(ip.exploded.replace(":", "")), "ip6"
        return cls(
            {
                "s": ctx.sender,
                "l": ctx.local_part,
                "o": ctx.sender_domain,
                "d": domain,
                "i": dotted,
                "p": p if p is not None else "unknown",
                "v": version,
                "h": ctx.helo,
                "c": str(ip),
                "r": ctx.receiver,
                "t": str(ctx.now),
            }
        )


def expand(spec: MacroString, values: _MacroValues) -> str:
    """RFC 7208 7.3: expand macros (transformers, delimiters, URL escaping for upper-case letters)."""
    out: list[str] = []
    for part in spec.parts:
        if isinstance(part, str):
            out.append(part)
        else:
            out.append(expand_macro(part, values.values[part.letter.lower()]))
    return "".join(out)


def expand_macro(macro: Macro, value: str) -> str:
    """One macro: split on the delimiters (default "."), reverse, keep the right-most N parts, join with "."."""
    delimiters = macro.delimiters or "."
    parts = [value]
    for delimiter in delimiters:
        parts = [piece for chunk in parts for piece in chunk.split(delimiter)]
    if macro.reverse:
        parts.reverse()
    if macro.digits is not None:
        parts = parts[-macro.digits :]
    result = ".".join(parts)
    if macro.letter.isupper():  # RFC 7208 7.3: upper-case macro letters are URL-escaped
        result = urllib.parse.quote(result, safe="-._~")
    return result


async def _explanation(ctx: _Context, record: SpfRecord, domain: str) -> str | None:
    """RFC 7208 6.2: the exp= text; ``None`` (the receiver's default) after any DNS or syntax problem."""
    if record.exp is None:
        return None
    target = await _target(ctx, record.exp, domain)
    if not valid_domain(target):
        return None
    try:
        answer = await ctx.dns.query(target, "TXT")
    except SpfDnsError:
        return None
    if len(answer.records) != 1:  # 6.2: zero or several TXT records: no explanation
        return None
    text = answer.records[0]
    try:
        text.encode("ascii")
        spec = parse_macro_string(text, explain=True)
    except (UnicodeEncodeError, SpfSyntaxError):
        return None
    p = await _p_value(ctx, domain) if _uses_p(spec) else None
    return expand(spec, _MacroValues.of(ctx, domain, p=p))


def _uses_p(spec: MacroString) -> bool:
    return any(isinstance(part, Macro) and part.letter.lower() == "p" for part in spec.parts)


async def _p_value(ctx: _Context, domain: str) -> str:
    """RFC 7208 7.3 ``%{p}``: a validated name, preferring the domain itself, then a subdomain."""
    try:
        names = await _validated_names(ctx, count_void=False)
    except (_TempError, _PermError):
        return "unknown"
    domain = domain.lower()
    for name in names:
        if name == domain:
            return name
    for name in names:
        if name.endswith("." + domain):
            return name
    return names[0] if names else "unknown"


def record_macros(record: SpfRecord) -> Sequence[str]:
    """Terms of ``record`` that use macros (their targets depend on the message; for evidence)."""
    terms = [d.text for d in record.directives if d.domain is not None and d.domain.has_macros]
    if record.redirect is not None and record.redirect.has_macros:
        terms.append("redirect=" + record.redirect.text)
    return terms
