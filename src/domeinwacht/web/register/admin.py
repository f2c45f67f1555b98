"""Admin for the register: search, filters and a read-only history of every change."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from domeinwacht.web.register.models import Contact, Domain, Host, Organisation, Tag


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History can be read, never reverted from the admin (a revert is a new edit, made on purpose)."""

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_change_history_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method != "GET":
            raise PermissionDenied("history is read-only; edit the object itself")
        response: HttpResponse = super().history_form_view(request, object_id, version_id, extra_context)
        return response


class DomainInline(admin.TabularInline):
    model = Domain
    fields = ("name", "status", "provenance", "verification_state")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ("email", "role", "source", "verified", "domain")
    extra = 0
    autocomplete_fields = ("domain",)


class HostInline(admin.TabularInline):
    model = Host
    fields = ("name", "provenance", "last_seen")
    extra = 0
    show_change_link = True


class ActiveFilter(admin.SimpleListFilter):
    title = "active"
    parameter_name = "active"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Active"), ("no", "Ended")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "yes":
            return queryset.filter(valid_until=None)
        if self.value() == "no":
            return queryset.exclude(valid_until=None)
        return queryset


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "type", "organisatiecode", "oin", "valid_until", "successor")
    list_filter = ("type", ActiveFilter, "successor_source")
    search_fields = ("name", "abbreviation", "slug", "external_id", "tooi", "oin", "organisatiecode", "kvk")
    readonly_fields = ("external_id", "created", "updated")
    autocomplete_fields = ("successor", "parent")
    inlines = (DomainInline, ContactInline)


@admin.register(Domain)
class DomainAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "owner", "status", "provenance", "verification_state", "source_date")
    list_filter = ("status", "provenance", "verification_state", "owner__type", "tags")
    search_fields = ("name", "owner__name", "owner__organisatiecode", "notes")
    readonly_fields = ("verification_token", "verified_at", "created", "updated")
    autocomplete_fields = ("owner",)
    filter_horizontal = ("tags",)
    inlines = (HostInline,)


@admin.register(Host)
class HostAdmin(ReadOnlyHistoryAdmin):
    list_display = ("name", "domain", "provenance", "first_seen", "last_seen")
    list_filter = ("provenance",)
    search_fields = ("name", "domain__name", "domain__owner__name")
    autocomplete_fields = ("domain",)


@admin.register(Contact)
class ContactAdmin(ReadOnlyHistoryAdmin):
    list_display = ("email", "organisation", "domain", "role", "source", "verified")
    list_filter = ("role", "source", "verified")
    search_fields = ("email", "organisation__name", "domain__name")
    autocomplete_fields = ("organisation", "domain")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)
