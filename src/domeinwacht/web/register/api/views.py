"""Register API: lookup of the owner of a host, and read-only lists of organisations and domains."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

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
            OpenApiTypes.STR,
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


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet[Organisation]):
    """Organisations in the register (open data)."""

    serializer_class = OrganisationSerializer
    lookup_field = "slug"
    queryset = Organisation.objects.select_related("successor", "parent").prefetch_related("domains").order_by("slug")


class DomainViewSet(viewsets.ReadOnlyModelViewSet[Domain]):
    """Domains in the register (open data)."""

    serializer_class = DomainSerializer
    lookup_field = "name"
    lookup_value_regex = r"[^/]+"
    queryset = Domain.objects.select_related("owner").prefetch_related("tags", "hosts").order_by("name")
