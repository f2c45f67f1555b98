"""Admin for findings and delivery: findings and their audit log read-only; webhook endpoints editable, with
their health; the outbox read-only, with an action to retry dead letters."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from domeinwacht.web.findings.models import Delivery, Finding, FindingEvent, OutboxMessage, WebhookEndpoint


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Rows written by the derivation or the sender: looked at, never edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FindingEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = FindingEvent
    fields = ("at", "kind", "from_state", "to_state", "severity", "measurement")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("subject", "check_id", "state", "severity", "organisation", "first_seen", "last_seen")
    list_filter = ("state", "severity", "check_id")
    search_fields = ("subject", "check_id", "key", "organisation__name")
    inlines = (FindingEventInline,)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("url", "organisation", "active", "consecutive_failures", "last_success_at", "last_failure_at")
    list_filter = ("active",)
    readonly_fields = ("consecutive_failures", "last_success_at", "last_failure_at", "last_error", "created_at")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("key", "channel", "kind", "state", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("state", "channel", "kind")
    search_fields = ("key", "subject")
    actions = ("retry",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("findings.change_outboxmessage")) and obj is None

    @admin.action(description="Retry the selected dead letters now")
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = queryset.filter(state=Delivery.DEAD).update(
            state=Delivery.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        self.message_user(request, f"{count} dead letter(s) queued again")
