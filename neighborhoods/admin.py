from __future__ import annotations

from django.contrib import admin
from django.db import models

from helpdesk.admin_site import CHECKBOXES, NamedInputsInline
from neighborhoods.models import Closure, District, Office, OpeningHours


class OpeningHoursInline(NamedInputsInline):
    model = OpeningHours
    extra = 0


class ClosureInline(NamedInputsInline):
    model = Closure
    extra = 0


def save_closure(closure: Closure, *, change: bool) -> None:
    """Through the services, which flag the bookings on closed days and hold their
    messages (imported here: the bookings app depends on this one, not the reverse)."""
    from bookings import services

    if change:
        services.closure_change(closure=closure)
        return
    recorded, _flagged = services.closure_record(
        office=closure.office,
        starts_on=closure.starts_on,
        ends_on=closure.ends_on,
        reason=closure.reason,
    )
    closure.pk = recorded.pk


def delete_closure(closure: Closure) -> None:
    from bookings import services

    services.closure_remove(closure=closure)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "street", "phone", "active"]
    list_filter = ["active", "district"]
    search_fields = ["name", "street"]
    formfield_overrides = {models.ManyToManyField: CHECKBOXES}
    inlines = [OpeningHoursInline, ClosureInline]

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Closure:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)
        for closure in formset.deleted_objects:
            delete_closure(closure)
        for closure in formset.new_objects:
            save_closure(closure, change=False)
        for closure, _fields in formset.changed_objects:
            save_closure(closure, change=True)


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    """Saves and deletes go through the closure services."""

    list_display = ["office", "starts_on", "ends_on", "reason"]
    list_filter = ["office"]
    date_hierarchy = "starts_on"

    def save_model(self, request, obj, form, change) -> None:
        save_closure(obj, change=change)

    def delete_model(self, request, obj) -> None:
        delete_closure(obj)

    def delete_queryset(self, request, queryset) -> None:
        for closure in queryset:
            delete_closure(closure)
