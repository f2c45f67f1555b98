"""Validators for identifiers of organisations."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from domeinwacht.names import InvalidName, normalise_hostname, registered_domain

OIN_RE = re.compile(r"^\d{20}$")
KVK_RE = re.compile(r"^\d{8}$")
TOOI_PREFIX = "https://identifier.overheid.nl/tooi/id/"


def validate_oin(value: str) -> None:
    """An OIN (Organisatie-identificatienummer, Logius) is exactly 20 digits."""
    if not OIN_RE.match(value or ""):
        raise ValidationError("OIN must be exactly 20 digits, got %(value)r", params={"value": value}, code="oin")


def validate_kvk(value: str) -> None:
    """A KvK number (Handelsregister) is exactly 8 digits."""
    if not KVK_RE.match(value or ""):
        raise ValidationError("KvK number must be 8 digits, got %(value)r", params={"value": value}, code="kvk")


def validate_tooi(value: str) -> None:
    if not (value or "").startswith(TOOI_PREFIX):
        raise ValidationError("TOOI URI must start with %(prefix)s", params={"prefix": TOOI_PREFIX}, code="tooi")


def validate_registered_domain(value: str) -> None:
    """A domain in the register is a normalised registered domain (eTLD+1), not a host under it."""
    try:
        domain = registered_domain(value)
    except InvalidName as exc:
        raise ValidationError(exc.reason, code="domain") from None
    if domain != value:
        raise ValidationError(
            "%(value)r is not a registered domain in normal form; use %(domain)r",
            params={"value": value, "domain": domain},
            code="domain",
        )


def validate_hostname(value: str) -> None:
    try:
        name = normalise_hostname(value)
    except InvalidName as exc:
        raise ValidationError(exc.reason, code="hostname") from None
    if name != value:
        raise ValidationError("host name must be in normal form: %(name)r", params={"name": name}, code="hostname")
