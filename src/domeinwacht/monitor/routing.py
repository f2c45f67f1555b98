"""Where an alert about a host goes: its security.txt, else the register.

In order (docs/MONITOR.md):

1. the ``mailto:`` Contact fields of the host's security.txt, when the measurement observed a usable file
   (RFC 9116 2.5.3: the Contact field is the preferred route for security reports);
2. else the organisation's registered security contacts;
3. else its general contacts;
4. else nobody (the route says so; the alert is not sent, and the operator sees why).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote

__all__ = ["Route", "Source", "mailto_addresses", "route"]

# A deliberately plain address check: one @, a dot in the domain part, no spaces or header-breaking characters.
_ADDRESS = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+$")


class Source(StrEnum):
    SECURITY_TXT = "security.txt"
    SECURITY_CONTACT = "security_contact"
    GENERAL_CONTACT = "general_contact"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Route:
    """The recipients of an alert and where they came from."""

    recipients: tuple[str, ...]
    source: Source


def _clean(addresses: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for address in addresses:
        candidate = address.strip()
        if _ADDRESS.match(candidate):
            seen.setdefault(candidate.lower(), None)
    return tuple(seen)


def mailto_addresses(contacts: Iterable[str]) -> tuple[str, ...]:
    """The addresses of the ``mailto:`` URIs among security.txt Contact values (others are ignored).

    ``mailto:security%40example.nl?subject=x`` gives ``security@example.nl`` (RFC 6068: percent-decoded, the
    query dropped); several addresses in one URI are split at commas.
    """
    found: list[str] = []
    for contact in contacts:
        scheme, _, rest = contact.strip().partition(":")
        if scheme.lower() != "mailto" or not rest:
            continue
        found.extend(unquote(part) for part in rest.split("?", 1)[0].split(","))
    return _clean(found)


def route(
    security_txt_contacts: Iterable[str],
    security_contacts: Iterable[str],
    general_contacts: Iterable[str],
) -> Route:
    """The first non-empty of: security.txt ``mailto:``, registered security contacts, general contacts."""
    if found := mailto_addresses(security_txt_contacts):
        return Route(found, Source.SECURITY_TXT)
    if found := _clean(security_contacts):
        return Route(found, Source.SECURITY_CONTACT)
    if found := _clean(general_contacts):
        return Route(found, Source.GENERAL_CONTACT)
    return Route((), Source.NONE)
