"""Edits of the register that are safe under concurrency.

Every edit reads the row under ``select_for_update`` inside a transaction and writes only the fields it changes,
so two people (or a person and an import) editing one domain at the same time never overwrite each other's work:
the second waits for the first and then applies its change to the fresh row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from domeinwacht.names import registered_domain
from domeinwacht.web.register.constants import ContactRole, ContactSource, DomainStatus, VerificationState
from domeinwacht.web.register.models import Contact, Domain, Organisation, Tag

EDITABLE_DOMAIN_FIELDS = frozenset({"status", "owner", "notes", "provenance", "source", "source_date"})


def _locked_domain(name: str) -> Domain:
    return Domain.objects.select_for_update().get(name=registered_domain(name))


def _save(domain: Domain, fields: Iterable[str], user: Any, reason: str) -> None:
    domain._change_reason = reason  # type: ignore[attr-defined]  # read by simple_history
    if user is not None:
        domain._history_user = user  # type: ignore[attr-defined]
    domain.updated = timezone.now()
    domain.save(update_fields=[*fields, "updated"])


def update_domain(name: str, *, user: Any = None, reason: str = "", **changes: Any) -> Domain:
    """Change the given fields of one domain (status, owner, notes, provenance, source, source_date)."""
    unknown = set(changes) - EDITABLE_DOMAIN_FIELDS
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    if "status" in changes and changes["status"] not in DomainStatus.values:
        raise ValueError(f"unknown status {changes['status']!r}")
    with transaction.atomic():
        domain = _locked_domain(name)
        changed = [f for f, v in changes.items() if getattr(domain, f) != v]
        for field_name in changed:
            setattr(domain, field_name, changes[field_name])
        if changed:
            _save(domain, changed, user, reason or "edit")
    return domain


def append_note(name: str, text: str, *, user: Any = None) -> Domain:
    """Add a line to a domain's notes, keeping whatever others wrote meanwhile."""
    with transaction.atomic():
        domain = _locked_domain(name)
        domain.notes = f"{domain.notes}\n{text}".strip() if domain.notes else text
        _save(domain, ["notes"], user, "note")
    return domain


def add_tags(name: str, tags: Iterable[str]) -> Domain:
    with transaction.atomic():
        domain = _locked_domain(name)
        wanted = [slugify(t)[:60] for t in tags if slugify(t)]
        objs = [Tag.objects.get_or_create(name=t)[0] for t in wanted]
        domain.tags.add(*objs)
    return domain


def start_verification(name: str, *, user: Any = None) -> Domain:
    """Issue a fresh token; the owner publishes it as a TXT record (see Domain.verification_record)."""
    with transaction.atomic():
        domain = _locked_domain(name)
        domain.verification_token = Domain.new_verification_token()
        domain.verification_state = VerificationState.PENDING
        domain.verified_at = None
        _save(domain, ["verification_token", "verification_state", "verified_at"], user, "verification started")
    return domain


def record_verification(name: str, txt_values: Iterable[str], *, user: Any = None) -> Domain:
    """Record the outcome of a TXT check: verified when one value equals the expected record."""
    with transaction.atomic():
        domain = _locked_domain(name)
        expected = domain.verification_record
        ok = bool(expected) and any(v.strip() == expected for v in txt_values)
        domain.verification_state = VerificationState.VERIFIED if ok else VerificationState.FAILED
        domain.verified_at = timezone.now() if ok else None
        _save(domain, ["verification_state", "verified_at"], user, "verification checked")
    return domain


def transfer_domain(name: str, owner: Organisation, *, user: Any = None, reason: str = "transfer") -> Domain:
    return update_domain(name, user=user, reason=reason, owner=owner)


def add_contact(
    organisation: Organisation,
    email: str,
    *,
    role: str = ContactRole.SECURITY,
    source: str = ContactSource.MANUAL,
    domain: Domain | None = None,
) -> tuple[Contact, bool]:
    """Record a contact address (e.g. from a domain's security.txt) once; returns (contact, created)."""
    email = email.strip().lower()
    validate_email(email)
    with transaction.atomic():
        return Contact.objects.get_or_create(
            organisation=organisation,
            domain=domain,
            email=email,
            role=role,
            defaults={"source": source},
        )
