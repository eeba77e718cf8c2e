"""The admin of seniors: the desk's form plus the notes; saved through `senior_update`."""

from __future__ import annotations

from django.contrib import admin

from bookings import services
from bookings.desk.forms import SeniorForm
from bookings.models import (
    Senior,
)


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
