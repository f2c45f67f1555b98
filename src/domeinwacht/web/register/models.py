"""The register: organisations, the domains they own, the hosts under those domains, and contacts.

Every change is kept (django-simple-history): who, when, what. Names are stored in normal form (A-labels,
lowercase; see domeinwacht.names); the U-label form is derived for display.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from domeinwacht.names import display_name
from domeinwacht.web.register.constants import (
    VERIFICATION_TXT_PREFIX,
    ContactRole,
    ContactSource,
    DomainStatus,
    OrganisationType,
    Provenance,
    SuccessorSource,
    VerificationState,
)
from domeinwacht.web.register.validators import (
    validate_hostname,
    validate_kvk,
    validate_oin,
    validate_registered_domain,
    validate_tooi,
)


class Organisation(models.Model):
    """A public body, with its identifiers, period of existence and place among other bodies."""

    slug = models.SlugField(max_length=120, unique=True, help_text="Stable key, e.g. gemeente-amsterdam.")
    external_id = models.CharField(
        max_length=200, unique=True, null=True, blank=True, help_text="Key in the source data (org:gemeente-amsterdam)."
    )
    name = models.CharField(max_length=300, db_index=True)
    abbreviation = models.CharField(max_length=100, blank=True)
    type = models.CharField(max_length=20, choices=OrganisationType.choices, db_index=True)
    tooi = models.CharField("TOOI URI", max_length=200, unique=True, null=True, blank=True, validators=[validate_tooi])
    oin = models.CharField("OIN", max_length=20, blank=True, db_index=True, validators=[validate_oin])
    organisatiecode = models.CharField(
        max_length=20, blank=True, db_index=True, help_text="CBS/organisation code, e.g. gm0363."
    )
    kvk = models.CharField("KvK number", max_length=8, blank=True, validators=[validate_kvk])
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True, db_index=True, help_text="Empty while the body exists.")
    successor = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="predecessors")
    successor_source = models.CharField(
        max_length=10, choices=SuccessorSource.choices, blank=True, default=SuccessorSource.NONE
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    population = models.PositiveIntegerField(null=True, blank=True)
    website = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.valid_until is None or self.valid_until > dt.date.today()  # noqa: DTZ011 - a calendar date


class Tag(models.Model):
    name = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Domain(models.Model):
    """A registered domain (public suffix plus one label) owned by one organisation."""

    name = models.CharField(
        max_length=253, unique=True, validators=[validate_registered_domain], help_text="A-label form, lowercase."
    )
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="domains")
    provenance = models.CharField(max_length=20, choices=Provenance.choices, default=Provenance.IMPORTED)
    source = models.CharField(max_length=500, blank=True, help_text="Where the domain came from (file, URL).")
    source_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=DomainStatus.choices, default=DomainStatus.ACTIVE, db_index=True)
    verification_token = models.CharField(max_length=64, blank=True)
    verification_state = models.CharField(
        max_length=20, choices=VerificationState.choices, default=VerificationState.UNVERIFIED
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="domains")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[tags])

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return display_name(self.name)

    @property
    def verification_record(self) -> str:
        """The TXT record value the owner publishes at the domain to prove control."""
        return f"{VERIFICATION_TXT_PREFIX}{self.verification_token}" if self.verification_token else ""

    @staticmethod
    def new_verification_token() -> str:
        return secrets.token_urlsafe(24)


class Host(models.Model):
    """A name under a domain that serves something (www., subdomains found by discovery)."""

    name = models.CharField(max_length=253, unique=True, validators=[validate_hostname])
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="hosts")
    provenance = models.CharField(max_length=20, choices=Provenance.choices, default=Provenance.IMPORTED)
    source = models.CharField(max_length=500, blank=True)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return display_name(self.name)


class Contact(models.Model):
    """An e-mail address of an organisation (or of one of its domains, as found in security.txt)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    domain = models.ForeignKey(Domain, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts")
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=20, choices=ContactRole.choices, default=ContactRole.GENERAL)
    source = models.CharField(max_length=20, choices=ContactSource.choices, default=ContactSource.MANUAL)
    verified = models.BooleanField(default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("organisation", "role", "email")
        constraints = (
            models.UniqueConstraint(
                fields=("organisation", "email", "role"),
                condition=Q(domain__isnull=True),
                name="register_contact_unique_per_organisation",
            ),
            models.UniqueConstraint(
                fields=("organisation", "domain", "email", "role"),
                condition=Q(domain__isnull=False),
                name="register_contact_unique_per_domain",
            ),
        )

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"
