"""Serializers of the register API. The lookup body comes from register.lookup.lookup_payload (shared with the CLI)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from domeinwacht.web.register.models import Domain, Host, Organisation, Tag


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    successor: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    # DRF's metaclass moves declared fields off the class; only the type checker sees this shadow Field.parent.
    parent: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="slug", read_only=True, allow_null=True
    )
    domains: serializers.SlugRelatedField[Domain] = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )

    class Meta:
        model = Organisation
        fields = (
            "slug",
            "name",
            "abbreviation",
            "type",
            "tooi",
            "oin",
            "organisatiecode",
            "kvk",
            "valid_from",
            "valid_until",
            "successor",
            "parent",
            "population",
            "website",
            "domains",
        )


class DomainSerializer(serializers.ModelSerializer[Domain]):
    owner: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    display_name = serializers.CharField(read_only=True)
    tags: serializers.SlugRelatedField[Tag] = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    hosts: serializers.SlugRelatedField[Host] = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True
    )

    class Meta:
        model = Domain
        fields = (
            "name",
            "display_name",
            "owner",
            "status",
            "provenance",
            "source",
            "source_date",
            "verification_state",
            "tags",
            "hosts",
        )


class LookupOrganisationSerializer(serializers.Serializer[Any]):
    """Documents the lookup body for the OpenAPI schema; the body itself is built by lookup_payload."""

    slug = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()
    identifiers = serializers.DictField(child=serializers.CharField(allow_null=True))
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    active = serializers.BooleanField()


class LookupDomainSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    display_name = serializers.CharField()
    status = serializers.CharField()
    provenance = serializers.CharField()
    verification_state = serializers.CharField()


class LookupSerializer(serializers.Serializer[Any]):
    host = serializers.CharField()
    host_display = serializers.CharField()
    host_registered = serializers.BooleanField()
    note = serializers.CharField(required=False, help_text="present when a web address was given: its host was used")
    domain = LookupDomainSerializer()
    organisation = LookupOrganisationSerializer()


class LookupErrorSerializer(serializers.Serializer[Any]):
    error = serializers.CharField()
    detail = serializers.CharField()
    host = serializers.CharField()
    note = serializers.CharField(required=False, help_text="present when a web address was given: its host was used")
