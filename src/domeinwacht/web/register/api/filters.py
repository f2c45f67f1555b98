"""Filters of the register API (django-filter). An unknown choice is a 400 with the reason (django-filter's
validation), never an empty list that looks like an answer."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from domeinwacht.web.register.constants import DomainStatus, OrganisationType
from domeinwacht.web.register.models import Domain, Organisation

SEARCH_MAX = 100


def _search(queryset: QuerySet[Any], fields: tuple[str, ...], value: str) -> QuerySet[Any]:
    value = value.strip()[:SEARCH_MAX]
    if not value:
        return queryset
    query = Q()
    for field in fields:
        query |= Q(**{f"{field}__icontains": value})
    return queryset.filter(query)


class OrganisationFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=OrganisationType.choices, help_text="Organisation type.")
    search = django_filters.CharFilter(
        method="search_filter", max_length=SEARCH_MAX, help_text="Part of the name, slug or abbreviation."
    )

    class Meta:
        model = Organisation
        fields = ("type", "search")

    def search_filter(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _search(queryset, ("name", "slug", "abbreviation"), value)


class DomainFilter(django_filters.FilterSet):
    owner = django_filters.CharFilter(field_name="owner__slug", max_length=120, help_text="Slug of the owner.")
    type = django_filters.ChoiceFilter(
        field_name="owner__type", choices=OrganisationType.choices, help_text="Type of the owner."
    )
    status = django_filters.ChoiceFilter(choices=DomainStatus.choices)
    tag = django_filters.CharFilter(field_name="tags__name", max_length=60, help_text="A tag of the domain.")
    search = django_filters.CharFilter(
        method="search_filter", max_length=SEARCH_MAX, help_text="Part of the domain name or the owner's name."
    )

    class Meta:
        model = Domain
        fields = ("owner", "type", "status", "tag", "search")

    def search_filter(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _search(queryset, ("name", "owner__name"), value)
