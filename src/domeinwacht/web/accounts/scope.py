"""The one place that decides which organisations a user may see and change (issue 11: every view is scoped).

Views and API endpoints call these functions and nothing else: ``visible_organisations`` for querysets,
``require_view`` / ``require_edit`` / ``require_analyst`` for one object. An object of an organisation the user
may not see is reported as not found (404), so its existence does not leak; a visible one the user may not change
gives 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from domeinwacht.web.accounts.models import Profile
from domeinwacht.web.accounts.roles import GlobalRole, OrganisationRole
from domeinwacht.web.register.models import Organisation

if TYPE_CHECKING:
    from django.db.models import QuerySet


def global_role(user: Any) -> str:
    """The user's global role: "admin" for superusers, else their profile's (analyst, admin or "")."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return GlobalRole.NONE
    if user.is_superuser:
        return GlobalRole.ADMIN
    profile = Profile.objects.filter(user=user).only("global_role").first()
    return profile.global_role if profile else GlobalRole.NONE


def is_analyst(user: Any) -> bool:
    """Analysts and admins see every organisation and review explanations."""
    return global_role(user) in (GlobalRole.ANALYST, GlobalRole.ADMIN)


def is_admin(user: Any) -> bool:
    return global_role(user) == GlobalRole.ADMIN


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    """Every organisation for analysts and admins; else those the user is a member of; none for anonymous."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organisation.objects.none()
    if is_analyst(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user=user).distinct()


def editable_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations whose data the user may change: admins all, editors theirs (analysts review, not edit)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organisation.objects.none()
    if is_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user=user, memberships__role=OrganisationRole.EDITOR).distinct()


def can_view(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None:
        return is_analyst(user)
    return visible_organisations(user).filter(pk=organisation.pk).exists()


def can_edit(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None:
        return is_admin(user)
    return editable_organisations(user).filter(pk=organisation.pk).exists()


def require_view(user: Any, organisation: Organisation | None) -> None:
    """404 unless the user may see the organisation's data (hides that it exists)."""
    if not can_view(user, organisation):
        raise Http404("not found")


def require_edit(user: Any, organisation: Organisation | None) -> None:
    """404 when the user may not even see it, 403 when they may see but not change it."""
    require_view(user, organisation)
    if not can_edit(user, organisation):
        raise PermissionDenied("your role may not change this organisation's data")


def require_analyst(user: Any) -> None:
    if not is_analyst(user):
        raise PermissionDenied("only analysts may do this")
