"""Filters of the results of a measurement (django-filter); an unknown choice is a 400 with the reason."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from domeinwacht.policy.scoring import TrafficLight
from domeinwacht.web.measurements.models import Result
from domeinwacht.web.register.constants import OrganisationType

SEARCH_MAX = 100


class ResultFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(
        field_name="target__organisation__slug", max_length=120, help_text="Slug of the owner."
    )
    type = django_filters.ChoiceFilter(
        field_name="target__organisation_type", choices=OrganisationType.choices, help_text="Type of the owner."
    )
    traffic_light = django_filters.ChoiceFilter(
        field_name="score__traffic_light", choices=[(t.value, t.value) for t in TrafficLight]
    )
    search = django_filters.CharFilter(
        method="search_filter", max_length=SEARCH_MAX, help_text="Part of the domain or the owner's name."
    )

    class Meta:
        model = Result
        fields = ("organisation", "type", "traffic_light", "search")

    def search_filter(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(domain__icontains=value) | queryset.filter(target__organisation_name__icontains=value)
