"""Who may see and change what: a user's memberships of organisations and their global role.

``Membership`` ties a user to one organisation with a role (viewer or editor); a user may belong to several.
``Profile`` holds the global role (analyst, admin) for the few users who work across every organisation.
Every scoping decision goes through ``domeinwacht.web.accounts.scope``; no view reads these tables itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from domeinwacht.web.accounts.roles import GlobalRole, OrganisationRole


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey("register.Organisation", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=OrganisationRole.choices, default=OrganisationRole.VIEWER)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("user", "organisation"), name="one_membership_per_org"),)
        ordering = ("organisation__name",)

    def __str__(self) -> str:
        return f"{self.user} {self.role} of {self.organisation}"


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    global_role = models.CharField(max_length=10, choices=GlobalRole.choices, blank=True, default=GlobalRole.NONE)

    def __str__(self) -> str:
        return f"{self.user} ({self.global_role or 'member'})"
