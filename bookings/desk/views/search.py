"""Find the caller, or create them inline."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from bookings.desk import selectors
from bookings.desk.forms import SeniorForm, SeniorSearchForm
from bookings.phones import parse_phone
from bookings.roles import desk_view


def _prefill(text: str) -> dict[str, str]:
    """Carry what was typed into the new-senior form: words as name, digits as phone, but
    only a whole number: the last digits typed to search would just have to be deleted."""
    text = text.strip()
    if not text:
        return {}
    if re.search(r"[^\W\d_]", text):
        first, _sep, last = text.rpartition(" ")
        return {"first_name": first, "last_name": last} if first else {"last_name": last}
    try:
        parse_phone(text)
    except ValidationError:
        return {}
    return {"phone": text}


def search_context(request: HttpRequest, senior_form: SeniorForm | None = None) -> dict:
    # Searches are POSTed: typed phone digits must not end up in access logs.
    form = SeniorSearchForm(request.POST or None)
    # Invalid text (a NUL byte, too long) shows the form's error and searches nothing.
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = selectors.senior_search(text) if text else []
    # After "Neue Person anlegen" the form has the focus, at its first empty field; with
    # errors, static/js/focus-errors.js puts it on the first error instead.
    creating = senior_form is not None or bool(request.POST.get("new"))
    if senior_form is None:
        senior_form = SeniorForm(initial=_prefill(text))
        if creating:
            empty = next(name for name in senior_form.fields if not senior_form.initial.get(name))
            senior_form.fields[empty].widget.attrs["autofocus"] = True
    return {
        "search_form": form,
        "query": text,
        "results": results,
        "senior_form": senior_form,
        "creating": creating,
    }


@desk_view
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """The results follow the typing via htmx; without JavaScript the form submits."""
    context = search_context(request)
    if request.htmx:
        return render(request, "desk/_search_results.html", context)
    return render(request, "desk/search.html", context)


@desk_view
@require_POST
def senior_create(request: HttpRequest) -> HttpResponse:
    form = SeniorForm(request.POST)
    if not form.is_valid():
        # Everything typed stays in the bound form, errors linked to their fields.
        return render(request, "desk/search.html", search_context(request, form), status=422)
    senior = form.save()
    return redirect("desk:senior", senior.pk)
