"""Post an admin change form the way a browser would: everything the page shows, with
a few fields changed. Used by the tests that change things through the admin."""

from __future__ import annotations

import datetime

from django.db.models import Model


def _text(value) -> str | list[str] | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set) or hasattr(value, "all"):
        items = value.all() if hasattr(value, "all") else value
        return [str(item.pk if isinstance(item, Model) else item) for item in items]
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _form_data(form) -> dict:
    data = {}
    for name in form.fields:
        value = _text(form[name].value())
        if value is not None:
            data[form.add_prefix(name)] = value
    return data


def admin_form_data(response, **changes) -> dict:
    """The POST data of the admin page in `response` (a GET of an add or change page),
    with `changes` applied. Inline rows: `changes` keys like "availabilities-0-ends"."""
    data = _form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for form in formset.initial_forms:
            data.update(_form_data(form))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data
