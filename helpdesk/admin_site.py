"""The admin site: for coordinators (and superusers) only; and what its forms need to
pass axe (every input named, no ARIA on elements that may not carry it)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from bookings import roles
from helpdesk.security import AdminLoginForm


class CoordinatorAdminSite(admin.AdminSite):
    """Office staff work at the desk and helpers on their own pages; neither gets the
    admin, even with is_staff set, because it shows every senior's phone number."""

    login_form = AdminLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and user.is_staff and roles.is_coordinator(user)


def name_inputs(form: forms.BaseForm, *, every_input: bool) -> None:
    """Give inputs their field's label as accessible name where the admin shows it only
    as loose text (the date and time of a split field) or, in a tabular inline, only as
    the column header (`every_input`), which is no label for assistive technology."""
    for field in form.fields.values():
        widget = getattr(field.widget, "widget", field.widget)  # inside the "+" wrapper
        if isinstance(widget, forms.SplitDateTimeWidget):
            date, time = widget.widgets
            date.attrs["aria-label"] = f"{field.label}: {_('Datum')}"
            time.attrs["aria-label"] = f"{field.label}: {_('Uhrzeit')}"
        elif every_input and not widget.is_hidden:
            widget.attrs.setdefault("aria-label", str(field.label))


class NamedInputsAdmin(admin.ModelAdmin):
    """A ModelAdmin whose form names the inputs of split date-time fields."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        def __init__(form, *args, **kwargs):
            form_class.__init__(form, *args, **kwargs)
            name_inputs(form, every_input=False)

        return type(form_class.__name__, (form_class,), {"__init__": __init__})


class NamedInputsInline(admin.TabularInline):
    """A tabular inline whose every input (the delete box too) is named by its label."""

    def get_formset(self, request, obj=None, **kwargs):
        formset_class = super().get_formset(request, obj, **kwargs)

        def add_fields(formset, form, index):
            formset_class.add_fields(formset, form, index)
            name_inputs(form, every_input=True)

        return type(formset_class.__name__, (formset_class,), {"add_fields": add_fields})


# Many-to-many fields as a list of checkboxes: the admin's two-box filter widget puts
# aria-label on a plain <span> (SelectFilter2.js), which axe rejects.
CHECKBOXES = {"widget": forms.CheckboxSelectMultiple}
