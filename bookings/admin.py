from __future__ import annotations

from django.contrib import admin, messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
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
    RegistrationStatus,
    Reminder,
    SeatOffer,
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
    """Read only: registrations change through the registration page and its services."""

    model = Registration
    fields = ["senior", "status", "position"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ServiceAdmin(admin.ModelAdmin):
    """Saves go through the services; a refusal is shown as the service's German message
    (the change is rolled back), never as an error page."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.BookingError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def _each(self, request, queryset, service, done: str) -> None:
        """Apply `service` to each selected row; report refusals one by one."""
        count = 0
        for obj in queryset:
            try:
                service(obj)
            except services.BookingError as exc:
                self.message_user(request, f"{obj}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done % {"count": count}, messages.SUCCESS)


@admin.action(description=_("Ausgewählte Workshops absagen"))
def cancel_workshops(modeladmin, request, queryset):
    modeladmin._each(
        request,
        queryset,
        lambda workshop: services.workshop_cancel(workshop=workshop),
        _("%(count)d Workshop(s) abgesagt."),
    )


@admin.register(Workshop)
class WorkshopAdmin(ServiceAdmin):
    """A change of time, seats, title or a cancellation goes through its service, which
    tells the people concerned; the office of an existing workshop stays."""

    list_display = ["title", "office", "starts_at", "seats", "cancelled_at"]
    list_filter = ["office", "topic"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    inlines = [AssignmentInline, RegistrationInline]
    actions = [cancel_workshops]

    def get_readonly_fields(self, request, obj=None):
        return ["office"] if obj else []

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            # A new workshop has nobody to tell yet.
            obj.save()
            return
        current = Workshop.objects.get(pk=obj.pk)
        changed = set(form.changed_data)
        if "cancelled_at" in changed and not obj.cancelled_at:
            raise services.BookingError(
                _("Eine Absage kann nicht zurückgenommen werden."), code="uncancel"
            )
        if changed & {"title", "description", "topic"}:
            services.workshop_retitle(
                workshop=current, title=obj.title, description=obj.description, topic=obj.topic
            )
        if changed & {"starts_at", "ends_at"}:
            services.workshop_move(workshop=current, starts_at=obj.starts_at, ends_at=obj.ends_at)
        if "seats" in changed:
            services.workshop_resize(workshop=current, seats=obj.seats)
        if "cancelled_at" in changed:
            services.workshop_cancel(workshop=current)
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change) -> None:
        # The database refuses a helper's overlapping assignment (migration 0002).
        try:
            with transaction.atomic():
                super().save_formset(request, form, formset, change)
        except IntegrityError as exc:
            if services.HELPER_GUARD not in str(exc):
                raise
            raise services.BookingError(
                _("Diese/r Ehrenamtliche hat zu dieser Zeit schon einen anderen Einsatz."),
                code="helper_busy",
            ) from exc


@admin.action(description=_("Ausgewählte von der Warteliste nachrücken lassen"))
def promote_registrations(modeladmin, request, queryset):
    modeladmin._each(
        request,
        queryset,
        lambda registration: services.registration_promote(registration=registration),
        _("%(count)d Person(en) nachgerückt."),
    )


@admin.action(description=_("Ausgewählte Anmeldungen stornieren"))
def cancel_registrations(modeladmin, request, queryset):
    modeladmin._each(
        request,
        queryset,
        lambda registration: services.registration_cancel(registration=registration),
        _("%(count)d Anmeldung(en) storniert."),
    )


@admin.register(Registration)
class RegistrationAdmin(ServiceAdmin):
    """Registering, promoting, cancelling and marking go through the services, so the
    seat guard holds and the person is told."""

    list_display = ["workshop", "senior", "status", "position"]
    list_filter = ["status", "workshop__office"]
    search_fields = ["senior__search_key", "workshop__title"]
    list_select_related = ["workshop", "senior"]
    raw_id_fields = ["senior"]
    actions = [promote_registrations, cancel_registrations]

    def get_fields(self, request, obj=None):
        return ["workshop", "senior", "status", "position"] if obj else ["workshop", "senior"]

    def get_readonly_fields(self, request, obj=None):
        return ["workshop", "senior", "position"] if obj else []

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            registration = services.workshop_register(
                workshop=obj.workshop, senior=obj.senior, booked_by=request.user
            )
            obj.pk, obj.status, obj.position = (
                registration.pk,
                registration.status,
                registration.position,
            )
            return
        if "status" not in form.changed_data:
            return
        current = Registration.objects.get(pk=obj.pk)
        if obj.status == RegistrationStatus.CANCELLED:
            services.registration_cancel(registration=current)
        elif (
            obj.status == RegistrationStatus.REGISTERED
            and current.status == RegistrationStatus.WAITLISTED
        ):
            services.registration_promote(registration=current)
        elif obj.status in (RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW):
            services.registration_mark(registration=current, status=obj.status)
        else:
            raise services.BookingError(
                _("Diese Änderung des Status ist nicht möglich."), code="bad_status"
            )


@admin.register(SeatOffer)
class SeatOfferAdmin(admin.ModelAdmin):
    """Read only: offers are made and answered through the waiting-list service."""

    list_display = ["registration", "status", "expires_at", "answered_at"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in SeatOffer._meta.fields]
    list_select_related = ["registration__senior", "registration__workshop"]

    def has_add_permission(self, request) -> bool:
        return False


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
