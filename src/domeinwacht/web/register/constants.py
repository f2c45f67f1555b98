"""Choices of the register, in one place."""

from __future__ import annotations

from django.db import models


class OrganisationType(models.TextChoices):
    GEMEENTE = "gemeente", "Gemeente"
    PROVINCIE = "provincie", "Provincie"
    WATERSCHAP = "waterschap", "Waterschap"
    MINISTERIE = "ministerie", "Ministerie"
    AGENTSCHAP = "agentschap", "Agentschap"
    ZBO = "zbo", "Zelfstandig bestuursorgaan"
    # Bonaire, Sint Eustatius and Saba: public bodies (openbare lichamen) that act as municipalities.
    OPENBAAR_LICHAAM = "openbaar-lichaam", "Openbaar lichaam (Caribisch Nederland)"
    OTHER = "other", "Overig"


# Types in the organisation data (polder / ROO) that are not our own values.
SOURCE_TYPE_MAP: dict[str, str] = {
    "caribisch-openbaar-lichaam": OrganisationType.OPENBAAR_LICHAAM,
    "openbaar-lichaam": OrganisationType.OPENBAAR_LICHAAM,
}


class DomainStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PARKED = "parked", "Parked"
    REDIRECT_ONLY = "redirect-only", "Redirect only"
    RETIRED = "retired", "Retired"


class Provenance(models.TextChoices):
    IMPORTED = "imported", "Imported"
    CLAIMED = "claimed", "Claimed by the owner"
    DISCOVERED = "discovered", "Discovered"


class VerificationState(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    PENDING = "pending", "Pending (token issued)"
    VERIFIED = "verified", "Verified"
    FAILED = "failed", "Failed"


class ContactRole(models.TextChoices):
    SECURITY = "security", "Security"
    GENERAL = "general", "General"


class ContactSource(models.TextChoices):
    REGISTER = "register", "Register"
    SECURITY_TXT = "security.txt", "security.txt"
    MANUAL = "manual", "Manual"


class SuccessorSource(models.TextChoices):
    NONE = "", "None"
    DATA = "data", "Stated in the source data"
    DERIVED = "derived", "Derived from place names"


# Prefix of the TXT record that proves control of a domain: "domeinwacht-verification=<token>".
VERIFICATION_TXT_PREFIX = "domeinwacht-verification="
