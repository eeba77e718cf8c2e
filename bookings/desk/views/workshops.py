"""Workshops at the desk: list, register a senior, waiting list, who to call next."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from bookings import services
from bookings.availability import senior_clashes
from bookings.desk import selectors
from bookings.desk.forms import WorkshopRegisterForm
from bookings.models import Registration, RegistrationStatus, SeatOffer, Senior, Workshop
from bookings.roles import desk_view


@desk_view
@require_safe
def workshops(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/workshops.html", {"workshops": selectors.upcoming_workshops()})


def _render_workshop(request: HttpRequest, pk: int, *, status: int = 200) -> HttpResponse:
    workshop = get_object_or_404(selectors.with_seat_counts(Workshop.objects.all()), pk=pk)
    return render(
        request,
        "desk/workshop.html",
        {
            "workshop": workshop,
            "registrations": selectors.workshop_registrations(workshop),
            "next_to_call": selectors.next_to_call(workshop),
            "seat_offers": selectors.seat_offers(workshop),
        },
        status=status,
    )


@desk_view
@require_safe
def workshop(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_workshop(request, pk)


@desk_view
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = get_object_or_404(Workshop, pk=pk)
    form = WorkshopRegisterForm(request.POST)
    if not form.is_valid():
        # The button sends the senior's id; without a known senior there is nothing to do.
        messages.error(request, form.no_senior)
        return _render_workshop(request, pk, status=400)
    senior = form.cleaned_data["senior"]
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
        _warn_of_clashes(request, senior, workshop)
    return redirect("desk:senior", senior.pk)


def _warn_of_clashes(request: HttpRequest, senior: Senior, workshop: Workshop) -> None:
    """A workshop seat over an own appointment is allowed, but staff should know."""
    for appointment in senior_clashes(
        senior=senior, starts_at=workshop.starts_at, ends_at=workshop.ends_at
    ):
        messages.warning(
            request,
            _(
                "Achtung: %(senior)s hat zu dieser Zeit schon einen Termin "
                "(%(time)s Uhr im %(office)s). Bitte klären Sie, was gelten soll."
            )
            % {
                "senior": senior,
                "time": f"{timezone.localtime(appointment.starts_at):%d.%m. %H:%M}",
                "office": appointment.office.name,
            },
        )


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
    if next_up and next_up.seat_offers.filter(status=SeatOffer.Status.OPEN).exists():
        messages.info(
            request,
            _("Ein Platz ist frei. %(senior)s bekommt ihn als Nächste/r angeboten.")
            % {"senior": next_up.senior},
        )
    elif next_up:
        messages.info(
            request,
            _(
                "Ein Platz ist frei. Bitte rufen Sie %(senior)s an "
                "(als Nächste/r auf der Warteliste)."
            )
            % {"senior": next_up.senior},
        )
    return redirect("desk:workshop", registration.workshop_id)


@desk_view
@require_POST
def registration_promote(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff give a waiting person the seat, e.g. after calling them."""
    registration = get_object_or_404(
        Registration.objects.select_related("workshop", "senior"), pk=pk
    )
    try:
        services.registration_promote(registration=registration)
    except services.BookingError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(senior)s hat jetzt einen Platz und bekommt eine Bestätigung.")
            % {"senior": registration.senior},
        )
    return redirect("desk:workshop", registration.workshop_id)
