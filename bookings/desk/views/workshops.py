"""Workshops at the desk: list, register a senior, waiting list, who to call next."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings import services
from bookings.desk import selectors
from bookings.models import Registration, RegistrationStatus, Senior, Workshop
from bookings.roles import desk_view


@desk_view
def workshops(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/workshops.html", {"workshops": selectors.upcoming_workshops()})


@desk_view
def workshop(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = get_object_or_404(selectors.with_seat_counts(Workshop.objects.all()), pk=pk)
    return render(
        request,
        "desk/workshop.html",
        {
            "workshop": workshop,
            "registrations": selectors.workshop_registrations(workshop),
            "next_to_call": selectors.next_to_call(workshop),
        },
    )


@desk_view
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = get_object_or_404(Workshop, pk=pk)
    senior = get_object_or_404(Senior, pk=request.POST.get("senior"), anonymised_at__isnull=True)
    try:
        registration = services.workshop_register(
            workshop=workshop, senior=senior, booked_by=request.user
        )
    except services.BookingError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if registration.status == RegistrationStatus.WAITLISTED:
            messages.warning(
                request,
                _("Der Workshop ist voll. %(senior)s steht jetzt auf der Warteliste.")
                % {"senior": senior},
            )
        else:
            messages.success(
                request,
                _("%(senior)s ist für „%(workshop)s“ angemeldet.")
                % {"senior": senior, "workshop": workshop.title},
            )
    return redirect("desk:senior", senior.pk)


@desk_view
@require_POST
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(Registration.objects.select_related("workshop"), pk=pk)
    try:
        next_up = services.registration_cancel(registration=registration)
    except services.BookingError as exc:  # e.g. a race still lost after the retries
        messages.error(request, " ".join(exc.messages))
        return redirect("desk:workshop", registration.workshop_id)
    messages.success(request, _("Die Anmeldung ist storniert."))
    if next_up:
        messages.info(
            request,
            _(
                "Ein Platz ist frei. Bitte rufen Sie %(senior)s an "
                "(als Nächste/r auf der Warteliste)."
            )
            % {"senior": next_up.senior},
        )
    return redirect("desk:workshop", registration.workshop_id)
