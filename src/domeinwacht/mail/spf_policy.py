"""SPF policy analysis: walk a domain's SPF term tree without a message, for the ``mail.spf.*`` checks.

``check_host()`` answers "may this IP send for this domain"; a scanner asks something else: is the policy well
formed, does it end in ``-all``/``~all``, and does it stay within the RFC 7208 4.6.4 limits for *every* message?
So this walks every include and redirect (not just the branch one client address would take), counts every
DNS-querying term (the worst case a receiver may hit) and every void lookup, and reports the ``all`` that ends
evaluation after redirects. Targets built from macros depend on the message and are listed, not followed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domeinwacht.mail.spf import DNS_LOOKUP_LIMIT, VOID_LOOKUP_LIMIT, SpfAnswer, SpfDns, SpfDnsError
from domeinwacht.mail.spf_record import Mechanism, SpfRecord, SpfSyntaxError, parse_record, select_records
from domeinwacht.mail.txt_lookup import TxtLookup

MAX_DEPTH = 12  # includes/redirects nested deeper than the lookup limit allows are cut off anyway


@dataclass(frozen=True, slots=True)
class SpfAnalysis:
    """The SPF policy of the domain, analysed as a term tree (includes and redirects followed).

    Attributes:
        records: the ``v=spf1`` TXT records at the domain.
        lookup: the TXT lookup (other TXT records included).
        status: ``ok``, ``none``, ``multiple``, ``permerror`` or ``temperror``.
        reason: why the status (syntax error, missing include target, limit exceeded, DNS error).
        all_qualifier: the qualifier of the ``all`` that ends evaluation (``-``, ``~``, ``+``, ``?``) after
            following redirects; ``None`` when there is none (default neutral).
        all_domain: whose record holds that ``all``.
        dns_terms: terms causing DNS queries over the whole tree (include, a, mx, ptr, exists, redirect).
        void_lookups: targets of those terms that do not exist / have no records.
        void_names: the names of those void lookups.
        domains: the domains whose records were read, in order.
        macro_terms: terms whose target depends on the message (macros), not followed.
        ptr_terms: terms using the deprecated ``ptr`` mechanism (RFC 7208 5.5: SHOULD NOT be used).
    """

    domain: str
    lookup: TxtLookup
    records: tuple[str, ...] = ()
    status: str = "none"
    reason: str = ""
    all_qualifier: str | None = None
    all_domain: str = ""
    dns_terms: int = 0
    void_lookups: int = 0
    void_names: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    macro_terms: tuple[str, ...] = ()
    ptr_terms: tuple[str, ...] = ()


class _Stop(Exception):
    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass
class _Walk:
    dns: SpfDns
    dns_terms: int = 0
    voids: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    macro_terms: list[str] = field(default_factory=list)
    ptr_terms: list[str] = field(default_factory=list)

    async def ask(self, name: str, rdtype: str) -> SpfAnswer:
        try:
            return await self.dns.query(name, rdtype)
        except SpfDnsError as exc:
            raise _Stop("temperror", f"DNS error asking {rdtype} of {name}: {exc}") from None

    def count(self, term: str, domain: str) -> None:
        self.dns_terms += 1
        if self.dns_terms > DNS_LOOKUP_LIMIT:  # RFC 7208 4.6.4
            raise _Stop(
                "permerror",
                f"more than {DNS_LOOKUP_LIMIT} DNS-querying terms (the 11th is {term} in the record of {domain})",
            )

    def void(self, name: str) -> None:
        self.voids.append(name)

    async def record(self, domain: str) -> SpfRecord | None:
        answer = await self.ask(domain, "TXT")
        found = select_records(answer.records)
        if len(found) > 1:
            raise _Stop("permerror", f"{len(found)} SPF records at {domain} (RFC 7208 4.5)")
        if not found:
            return None
        try:
            return parse_record(found[0])
        except SpfSyntaxError as exc:
            raise _Stop("permerror", f"syntax error in the SPF record of {domain}: {exc}") from None

    async def walk(self, domain: str, record: SpfRecord, depth: int) -> tuple[str | None, str]:
        """Walk one record; returns the qualifier of the ``all`` ending evaluation and whose record it is."""
        self.domains.append(domain)
        if depth > MAX_DEPTH:
            raise _Stop("permerror", f"include/redirect nesting deeper than {MAX_DEPTH} at {domain}")
        for directive in record.directives:
            mechanism = directive.mechanism
            if mechanism in (Mechanism.ALL, Mechanism.IP4, Mechanism.IP6):
                continue
            self.count(directive.text, domain)
            if mechanism is Mechanism.PTR:
                self.ptr_terms.append(f"{directive.text} ({domain})")
            if directive.domain is not None and directive.domain.has_macros:
                self.macro_terms.append(f"{directive.text} ({domain})")
                continue
            target = directive.domain.text.rstrip(".") if directive.domain is not None else domain
            if mechanism is Mechanism.INCLUDE:
                included = await self.record(target)
                if included is None:  # RFC 7208 5.2: include of a domain without record is a permerror
                    self.void(target)
                    raise _Stop("permerror", f"include:{target} in the record of {domain} has no SPF record")
                await self.walk(target, included, depth + 1)
            elif mechanism is Mechanism.A:
                a = await self.ask(target, "A")
                aaaa = await self.ask(target, "AAAA")
                if a.void and aaaa.void:
                    self.void(target)
            elif mechanism is Mechanism.MX:
                if (await self.ask(target, "MX")).void:
                    self.void(target)
            elif mechanism is Mechanism.EXISTS and (await self.ask(target, "A")).void:
                self.void(target)
        if len(self.voids) > VOID_LOOKUP_LIMIT:  # RFC 7208 4.6.4
            raise _Stop("permerror", f"more than {VOID_LOOKUP_LIMIT} void lookups: {', '.join(self.voids)}")
        final = record.all_directive
        if final is not None:
            # RFC 7208 6.1: redirect is ignored when the record has an all mechanism.
            return final.qualifier.value, domain
        if record.redirect is not None:
            self.count("redirect=" + record.redirect.text, domain)
            if record.redirect.has_macros:
                self.macro_terms.append(f"redirect={record.redirect.text} ({domain})")
                return None, domain
            target = record.redirect.text.rstrip(".")
            redirected = await self.record(target)
            if redirected is None:  # RFC 7208 6.1: a redirect to a domain without record is a permerror
                self.void(target)
                raise _Stop("permerror", f"redirect={target} in the record of {domain} has no SPF record")
            return await self.walk(target, redirected, depth + 1)
        return None, domain


async def analyse_spf(domain: str, dns: SpfDns) -> SpfAnalysis:
    """Analyse the SPF policy of ``domain`` (never raises; DNS trouble gives status ``temperror``)."""
    domain = domain.rstrip(".").lower()
    try:
        answer = await dns.query(domain, "TXT")
    except SpfDnsError as exc:
        lookup = TxtLookup(domain, error=str(exc))
        return SpfAnalysis(domain, lookup, status="temperror", reason=f"TXT lookup of {domain} failed: {exc}")
    lookup = TxtLookup(domain, answer.rcode, answer.records)
    records = tuple(select_records(answer.records))
    if not records:
        return SpfAnalysis(domain, lookup, status="none", reason=f"no v=spf1 TXT record at {domain}")
    if len(records) > 1:
        return SpfAnalysis(
            domain, lookup, records, "multiple", f"{len(records)} v=spf1 records at {domain} (RFC 7208 4.5)"
        )
    walk = _Walk(dns)
    status, reason = "ok", ""
    qualifier: str | None = None
    where = domain
    try:
        try:
            record = parse_record(records[0])
        except SpfSyntaxError as exc:
            raise _Stop("permerror", f"syntax error in the SPF record of {domain}: {exc}") from None
        qualifier, where = await walk.walk(domain, record, 0)
    except _Stop as stop:
        status, reason = stop.status, stop.reason
    return SpfAnalysis(
        domain=domain,
        lookup=lookup,
        records=records,
        status=status,
        reason=reason,
        all_qualifier=qualifier,
        all_domain=where,
        dns_terms=walk.dns_terms,
        void_lookups=len(walk.voids),
        void_names=tuple(walk.voids),
        domains=tuple(walk.domains),
        macro_terms=tuple(walk.macro_terms),
        ptr_terms=tuple(walk.ptr_terms),
    )
