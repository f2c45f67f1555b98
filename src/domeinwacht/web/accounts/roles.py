"""The roles a user can hold (issue 11): per organisation (viewer, editor) and across all of them (analyst, admin).

- viewer: reads the findings, results and explanations of their organisations.
- editor: a viewer who also explains findings, manages the portfolio and the API keys of their organisations.
- analyst: the standards body; reads every organisation, reviews (approves or rejects) explanations.
- admin: everything, including users and memberships.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationRole(models.TextChoices):
    VIEWER = "viewer", _("viewer")
    EDITOR = "editor", _("editor")


class GlobalRole(models.TextChoices):
    NONE = "", _("none")
    ANALYST = "analyst", _("analyst")
    ADMIN = "admin", _("admin")
