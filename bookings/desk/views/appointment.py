"""Change a booked appointment: move, cancel with a reason, attended / no-show, note."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from bookings import services
from bookings.desk import selectors
from bookings.desk.forms import CancelForm, NoteForm, SlotChoiceForm
from bookings.desk.views.booking import refreshed, search_form_for, slot_context, slot_parts
from bookings.models import Appointment, AppointmentStatus
from bookings.roles import desk_view


def _appointment(pk: int) -> Appointment:
    return get_object_or_404(
        Appointment.objects.select_related(
            "senior", "office", "topic", "helper__user", "loan_reservation__device", "video"
        ),
        pk=pk,
    )


def _render(request, appointment, *, status=200, **forms) -> HttpResponse:
    context = {
        "appointment": appointment,
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "note_form": forms.get("note_form") or NoteForm(initial={"note": appointment.note}),
        # Attended / no-show only from the appointment's day on (the service refuses earlier).
        "can_mark": appointment.status != AppointmentStatus.CANCELLED
        and timezone.localdate(appointment.starts_at) <= timezone.localdate(),
        "replacements": selectors.replacement_helpers(appointment)
        if appointment.needs_rebooking and appointment.status == AppointmentStatus.BOOKED
        else [],
    }
    return render(request, "desk/appointment.html", context, status=status)


@desk_view
@require_safe
def appointment(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _appointment(pk))


def _fixed(appointment: Appointment) -> dict:
    """A move keeps kind, topic and device; only time, office and helper change."""
    reservation = getattr(appointment, "loan_reservation", None)
    return {
        "kind": appointment.kind,
        "topic": appointment.topic_id,
        "device": reservation.device.kind if reservation else "",
    }


def _render_move(request, appointment, form, *, status=200, booking_error="") -> HttpResponse:
    context = {
        "appointment": appointment,
        "senior": appointment.senior,
        **slot_context(form, appointment.senior, booking_error=booking_error, moving=appointment),
    }
    return render(request, "desk/move.html", context, status=status)


@desk_view
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: slots for the same topic and device; POST: move there, all or nothing."""
    appointment = _appointment(pk)
    if request.method != "POST":
        form = search_form_for(request.GET, fixed=_fixed(appointment))
        return _render_move(request, appointment, form)
    choice = SlotChoiceForm(request.POST)
    retry = search_form_for(refreshed(request.POST), fixed=_fixed(appointment))
    if not choice.is_valid():
        return _render_move(request, appointment, retry, status=400)
    helper, office = slot_parts(choice.cleaned_data["slot"])
    try:
        services.appointment_move(
            appointment=appointment,
            helper=helper,
            office=office,
            starts_at=choice.cleaned_data["slot"][0],
        )
    except services.BookingError as exc:
        return _render_move(
            request, appointment, retry, status=409, booking_error=" ".join(exc.messages)
        )
    return redirect("desk:confirmation", appointment.pk)


@desk_view
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _render(request, appointment, status=400, cancel_form=form)
    try:
        services.appointment_cancel(
            appointment=appointment,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except services.BookingError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Der Termin ist abgesagt; die Zeit ist wieder frei."))
    return redirect("desk:appointment", appointment.pk)


@desk_view
@require_POST
def mark(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(pk)
    status = request.POST.get("status", "")
    try:
        services.appointment_mark(appointment=appointment, status=status)
    except services.BookingError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Gespeichert."))
    if request.POST.get("back") == "day_list":
        day = timezone.localdate(appointment.starts_at)
        query = urlencode({"office": appointment.office_id, "day": f"{day:%Y-%m-%d}"})
        return redirect(f"{reverse('desk:day_list')}?{query}")
    return redirect("desk:appointment", appointment.pk)


@desk_view
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _render(request, appointment, status=400, note_form=form)
    try:
        services.appointment_note(appointment=appointment, note=form.cleaned_data["note"])
    except services.BookingError as exc:  # e.g. a race still lost after the retries
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Die Notiz ist gespeichert."))
    return redirect("desk:appointment", appointment.pk)


@desk_view
@require_POST
def hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an appointment to be rebooked to another helper at the same office and time
    (one of the suggested ones); the senior and both helpers are told by the outbox."""
    appointment = _appointment(pk)
    candidates = {str(h.pk): h for h in selectors.replacement_helpers(appointment)}
    helper = candidates.get(request.POST.get("helper", ""))
    if helper is None:
        messages.error(request, _("Diese Person kann den Termin nicht mehr übernehmen."))
        return redirect("desk:appointment", appointment.pk)
    try:
        services.appointment_move(
            appointment=appointment,
            helper=helper,
            office=appointment.office,
            starts_at=appointment.starts_at,
        )
    except services.BookingError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("desk:appointment", appointment.pk)
    messages.success(request, _("%(helper)s übernimmt den Termin.") % {"helper": helper.first_name})
    return redirect("desk:confirmation", appointment.pk)
