from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from bookings import services
from bookings.desk.forms import SeniorForm
from bookings.models import (
    Absence,
    Appointment,
    AppointmentStatus,
    Assignment,
    Availability,
    CancellationReason,
    Helper,
    InboundMessage,
    LoanDevice,
    LoanReservation,
    Registration,
    Reminder,
    Senior,
    Topic,
    Workshop,
)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "duration_minutes", "active"]
    list_filter = ["active"]
    search_fields = ["name"]


class AvailabilityInline(admin.TabularInline):
    model = Availability
    extra = 0


class AbsenceInline(admin.TabularInline):
    model = Absence
    extra = 0


def save_availability(availability: Availability, *, change: bool) -> None:
    services.availability_change(availability=availability)


def save_absence(absence: Absence, *, change: bool) -> None:
    if change:
        services.absence_change(absence=absence)
    else:
        recorded, _flagged = services.absence_record(
            helper=absence.helper,
            starts_on=absence.starts_on,
            ends_on=absence.ends_on,
            reason=absence.reason,
        )
        absence.pk = recorded.pk


def save_inline_through(formset, *, save, delete) -> None:
    """Save an inline formset row by row through the services instead of `save()`."""
    formset.save(commit=False)
    for obj in formset.deleted_objects:
        delete(obj)
    for obj in formset.new_objects:
        save(obj, change=False)
    for obj, _fields in formset.changed_objects:
        save(obj, change=True)


