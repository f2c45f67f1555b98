"""DRF throttling of anonymous callers, its rate read from settings at request time.

DRF's AnonRateThrottle reads its rate once, when the class is defined; this one reads
``DOMEINWACHT_API_ANON_RATE`` (e.g. ``300/minute``) on every request, so a deployment (and a test) can change it.
The caller is told by address (REMOTE_ADDR, or the X-Forwarded-For entry that ``NUM_PROXIES`` trusted proxies
vouch for); counts live in Django's default cache.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    def get_rate(self) -> str | None:
        rate = settings.DOMEINWACHT_API_ANON_RATE
        return str(rate) if rate else None
