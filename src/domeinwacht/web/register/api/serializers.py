"""Serializers of the register API. The lookup body comes from register.lookup.lookup_payload (shared with the CLI)."""

from __future__ import annotations

from rest_framework import serializers

from domeinwacht.web.register.models import Domain, Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    successor = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    domains = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

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


class DomainSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    display_name = serializers.CharField(read_only=True)
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    hosts = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

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


class LookupOrganisationSerializer(serializers.Serializer):
    """Documents the lookup body for the OpenAPI schema; the body itself is built by lookup_payload."""

    slug = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()
    identifiers = serializers.DictField(child=serializers.CharField(allow_null=True))
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    active = serializers.BooleanField()


class LookupDomainSerializer(serializers.Serializer):
    name = serializers.CharField()
    display_name = serializers.CharField()
    status = serializers.CharField()
    provenance = serializers.CharField()
    verification_state = serializers.CharField()


class LookupSerializer(serializers.Serializer):
    host = serializers.CharField()
    host_display = serializers.CharField()
    host_registered = serializers.BooleanField()
    domain = LookupDomainSerializer()
    organisation = LookupOrganisationSerializer()


class LookupErrorSerializer(serializers.Serializer):
    error = serializers.CharField()
    detail = serializers.CharField()
    host = serializers.CharField()
