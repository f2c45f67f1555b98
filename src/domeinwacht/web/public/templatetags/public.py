"""Template filters of the public pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def layer(org_type: str) -> str:
    """An organisation type (the register's code) as the name of a government layer, in the reader's language."""
    names = {
        "gemeente": _("municipalities"),
        "provincie": _("provinces"),
        "waterschap": _("water boards"),
        "ministerie": _("ministries"),
        "agentschap": _("agencies"),
        "zbo": _("independent administrative bodies"),
        "openbaar-lichaam": _("public bodies (Caribbean Netherlands)"),
        "other": _("other"),
        "(not in register)": _("not in the register"),
    }
    return names.get(org_type, org_type)
