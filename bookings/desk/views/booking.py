"""Find a slot for a senior and book it; the read-back confirmation."""

from __future__ import annotations

import dataclasses

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings import services
from bookings.availability import Slot, free_slots
from bookings.desk import selectors
from bookings.desk.forms import SlotChoiceForm, SlotSearchForm
from bookings.desk.readback import confirmation_note, readback_sentence
from bookings.models import Appointment, Helper, Senior, Topic
from bookings.roles import desk_view
from neighborhoods.models import Office

SLOTS_PER_PAGE = 10


@dataclasses.dataclass
class SlotGroup:
    title: str
    slots: list[Slot]
    more_query: str  # query string of the "show more" link, empty if nothing more


def _more_link(form: SlotSearchForm, slots: list[Slot], **extra) -> str:
    if len(slots) < SLOTS_PER_PAGE:
        return ""
    params = QueryDict(mutable=True)
    for name in ("topic", "device", "office", "part_of_day", "first_day"):
        if form.data.get(name):
            params[name] = form.data[name]
    params.setlist("weekdays", form.data.getlist("weekdays"))
    params["after"] = slots[-1].cursor
    for name, value in extra.items():
        params[name] = value
    return params.urlencode()


def slot_groups(
    form: SlotSearchForm, senior: Senior, *, moving: Appointment | None = None
) -> list[SlotGroup]:
    """The next free slots: the senior's own district office first, then the others;
    none at which the senior is busy (except with the appointment being moved)."""
    data = form.cleaned_data
    busy = {"senior_id": senior.pk, "moving_id": moving.pk if moving else None}
    home = tuple(office.pk for office in selectors.home_offices(senior))
    if data.get("office") or not home:
        slots = free_slots(form.query(**busy), limit=SLOTS_PER_PAGE)
        return [SlotGroup(_("Nächste freie Termine"), slots, _more_link(form, slots))]
    others = free_slots(form.query(skip=home, **busy), limit=SLOTS_PER_PAGE)
    other_group = SlotGroup(
        _("In anderen Stadtteilbüros"), others, _more_link(form, others, others="on")
    )
    if data.get("others"):
        return [other_group]
    own = free_slots(form.query(offices=home, **busy), limit=SLOTS_PER_PAGE)
    own_more = _more_link(form, own, office=home[0]) if len(home) == 1 else ""
    return [SlotGroup(_("Im eigenen Stadtteil"), own, own_more), other_group]


def search_form_for(data: QueryDict, *, fixed: dict | None = None) -> SlotSearchForm:
    """The slot search from request data; `fixed` values are shown but cannot change."""
    if "topic" not in data and not fixed:
        data = data.copy()
        topic = Topic.objects.filter(active=True).first()
        if topic:
            data["topic"] = str(topic.pk)
    form = SlotSearchForm(data, initial=fixed)
    for name in fixed or ():
        form.fields[name].disabled = True
    return form


def render_senior(request, senior: Senior, form: SlotSearchForm, *, status: int = 200, **extra):
    context = {
        "senior": senior,
        "channel_label": Senior.Channel(senior.reminder_channel).label,
        "slot_form": form,
        "slot_groups": slot_groups(form, senior) if form.is_valid() else [],
        # After a search (or a refused booking) Enter books the first slot.
        "focus_slots": "topic" in request.GET or request.method == "POST",
        "appointments": selectors.upcoming_appointments(senior),
        "workshops": selectors.upcoming_workshops()[:10],
        **extra,
    }
    return render(request, "desk/senior.html", context, status=status)


@desk_view
def senior(request: HttpRequest, pk: int) -> HttpResponse:
    senior = get_object_or_404(Senior, pk=pk, anonymised_at__isnull=True)
    return render_senior(request, senior, search_form_for(request.GET))


def slot_parts(slot) -> tuple[Helper, Office]:
    _starts_at, office_id, helper_id = slot
    return (
        get_object_or_404(Helper.objects.select_related("user"), pk=helper_id),
        get_object_or_404(Office, pk=office_id),
    )


def refreshed(post: QueryDict) -> QueryDict:
    """The search as it was, from the first page, for a fresh list after a refusal."""
    data = post.copy()
    for name in ("after", "slot", "csrfmiddlewaretoken"):
        data.pop(name, None)
    return data


@desk_view
@require_POST
def book(request: HttpRequest, pk: int) -> HttpResponse:
    senior = get_object_or_404(Senior, pk=pk, anonymised_at__isnull=True)
    search = SlotSearchForm(request.POST)
    choice = SlotChoiceForm(request.POST)
    if not (search.is_valid() and choice.is_valid()):
        return render_senior(request, senior, search_form_for(refreshed(request.POST)), status=400)
    starts_at = choice.cleaned_data["slot"][0]
    helper, office = slot_parts(choice.cleaned_data["slot"])
    try:
        appointment = services.appointment_book(
            senior=senior,
            helper=helper,
            office=office,
            topic=search.cleaned_data["topic"],
            starts_at=starts_at,
            loan_device_kind=search.cleaned_data["device"] or None,
            booked_by=request.user,
        )
    except services.BookingError as exc:
        # Lost the race or the slot went away: the same search, refreshed, data kept.
        return render_senior(
            request,
            senior,
            search_form_for(refreshed(request.POST)),
            status=409,
            booking_error=" ".join(exc.messages),
        )
    return redirect("desk:confirmation", appointment.pk)


@desk_view
def confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_object_or_404(
        Appointment.objects.select_related(
            "senior", "office", "topic", "helper__user", "loan_reservation__device"
        ),
        pk=pk,
    )
    if not appointment.is_active:
        messages.info(request, _("Dieser Termin ist abgesagt."))
        return redirect("desk:appointment", appointment.pk)
    return render(
        request,
        "desk/confirmation.html",
        {
            "appointment": appointment,
            "sentence": readback_sentence(appointment),
            "confirmation_note": confirmation_note(appointment),
        },
    )
