from __future__ import annotations

from django.contrib import admin

from domeinwacht.web.accounts.models import Membership, Profile


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "organisation", "role", "created")
    list_filter = ("role",)
    search_fields = ("user__username", "organisation__name")
    autocomplete_fields = ("organisation",)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "global_role")
    list_filter = ("global_role",)
