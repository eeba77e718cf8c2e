"""The admin of workshops, registrations and seat offers; every change goes through the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from bookings import services
from bookings.models import (
    Assignment,
    Registration,
    RegistrationStatus,
    SeatOffer,
    Workshop,
)
from helpdesk.admin_site import NamedInputsAdmin, NamedInputsInline


class AssignmentInline(NamedInputsInline):
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


class ServiceAdmin(NamedInputsAdmin):
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
