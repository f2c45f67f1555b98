"""SPF record syntax (RFC 7208 section 4.6 and 12 ABNF): record selection and term parsing, no I/O.

    record = parse_record("v=spf1 ip4:192.0.2.0/24 include:_spf.example.nl -all")
    record.directives[0].mechanism, record.redirect, record.exp

Syntax errors raise ``SpfSyntaxError`` (a permerror of RFC 7208 section 4.6: "any syntax errors anywhere in
the record MUST be detected"). Domain-specs are kept as tokenised macro strings (see ``MacroString``) so that
the evaluator expands them once it knows the sender and client address.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import StrEnum


class SpfSyntaxError(ValueError):
    """The record (or a macro string in it) violates the RFC 7208 grammar."""


class Qualifier(StrEnum):
    PASS = "+"  # noqa: S105 - an SPF qualifier
    FAIL = "-"
    SOFTFAIL = "~"
    NEUTRAL = "?"


# RFC 7208 7.1: macro-letter; c, r and t are only allowed in explanation strings (7.1, "exp" TXT).
DOMAIN_MACRO_LETTERS = frozenset("slodiphv")
EXPLAIN_MACRO_LETTERS = DOMAIN_MACRO_LETTERS | frozenset("crt")
DELIMITERS = frozenset(".-+,/_=")


@dataclass(frozen=True, slots=True)
class Macro:
    """One ``%{...}`` expansion: letter (case kept: upper case means URL-escape), digits, reverse, delimiters."""

    letter: str
    digits: int | None = None
    reverse: bool = False
    delimiters: str = ""


MacroPart = str | Macro


@dataclass(frozen=True, slots=True)
class MacroString:
    """A tokenised macro-string: literal text and macros, in order; ``text`` is the source."""

    text: str
    parts: tuple[MacroPart, ...]

    @property
    def has_macros(self) -> bool:
        return any(isinstance(p, Macro) for p in self.parts)


def parse_macro_string(text: str, *, explain: bool = False) -> MacroString:
    """Tokenise per RFC 7208 7.1 (``macro-string``, or ``explain-string`` when ``explain``)."""
    letters = EXPLAIN_MACRO_LETTERS if explain else DOMAIN_MACRO_LETTERS
    parts: list[MacroPart] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "%":
            nxt = text[i + 1 : i + 2]
            if nxt == "%":
                literal.append("%")
                i += 2
            elif nxt == "_":
                literal.append(" ")
                i += 2
            elif nxt == "-":
                literal.append("%20")
                i += 2
            elif nxt == "{":
                end = text.find("}", i + 2)
                if end < 0:
                    raise SpfSyntaxError(f"unterminated macro in {text!r}")
                if literal:
                    parts.append("".join(literal))
                    literal = []
                parts.append(_parse_macro_body(text[i + 2 : end], letters, text))
                i = end + 1
            else:
                raise SpfSyntaxError(f"invalid macro '%{nxt}' in {text!r}")
        else:
            # RFC 7208 7.1: macro-literal = %x21-24 / %x26-7E; explain-string also allows SP.
            if not (0x21 <= ord(ch) <= 0x7E or (explain and ch == " ")):
                raise SpfSyntaxError(f"character {ch!r} not allowed in {text!r}")
            literal.append(ch)
            i += 1
    if literal:
        parts.append("".join(literal))
    return MacroString(text, tuple(parts))


_MACRO_BODY = re.compile(r"^([A-Za-z])([0-9]*)([rR]?)([.\-+,/_=]*)$")


def _parse_macro_body(body: str, letters: frozenset[str], text: str) -> Macro:
    m = _MACRO_BODY.match(body)
    if m is None or m.group(1).lower() not in letters:
        raise SpfSyntaxError(f"invalid macro %{{{body}}} in {text!r}")
    digits = int(m.group(2)) if m.group(2) else None
    if digits == 0:  # RFC 7208 7.1: "If a DIGIT is specified, the value MUST be nonzero."
        raise SpfSyntaxError(f"macro %{{{body}}} with zero digits in {text!r}")
    return Macro(m.group(1), digits, bool(m.group(3)), m.group(4))


# RFC 7208 12: toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
_TOPLABEL = re.compile(r"^(?:[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9])$")


def parse_domain_spec(text: str) -> MacroString:
    """``domain-spec = macro-string domain-end`` (RFC 7208 7.1)."""
    if not text:
        raise SpfSyntaxError("empty domain-spec")
    spec = parse_macro_string(text)
    if spec.parts and isinstance(spec.parts[-1], Macro):
        return spec  # domain-end = macro-expand
    tail = text[:-1] if text.endswith(".") else text
    if "." not in tail:
        raise SpfSyntaxError(f"domain-spec {text!r} does not end in '.toplabel'")
    toplabel = tail.rsplit(".", 1)[1]
    if "%" in toplabel or not _TOPLABEL.match(toplabel):
        raise SpfSyntaxError(f"domain-spec {text!r} has an invalid top label {toplabel!r}")
    return spec


class Mechanism(StrEnum):
    ALL = "all"
    INCLUDE = "include"
    A = "a"
    MX = "mx"
    PTR = "ptr"
    IP4 = "ip4"
    IP6 = "ip6"
    EXISTS = "exists"


# Mechanisms and modifiers that cause DNS queries (RFC 7208 4.6.4): the lookup limit counts them.
DNS_MECHANISMS = frozenset({Mechanism.INCLUDE, Mechanism.A, Mechanism.MX, Mechanism.PTR, Mechanism.EXISTS})


@dataclass(frozen=True, slots=True)
class Directive:
    """``[qualifier] mechanism``.

    Attributes:
        qualifier: ``+ - ~ ?`` (default ``+``).
        mechanism: which mechanism.
        domain: domain-spec (include, exists; optional for a, mx, ptr).
        network: ip4/ip6 network (with its prefix length applied).
        cidr4 / cidr6: dual-cidr-length of a and mx (32/128 when absent).
        text: the term as written.
    """

    qualifier: Qualifier
    mechanism: Mechanism
    domain: MacroString | None = None
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None
    cidr4: int = 32
    cidr6: int = 128
    text: str = ""


@dataclass(frozen=True, slots=True)
class Modifier:
    name: str
    value: MacroString
    text: str = ""


@dataclass(frozen=True, slots=True)
class SpfRecord:
    """A parsed ``v=spf1`` record.

    Attributes:
        directives: in evaluation order.
        redirect / exp: the two modifiers RFC 7208 defines (each at most once, 6/2).
        unknown_modifiers: other ``name=value`` terms (ignored by evaluation, 6/3).
        text: the record as published.
    """

    directives: tuple[Directive, ...]
    redirect: MacroString | None
    exp: MacroString | None
    unknown_modifiers: tuple[Modifier, ...]
    text: str

    @property
    def all_directive(self) -> Directive | None:
        """The first ``all`` directive (terms after it are never reached)."""
        return next((d for d in self.directives if d.mechanism is Mechanism.ALL), None)

    @property
    def dns_terms(self) -> int:
        """How many terms here cause DNS queries (include, a, mx, ptr, exists, redirect; RFC 7208 4.6.4)."""
        return sum(d.mechanism in DNS_MECHANISMS for d in self.directives) + (self.redirect is not None)


def is_spf_record(text: str) -> bool:
    """RFC 7208 4.5: a record is an SPF record when it is ``v=spf1`` alone or followed by a space."""
    head = text[:7].lower()
    return head == "v=spf1" if len(text) == 6 else head == "v=spf1 "


def select_records(txt_records: list[str] | tuple[str, ...]) -> list[str]:
    """The SPF records among the TXT strings of a name (RFC 7208 4.5); more than one is a permerror."""
    return [t for t in txt_records if is_spf_record(t)]


_MODIFIER = re.compile(r"^([A-Za-z][A-Za-z0-9_.\-]*)=(.*)$", re.DOTALL)
_MECHANISM = re.compile(r"^([+\-~?]?)([A-Za-z0-9]*)(.*)$", re.DOTALL)
# ip4-cidr-length = "/" ("0" / %x31-39 0*1DIGIT); ip6-cidr-length = "/" ("0" / %x31-39 0*2DIGIT)
_CIDR = r"(?:0|[1-9][0-9]{0,2})"
_DUAL_CIDR = re.compile(rf"^(.*?)(?:/({_CIDR}))?(?://({_CIDR}))?$", re.DOTALL)


def parse_record(text: str) -> SpfRecord:
    """Parse one SPF record; raises ``SpfSyntaxError`` for anything RFC 7208 does not allow."""
    if not is_spf_record(text):
        raise SpfSyntaxError("not an SPF record (must start with 'v=spf1')")
    try:
        text.encode("ascii")
    except UnicodeEncodeError as exc:  # RFC 7208 3.1: records are 7-bit ASCII
        raise SpfSyntaxError("SPF record contains non-ASCII characters") from exc
    directives: list[Directive] = []
    redirect: MacroString | None = None
    exp: MacroString | None = None
    unknown: list[Modifier] = []
    # RFC 7208 4.6.1: terms are separated by one or more SP (0x20) only.
    for term in text[6:].split(" "):
        if not term:
            continue
        modifier = _MODIFIER.match(term)
        if modifier is not None:
            name, value = modifier.group(1).lower(), modifier.group(2)
            if name == "redirect":
                if redirect is not None:  # RFC 7208 6/2: at most once
                    raise SpfSyntaxError("redirect= appears more than once")
                redirect = parse_domain_spec(value)
            elif name == "exp":
                if exp is not None:
                    raise SpfSyntaxError("exp= appears more than once")
                exp = parse_domain_spec(value)
            else:
                unknown.append(Modifier(name, parse_macro_string(value), term))
            continue
        directives.append(parse_directive(term))
    return SpfRecord(tuple(directives), redirect, exp, tuple(unknown), text)


def parse_directive(term: str) -> Directive:
    m = _MECHANISM.match(term)
    assert m is not None  # the pattern matches every string
    qualifier = Qualifier(m.group(1) or "+")
    name, rest = m.group(2).lower(), m.group(3)
    try:
        mechanism = Mechanism(name)
    except ValueError:
        raise SpfSyntaxError(f"unknown mechanism in {term!r}") from None
    if mechanism is Mechanism.ALL:
        if rest:
            raise SpfSyntaxError(f"'all' takes no argument: {term!r}")
        return Directive(qualifier, mechanism, text=term)
    if mechanism in (Mechanism.INCLUDE, Mechanism.EXISTS):
        if not rest.startswith(":"):
            raise SpfSyntaxError(f"{name} needs ':domain': {term!r}")
        return Directive(qualifier, mechanism, parse_domain_spec(rest[1:]), text=term)
    if mechanism is Mechanism.PTR:
        if not rest:
            return Directive(qualifier, mechanism, text=term)
        if not rest.startswith(":"):
            raise SpfSyntaxError(f"invalid ptr term {term!r}")
        return Directive(qualifier, mechanism, parse_domain_spec(rest[1:]), text=term)
    if mechanism in (Mechanism.A, Mechanism.MX):
        cidr = _DUAL_CIDR.match(rest)
        assert cidr is not None
        spec, c4, c6 = cidr.group(1), cidr.group(2), cidr.group(3)
        cidr4 = int(c4) if c4 is not None else 32
        cidr6 = int(c6) if c6 is not None else 128
        if cidr4 > 32 or cidr6 > 128:
            raise SpfSyntaxError(f"prefix length out of range in {term!r}")
        if spec and not spec.startswith(":"):
            raise SpfSyntaxError(f"invalid {name} term {term!r}")
        domain = parse_domain_spec(spec[1:]) if spec else None
        return Directive(qualifier, mechanism, domain, cidr4=cidr4, cidr6=cidr6, text=term)
    # ip4 / ip6
    if not rest.startswith(":"):
        raise SpfSyntaxError(f"{name} needs ':address': {term!r}")
    address, slash, length = rest[1:].partition("/")
    try:
        if mechanism is Mechanism.IP4:
            ip4 = ipaddress.IPv4Address(address)
            bits = _prefix(length, 32, term) if slash else 32
            return Directive(qualifier, mechanism, network=ipaddress.IPv4Network((ip4, bits), strict=False), text=term)
        ip6 = ipaddress.IPv6Address(address)
        bits = _prefix(length, 128, term) if slash else 128
        return Directive(qualifier, mechanism, network=ipaddress.IPv6Network((ip6, bits), strict=False), text=term)
    except ipaddress.AddressValueError as exc:
        raise SpfSyntaxError(f"invalid address in {term!r}: {exc}") from None


def _prefix(text: str, maximum: int, term: str) -> int:
    if not re.fullmatch(_CIDR, text) or int(text) > maximum:
        raise SpfSyntaxError(f"invalid prefix length in {term!r}")
    return int(text)
