"""Security headers Django itself does not send: Content-Security-Policy and Permissions-Policy.

Django's SecurityMiddleware sends HSTS (on HTTPS), X-Content-Type-Options, Referrer-Policy and
Cross-Origin-Opener-Policy; XFrameOptionsMiddleware sends X-Frame-Options. Django 5.2 has no CSP support, and
django-csp would be a dependency for two headers, so this middleware sets them. The policy is the one our own
check ``web.headers.csp`` (checks/web/csp.py, CHECKS.md) passes: no 'unsafe-inline', no 'unsafe-eval', no
wildcards; default-src, base-uri, form-action, frame-ancestors and object-src restricted. Our templates therefore
carry no inline script or style: scripts and styles are static files.

A view that needs another policy (e.g. an API documentation page) sets the header on its response; the
middleware leaves a header that is already there alone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

CSP = "Content-Security-Policy"
PERMISSIONS = "Permissions-Policy"

DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Powerful features no page of ours uses, switched off for this origin and every frame.
DEFAULT_PERMISSIONS = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)


class SecurityHeadersMiddleware:
    """Adds the CSP and Permissions-Policy (settings DOMEINWACHT_CSP, DOMEINWACHT_PERMISSIONS_POLICY)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.csp = getattr(settings, "DOMEINWACHT_CSP", DEFAULT_CSP)
        self.permissions = getattr(settings, "DOMEINWACHT_PERMISSIONS_POLICY", DEFAULT_PERMISSIONS)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.csp and CSP not in response:
            response[CSP] = self.csp
        if self.permissions and PERMISSIONS not in response:
            response[PERMISSIONS] = self.permissions
        return response
