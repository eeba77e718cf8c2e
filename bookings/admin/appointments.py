"""The admin of appointments and loan devices; cancelling goes through the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from bookings import services
from bookings.models import (
    Appointment,
    AppointmentStatus,
    CancellationReason,
    LoanDevice,
    LoanReservation,
    Reminder,
    VideoCall,
)


@admin.action(description=_("Ausgewählte Termine absagen (Grund: anderer Grund)"))
def cancel_appointments(modeladmin, request, queryset):
    cancelled = 0
    for appointment in queryset.filter(status=AppointmentStatus.BOOKED):
        services.appointment_cancel(appointment=appointment, reason=CancellationReason.OTHER)
        cancelled += 1
    modeladmin.message_user(
        request, _("%(count)d Termin(e) abgesagt.") % {"count": cancelled}, messages.SUCCESS
    )


class VideoCallInline(admin.StackedInline):
    """The relative and the room of a video appointment: shown, changed only at the desk."""

    model = VideoCall
    extra = 0
    can_delete = False
    fields = ["relative_name", "relative_phone", "relative_email", "room_url"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ReminderInline(admin.TabularInline):
    model = Reminder
    extra = 0
    can_delete = False
    fields = [
        "kind",
        "addressee",
        "channel",
        "due_at",
        "status",
        "attempts",
        "error_message",
        "sent_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    """Read and annotate; booking, moving and cancelling go through the services."""

    list_display = ["starts_at", "kind", "office", "helper", "senior", "topic", "status"]
    list_filter = ["status", "kind", "office", "topic", "brings_own_device", "needs_rebooking"]
    search_fields = ["senior__search_key", "senior__last_name", "helper__user__first_name"]
    date_hierarchy = "starts_at"
    list_select_related = ["office", "helper__user", "senior", "topic"]
    actions = [cancel_appointments]
    inlines = [VideoCallInline, ReminderInline]
    readonly_fields = [
        "kind",
        "office",
        "helper",
        "senior",
        "topic",
        "starts_at",
        "ends_at",
        "status",
        "brings_own_device",
        "booked_by",
        "cancellation_reason",
        "cancellation_note",
        "cancelled_at",
        "confirmed_at",
        "needs_rebooking",
        "sequence",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        # Only the note is editable here; the flag is lifted by moving the appointment.
        services.appointment_note(appointment=obj, note=obj.note)


@admin.register(LoanDevice)
class LoanDeviceAdmin(admin.ModelAdmin):
    """A device switched off hands its reservations on (`loan_device_save`)."""

    list_display = ["label", "kind", "office", "active"]
    list_filter = ["office", "kind", "active"]
    search_fields = ["label"]

    def save_model(self, request, obj, form, change) -> None:
        services.loan_device_save(device=obj)


@admin.register(LoanReservation)
class LoanReservationAdmin(admin.ModelAdmin):
    list_display = ["device", "starts_at", "appointment"]
    list_filter = ["device__office", "device__kind"]
    date_hierarchy = "starts_at"
    readonly_fields = ["device", "appointment", "starts_at", "ends_at"]

    def has_add_permission(self, request) -> bool:
        return False
