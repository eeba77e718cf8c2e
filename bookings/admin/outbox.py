"""The outbox and the replies, for looking into what was sent and what came back."""

from __future__ import annotations

from django.contrib import admin

from bookings.models import (
    InboundMessage,
    Reminder,
)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["due_at", "kind", "channel", "status", "attempts", "senior", "helper"]
    list_filter = ["status", "kind", "channel"]
    date_hierarchy = "due_at"
    readonly_fields = [field.name for field in Reminder._meta.fields]
    list_select_related = ["senior", "helper__user"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ["received_at", "action", "channel", "senior", "read_at"]
    list_filter = ["action", "channel"]
    date_hierarchy = "received_at"
    readonly_fields = [field.name for field in InboundMessage._meta.fields]
    list_select_related = ["senior"]

    def has_add_permission(self, request) -> bool:
        return False
