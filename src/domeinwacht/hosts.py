"""What a typed name means: the domain to measure and the hosts its web checks test, each with the reason.

    target = typed_target("https://www.rijksoverheid.nl/onderwerpen")
    target.domain    # "rijksoverheid.nl"
    target.hosts     # (TestedHost("www.rijksoverheid.nl", "the host of the URL …"),
                     #  TestedHost("rijksoverheid.nl", "the domain of www.rijksoverheid.nl (the name without www.)"))

CHECKS.md's scope word *host* is "the domain and www. of it". A name typed with ``www.`` is therefore measured
as the domain without it, which tests exactly the typed name plus its domain — never ``www.www.…``. A web
address is accepted and its host used. ``web_hosts`` is the one rule the observers share.
"""

from __future__ import annotations

from dataclasses import dataclass

from domeinwacht.names import InvalidName, hostname_from_url, is_public_suffix, normalise_hostname

__all__ = ["TestedHost", "TypedTarget", "typed_target", "web_hosts"]

WWW = "www."


@dataclass(frozen=True, slots=True)
class TestedHost:
    """One host a measurement tests. ``why``: one sentence saying why this host (for text and JSON output)."""

    host: str
    why: str


@dataclass(frozen=True, slots=True)
class TypedTarget:
    """What one typed argument means.

    Attributes:
        typed: the text as given.
        domain: the name the observers receive (the typed host, or the typed host without ``www.``).
        hosts: the web hosts tested (``web_hosts(domain)``), each with the reason.
    """

    typed: str
    domain: str
    hosts: tuple[TestedHost, ...]

    def to_json(self) -> dict[str, object]:
        hosts = [{"host": h.host, "why": h.why} for h in self.hosts]
        return {"typed": self.typed, "domain": self.domain, "hosts": hosts}


def web_hosts(domain: str) -> tuple[str, ...]:
    """The web hosts of a domain: the name itself and ``www.`` of it; a ``www.`` name is not prefixed again."""
    name = domain.lower().rstrip(".")
    return (name,) if name.startswith(WWW) else (name, WWW + name)


def _looks_like_url(text: str) -> bool:
    return "://" in text or "/" in text or "?" in text or "#" in text


def typed_target(text: str) -> TypedTarget:
    """The domain and hosts for a typed name or web address; raises ``InvalidName`` with the reason."""
    raw = text.strip()
    if _looks_like_url(raw):
        host = hostname_from_url(raw)
        source = f"the host of the URL {raw}"
    else:
        host = normalise_hostname(raw)
        source = "as typed"
    domain = host
    if host.startswith(WWW):
        rest = host[len(WWW) :]
        try:
            if not is_public_suffix(rest):
                domain = rest
        except InvalidName:
            pass  # "www." + something that is not a name on its own: test the typed host only
    hosts: tuple[TestedHost, ...]
    if domain != host:
        hosts = (
            TestedHost(host, source),
            TestedHost(domain, f"the domain of {host} (the name without www.): CHECKS.md hosts are a domain and www."),
        )
    else:
        hosts = tuple(
            TestedHost(h, source if h == host else f"www. of {host}: CHECKS.md hosts are a domain and www.")
            for h in web_hosts(domain)
        )
    return TypedTarget(text, domain, hosts)
