"""``/.well-known/security.txt`` (RFC 9116) for this service, from settings.

Contact (required, repeatable) and the optional Encryption, Policy, Preferred-Languages and Canonical come from
the environment (DOMEINWACHT_SECURITY_CONTACT and friends, see web/settings.py). Expires (required, once) is
computed on every request: now plus DOMEINWACHT_SECURITY_TXT_DAYS days (default 180, RFC 9116 2.5.5 recommends
less than a year), so the file never goes stale. Canonical defaults to the URL the file is requested at.
The legacy ``/security.txt`` redirects to the well-known place.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.views.decorators.http import require_GET

PATH = "/.well-known/security.txt"


def render(now: datetime, canonical: str) -> str:
    """The file's text for the configured fields at ``now``."""
    days = int(settings.DOMEINWACHT_SECURITY_TXT_DAYS)
    expires = (now + timedelta(days=days)).astimezone(UTC).replace(microsecond=0)
    lines = [f"# security.txt of Domeinwacht (RFC 9116); generated {now.astimezone(UTC):%Y-%m-%d}."]
    lines += [f"Contact: {contact}" for contact in settings.DOMEINWACHT_SECURITY_CONTACTS]
    lines.append(f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    for name, value in (
        ("Encryption", settings.DOMEINWACHT_SECURITY_ENCRYPTION),
        ("Policy", settings.DOMEINWACHT_SECURITY_POLICY),
        ("Preferred-Languages", settings.DOMEINWACHT_SECURITY_LANGUAGES),
    ):
        if value:
            lines.append(f"{name}: {value}")
    if canonical:
        lines.append(f"Canonical: {canonical}")
    return "\n".join(lines) + "\n"


@require_GET
def security_txt(request: HttpRequest) -> HttpResponse:
    canonical = settings.DOMEINWACHT_SECURITY_CANONICAL or request.build_absolute_uri(PATH)
    body = render(datetime.now(UTC), canonical)
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


@require_GET
def legacy_security_txt(request: HttpRequest) -> HttpResponsePermanentRedirect:
    return HttpResponsePermanentRedirect(PATH)