class ThroughServices(admin.ModelAdmin):
    """An admin whose saves and deletes (also the bulk delete) call the services."""

    def save_through(self, obj, *, change: bool) -> None:
        raise NotImplementedError

    def delete_through(self, obj) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change) -> None:
        self.save_through(obj, change=change)

    def delete_model(self, request, obj) -> None:
        self.delete_through(obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_through(obj)


@admin.action(description=_("Ausgewählte Ehrenamtliche deaktivieren (Termine neu vereinbaren)"))
def deactivate_helpers(modeladmin, request, queryset):
    flagged = 0
    for helper in queryset.filter(active=True):
        flagged += len(services.helper_deactivate(helper=helper))
    modeladmin.message_user(
        request,
        _("Deaktiviert. %(count)d Termin(e) müssen neu vereinbart werden.") % {"count": flagged},
        messages.SUCCESS,
    )


@admin.register(Helper)
class HelperAdmin(admin.ModelAdmin):
    """Deactivating a helper, taking them off an office and changing their time go
    through the services, which flag the bookings this touches."""

    list_display = ["__str__", "active", "notify_by", "may_see_senior_phones"]
    list_filter = ["active", "offices", "topics"]
    search_fields = ["user__first_name", "user__last_name", "user__username"]
    filter_horizontal = ["topics", "offices"]
    inlines = [AvailabilityInline, AbsenceInline]
    list_select_related = ["user"]
    actions = [deactivate_helpers]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        wanted = obj.active
        obj.active = Helper.objects.values_list("active", flat=True).get(pk=obj.pk)
        super().save_model(request, obj, form, change)
        if wanted and not obj.active:
            services.helper_reactivate(helper=obj)
        elif obj.active and not wanted:
            services.helper_deactivate(helper=obj)

    def save_related(self, request, form, formsets, change) -> None:
        if "offices" not in form.cleaned_data:  # a form without the field changes none
            super().save_related(request, form, formsets, change)
            return
        # The offices are left to the services, so save_m2m must not set them.
        wanted = set(form.cleaned_data.pop("offices"))
        super().save_related(request, form, formsets, change)
        helper = form.instance
        current = set(helper.offices.all())
        for office in current - wanted:
            services.helper_office_remove(helper=helper, office=office)
        for office in wanted - current:
            services.helper_office_add(helper=helper, office=office)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is Availability:
            save_inline_through(
                formset,
                save=save_availability,
                delete=lambda obj: services.availability_delete(availability=obj),
            )
        elif formset.model is Absence:
            save_inline_through(
                formset,
                save=save_absence,
                delete=lambda obj: services.absence_remove(absence=obj),
            )
        else:
            super().save_formset(request, form, formset, change)


@admin.register(Availability)
class AvailabilityAdmin(ThroughServices):
    list_display = ["helper", "office", "weekday", "starts", "ends", "valid_from", "valid_until"]
    list_filter = ["office", "weekday"]
    search_fields = ["helper__user__first_name", "helper__user__last_name"]
    list_select_related = ["helper__user", "office"]

    def save_through(self, obj, *, change: bool) -> None:
        save_availability(obj, change=change)

    def delete_through(self, obj) -> None:
        services.availability_delete(availability=obj)


@admin.register(Absence)
class AbsenceAdmin(ThroughServices):
    list_display = ["helper", "starts_on", "ends_on", "reason"]
    date_hierarchy = "starts_on"
    search_fields = ["helper__user__first_name", "helper__user__last_name"]
    list_select_related = ["helper__user"]

    def save_through(self, obj, *, change: bool) -> None:
        save_absence(obj, change=change)

    def delete_through(self, obj) -> None:
        services.absence_remove(absence=obj)


class SeniorAdminForm(SeniorForm):
    """The desk's form, plus the notes only coordinators keep."""

    class Meta(SeniorForm.Meta):
        fields = [*SeniorForm.Meta.fields, "notes"]


@admin.register(Senior)
class SeniorAdmin(admin.ModelAdmin):
    form = SeniorAdminForm
    list_display = [
        "last_name",
        "first_name",
        "phone",
        "phone_kind",
        "district",
        "reminder_consent",
    ]
    list_filter = ["district", "phone_kind", "preferred_channel", "reminder_consent"]
    search_fields = ["last_name", "first_name", "search_key", "phone"]
    readonly_fields = ["phone_kind", "reminder_consent_at", "opted_out_at", "created_at"]

    def save_model(self, request, obj, form, change) -> None:
        # A new senior has no bookings yet; a change may decide which messages they get.
        if not change:
            super().save_model(request, obj, form, change)
            return
        services.senior_update(
            senior=obj, **{name: form.cleaned_data[name] for name in form.changed_data}
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


class ReminderInline(admin.TabularInline):
    model = Reminder
    extra = 0
    can_delete = False
    fields = ["kind", "channel", "due_at", "status", "attempts", "error_message", "sent_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    """Read and annotate; booking, moving and cancelling go through the services."""

    list_display = ["starts_at", "office", "helper", "senior", "topic", "status"]
    list_filter = ["status", "office", "topic", "brings_own_device", "needs_rebooking"]
    search_fields = ["senior__search_key", "senior__last_name", "helper__user__first_name"]
    date_hierarchy = "starts_at"
    list_select_related = ["office", "helper__user", "senior", "topic"]
    actions = [cancel_appointments]
    inlines = [ReminderInline]
    readonly_fields = [
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


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fields = ["helper"]
    extra = 1
    verbose_name = _("Ehrenamtliche/r")
    verbose_name_plural = _("Ehrenamtliche")


class RegistrationInline(admin.TabularInline):
    model = Registration
    fields = ["senior", "status", "position"]
    raw_id_fields = ["senior"]
    extra = 0


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["title", "office", "starts_at", "seats", "cancelled_at"]
    list_filter = ["office", "topic"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    inlines = [AssignmentInline, RegistrationInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["workshop", "senior", "status", "position"]
    list_filter = ["status", "workshop__office"]
    search_fields = ["senior__search_key", "workshop__title"]
    list_select_related = ["workshop", "senior"]


@admin.register(LoanDevice)
class LoanDeviceAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "office", "active"]
    list_filter = ["office", "kind", "active"]
    search_fields = ["label"]


@admin.register(LoanReservation)
class LoanReservationAdmin(admin.ModelAdmin):
    list_display = ["device", "starts_at", "appointment"]
    list_filter = ["device__office", "device__kind"]
    date_hierarchy = "starts_at"
    readonly_fields = ["device", "appointment", "starts_at", "ends_at"]

    def has_add_permission(self, request) -> bool:
        return False


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
