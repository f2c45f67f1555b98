"""Register API: lookup of the owner of a host, and read-only lists of organisations and domains."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from domeinwacht.names import InvalidName, normalise_hostname
from domeinwacht.web.api.params import CleanPathMixin
from domeinwacht.web.register.api.filters import DomainFilter, OrganisationFilter
from domeinwacht.web.register.api.serializers import (
    DomainSerializer,
    LookupErrorSerializer,
    LookupSerializer,
    OrganisationSerializer,
)
from domeinwacht.web.register.lookup import lookup_payload
from domeinwacht.web.register.models import Domain, Organisation


@extend_schema(
    parameters=[
        OpenApiParameter(
            "host",
            {"type": "string", "minLength": 1},
            required=True,
            description="a host name (www.amsterdam.nl) or a web address (its host is used)",
        )
    ],
    responses={200: LookupSerializer, 400: LookupErrorSerializer, 404: LookupErrorSerializer},
)
@api_view(["GET"])
def lookup(request: Request) -> Response:
    """The organisation that owns a host name (longest registered-domain match), with the domain and its status."""
    host = request.query_params.get("host", "")
    status, body = lookup_payload(host)
    return Response(body, status=status)


def normalised_domain(text: str) -> str:
    """A domain name from a URL as lookup reads it: case, trailing dot and IDN (U-label) normalised; 400 if it is
    no host name at all."""
    try:
        return normalise_hostname(text)
    except InvalidName as exc:
        raise ValidationError({"name": [exc.reason]}) from exc


class OrganisationViewSet(CleanPathMixin, viewsets.ReadOnlyModelViewSet[Organisation]):
    """Organisations in the register (open data)."""

    serializer_class = OrganisationSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[^/]+"
    queryset = Organisation.objects.select_related("successor", "parent").prefetch_related("domains").order_by("slug")
    filter_backends = (DjangoFilterBackend,)
    filterset_class = OrganisationFilter


class DomainViewSet(CleanPathMixin, viewsets.ReadOnlyModelViewSet[Domain]):
    """Domains in the register (open data). The detail accepts the name as a person types it: any case, a trailing
    dot, the Unicode form of an IDN (``bücher.nl`` finds ``xn--bcher-kva.nl``)."""

    serializer_class = DomainSerializer
    lookup_field = "name"
    lookup_value_regex = r"[^/]+"
    queryset = Domain.objects.select_related("owner").prefetch_related("tags", "hosts").order_by("name")
    filter_backends = (DjangoFilterBackend,)
    filterset_class = DomainFilter

    def get_object(self) -> Domain:
        name = normalised_domain(self.kwargs["name"])
        return get_object_or_404(self.get_queryset(), name=name)
