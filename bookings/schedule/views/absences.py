"""My absences: holidays or illness; booked appointments in them are shown first."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from bookings.roles import helper_required
from bookings.schedule.forms import AbsenceForm
from bookings.schedule.selectors import booked_during, senior_short_name, workshops_during
from bookings.services import absence_record


@helper_required
@require_http_methods(["GET", "POST"])
def absences(request: HttpRequest) -> HttpResponse:
    """List own absences and add one: POST shows a preview when bookings are affected,
    a second POST with `confirm` records it."""
    helper = request.user.helper
    form = AbsenceForm(request.POST or None, helper=helper)
    context = {"section": "absences", "form": form}
    if request.method == "POST" and form.is_valid():
        starts_on, ends_on = form.cleaned_data["starts_on"], form.cleaned_data["ends_on"]
        affected = list(booked_during(helper, starts_on, ends_on))
        workshops = list(workshops_during(helper, starts_on, ends_on))
        if (affected or workshops) and "confirm" not in request.POST:
            context["affected"] = [(a, senior_short_name(a.senior)) for a in affected]
            context["workshops"] = workshops
            return render(request, "schedule/absence_preview.html", context)
        _absence, flagged = absence_record(
            helper=helper,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Ihre Abwesenheit ist eingetragen."))
        if flagged:
            messages.info(
                request,
                ngettext(
                    "Das Büro vereinbart %(count)d Termin neu und ruft die Person an.",
                    "Das Büro vereinbart %(count)d Termine neu und ruft die Personen an.",
                    len(flagged),
                )
                % {"count": len(flagged)},
            )
        return redirect("helpers:absences")
    context["absences"] = helper.absences.filter(ends_on__gte=timezone.localdate())
    return render(request, "schedule/absences.html", context)
