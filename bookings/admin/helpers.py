"""The admin of topics, helpers and their time; every change goes through the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _

from bookings import services
from bookings.models import (
    Absence,
    Availability,
    Helper,
    Topic,
)
from helpdesk.admin_site import CHECKBOXES, NamedInputsInline


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "duration_minutes", "active"]
    list_filter = ["active"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change) -> None:
        services.topic_save(topic=obj)


class AvailabilityInline(NamedInputsInline):
    model = Availability
    extra = 0


class AbsenceInline(NamedInputsInline):
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
    formfield_overrides = {models.ManyToManyField: CHECKBOXES}
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
        # Offices and topics are left to the services, so save_m2m must not set them.
        wanted = set(form.cleaned_data.pop("offices"))
        topics = form.cleaned_data.pop("topics", None)
        super().save_related(request, form, formsets, change)
        helper = form.instance
        if topics is not None:
            services.helper_topics_set(helper=helper, topics=topics)
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
