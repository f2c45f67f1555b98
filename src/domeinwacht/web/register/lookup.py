"""Who owns a host name: longest-suffix match against the register.

:func:`lookup_payload` is the one serialiser of a lookup; both the API (``GET /api/v1/lookup?host=``) and the CLI
(``domeinwacht register lookup HOST --format json``) return exactly its body.
"""

from __future__ import annotations

from typing import Any

from domeinwacht.names import InvalidName, display_name, host_or_url
from domeinwacht.web.register.models import Domain, Host, Organisation


def candidate_names(hostname: str) -> list[str]:
    """The name and each parent with at least two labels, longest first: a.b.example.nl, b.example.nl, example.nl."""
    labels = hostname.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def find_domain(hostname: str) -> Domain | None:
    """The registered domain in the register that holds ``hostname`` (already normalised), longest match first."""
    candidates = candidate_names(hostname)
    found = {d.name: d for d in Domain.objects.filter(name__in=candidates).select_related("owner")}
    for name in candidates:
        if name in found:
            return found[name]
    return None


def organisation_payload(org: Organisation) -> dict[str, Any]:
    return {
        "slug": org.slug,
        "name": org.name,
        "type": org.type,
        "identifiers": {
            "tooi": org.tooi,
            "oin": org.oin or None,
            "organisatiecode": org.organisatiecode or None,
            "kvk": org.kvk or None,
        },
        "valid_from": org.valid_from.isoformat() if org.valid_from else None,
        "valid_until": org.valid_until.isoformat() if org.valid_until else None,
        "active": org.is_active,
    }


def domain_payload(domain: Domain) -> dict[str, Any]:
    return {
        "name": domain.name,
        "display_name": domain.display_name,
        "status": domain.status,
        "provenance": domain.provenance,
        "verification_state": domain.verification_state,
    }


def lookup_payload(text: str) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) for a lookup of ``text``: 200 with owner and domain, 404 when the name is not a known
    government domain, 400 when it is not a host name at all. A web address is looked up by its host, and the body
    then has a ``note`` saying so."""
    try:
        host, note = host_or_url(text)
    except InvalidName as exc:
        return 400, {"error": "invalid_host", "detail": exc.reason, "host": text}
    noted = {"note": note} if note else {}
    domain = find_domain(host)
    if domain is None:
        return 404, {
            "error": "not_found",
            "detail": f"{display_name(host)} is not under a known government domain",
            "host": host,
            **noted,
        }
    return 200, {
        "host": host,
        "host_display": display_name(host),
        "host_registered": Host.objects.filter(name=host).exists(),
        **noted,
        "domain": domain_payload(domain),
        "organisation": organisation_payload(domain.owner),
    }
