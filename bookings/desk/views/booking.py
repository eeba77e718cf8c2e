"""Find a slot for a senior and book it; the read-back confirmation."""

from __future__ import annotations

import dataclasses
import datetime
import functools
from itertools import groupby

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateformat import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from bookings import services
from bookings.availability import Slot, free_slots, free_slots_split
from bookings.desk import selectors
from bookings.desk.forms import SlotChoiceForm, SlotSearchForm, VideoRelativeForm
from bookings.desk.readback import confirmation_note, readback_sentence
from bookings.models import Appointment, AppointmentKind, Helper, Senior, Topic
from bookings.roles import desk_view, is_coordinator
from neighborhoods.models import Office

SLOTS_PER_PAGE = 10


@dataclasses.dataclass
class SlotOffer:
    """One slot as its line reads it out ("Stadtteilbüro Mitte, bei Sabine") and as its
    button names it to a screen reader ("Montag, 30. November, 10:00 Uhr, …, Sabine")."""

    slot: Slot
    text: str
    label: str


@dataclasses.dataclass
class SlotLine:
    """One start time, read aloud as one sentence: the offered slot and the other choices."""

    offered: SlotOffer
    alternatives: list[SlotOffer]
    time: str  # "10:00 Uhr"
    others_free: str  # "2 weitere Helfende frei", empty without alternatives


@dataclasses.dataclass
class SlotDay:
    day: datetime.date
    lines: list[SlotLine]
    label: str  # "Montag, 30. November"


@dataclasses.dataclass
class SlotGroup:
    title: str
    slots: list[Slot]
    more_query: str  # query string of the "show more" link, empty if nothing more
    by_phone: bool  # the helper calls: the lines say "am Telefon (Büro)"

    @functools.cached_property
    def days(self) -> list[SlotDay]:
        return slot_days(self.slots, by_phone=self.by_phone)


def _offer_order(slot: Slot) -> tuple[str, str, int]:
    return (slot.office_name, slot.helper_first_name, slot.helper_id)


def slot_days(slots: list[Slot], *, by_phone: bool) -> list[SlotDay]:
    """The slots by local day, one line per start time. The rule for who is offered: the
    group already puts the caller's own district first; within a time, the office and then
    the helper whose name comes first in the alphabet. The others stay one click away."""
    # The words of the lines and buttons are translated once per page here: translated
    # and included per button in the template, they cost more CPU than the rest of the page.
    hour = _("Uhr")
    place = _("am Telefon (%(office)s)") if by_phone else "%(office)s"
    with_helper = _("bei %(helper)s")

    def offer(slot: Slot, day: str, time: str) -> SlotOffer:
        office, helper = slot.office_name, slot.helper_first_name
        text = f"{place % {'office': office}}, {with_helper % {'helper': helper}}"
        return SlotOffer(slot, text, label=f"{day}, {time}, {office}, {helper}")

    days = []
    for day, same_day in groupby(slots, key=lambda slot: timezone.localdate(slot.starts_at)):
        label = date_format(day, "l, j. F")
        lines = []
        for starts_at, same_time in groupby(same_day, key=lambda slot: slot.starts_at):
            time = f"{time_format(timezone.localtime(starts_at), 'H:i')} {hour}"
            offered, *others = (
                offer(slot, label, time) for slot in sorted(same_time, key=_offer_order)
            )
            lines.append(SlotLine(offered, others, time, _others_free(len(others))))
        days.append(SlotDay(day, lines, label))
    return days


def _others_free(count: int) -> str:
    """The summary of a line's other helpers: "2 weitere Helfende frei"."""
    if not count:
        return ""
    return ngettext(
        "%(counter)s weitere helfende Person frei", "%(counter)s weitere Helfende frei", count
    ) % {"counter": count}


def _more_link(form: SlotSearchForm, slots: list[Slot], full: bool, **extra) -> str:
    if not full or not slots:
        return ""
    params = QueryDict(mutable=True)
    for name in ("kind", "topic", "device", "office", "part_of_day", "first_day"):
        if form.data.get(name):
            params[name] = form.data[name]
    params.setlist("weekdays", form.data.getlist("weekdays"))
    params["after"] = slots[-1].cursor
    for name, value in extra.items():
        params[name] = value
    return params.urlencode()


def _page(slots: list[Slot]) -> tuple[list[Slot], bool]:
    """One page of free slots (a search's `SLOTS_PER_PAGE`), and whether more may follow.
    A full page ends before its last start time, which may go on on the next page: a time
    is offered once, with all its helpers, never split across two pages."""
    full = len(slots) == SLOTS_PER_PAGE
    if full and slots[0].starts_at != slots[-1].starts_at:
        slots = [slot for slot in slots if slot.starts_at != slots[-1].starts_at]
    return slots, full


def slot_groups(
    form: SlotSearchForm, senior: Senior, *, moving: Appointment | None = None
) -> list[SlotGroup]:
    """The next free slots: the senior's own district office first, then the others;
    none at which the senior is busy (except with the appointment being moved)."""
    data = form.cleaned_data
    busy = {"senior_id": senior.pk, "moving_id": moving.pk if moving else None}
    home = home_offices(form, senior)
    if data.get("office") or not home:
        slots, full = _page(free_slots(form.query(**busy), limit=SLOTS_PER_PAGE))
        more = _more_link(form, slots, full)
        return [SlotGroup(_("Nächste freie Termine"), slots, more, _by_phone(form))]
    if data.get("others"):
        return [_other_group(form, free_slots(form.query(skip=home, **busy), limit=SLOTS_PER_PAGE))]
    # Both lists from one search, which reads helpers, ranges and busy times once.
    own, others = free_slots_split(form.query(**busy), home, limit=SLOTS_PER_PAGE)
    own, full = _page(own)
    own_more = _more_link(form, own, full, office=home[0]) if len(home) == 1 else ""
    return [
        SlotGroup(_("Im eigenen Stadtteil"), own, own_more, _by_phone(form)),
        _other_group(form, others),
    ]


def home_offices(form: SlotSearchForm, senior: Senior) -> tuple[int, ...]:
    """The active offices in the senior's district, from the offices the form offers (it
    reads them anyway, to check and show its choice): one query fewer per search."""
    if not senior.district_id:
        return ()
    offered = form.fields["office"].objects()
    return tuple(office.pk for office in offered if office.district_id == senior.district_id)


def _other_group(form: SlotSearchForm, found: list[Slot]) -> SlotGroup:
    others, full = _page(found)
    more = _more_link(form, others, full, others="on")
    return SlotGroup(_("In anderen Stadtteilbüros"), others, more, _by_phone(form))


def _by_phone(form: SlotSearchForm) -> bool:
    return form.cleaned_data["kind"] == AppointmentKind.PHONE


def search_form_for(data: QueryDict, *, fixed: dict | None = None) -> SlotSearchForm:
    """The slot search from request data; `fixed` values are shown but cannot change."""
    if "kind" not in data and not fixed:
        data = data.copy()
        data["kind"] = AppointmentKind.OFFICE  # checked, so the radio group has a stop
    if "topic" not in data and not fixed:
        data = data.copy()
        topic = Topic.objects.filter(active=True).first()
        if topic:
            data["topic"] = str(topic.pk)
    form = SlotSearchForm(data, initial=fixed)
    for name in fixed or ():
        form.fields[name].disabled = True
    return form


def _searched(form: SlotSearchForm) -> str:
    """What the list shows, in words: "im Büro, Smartphone, bringt eigenes Gerät mit"."""
    data = form.cleaned_data
    device = dict(form.fields["device"].choices).get(data.get("device") or "")
    return f"{AppointmentKind(data['kind']).label}, {data['topic']}, {device}"


def slot_context(
    form: SlotSearchForm,
    senior: Senior,
    *,
    booking_error: str = "",
    moving: Appointment | None = None,
) -> dict:
    """The slot list and where the focus goes: a refusal's message, else the first "Buchen"
    (a default search has already run), else "Thema" when nothing is free."""
    groups = slot_groups(form, senior, moving=moving) if form.is_valid() else []
    first = next((group.days[0].lines[0].offered.slot for group in groups if group.slots), None)
    if form.is_valid() and first is None and not booking_error:
        form.fields["topic"].widget.attrs["autofocus"] = True
    return {
        "slot_form": form,
        "slot_groups": groups,
        "autofocus_slot": None if booking_error else first,
        "searched": _searched(form) if form.is_valid() else "",
        "booking_error": booking_error,
    }


def render_senior(request, senior: Senior, form: SlotSearchForm, *, status: int = 200, **extra):
    context = {
        "senior": senior,
        "channel_label": Senior.Channel(senior.reminder_channel).label,
        # Read with the senior (_senior_or_404): no query of its own.
        "contact": getattr(senior, "contact_person", None),
        **slot_context(form, senior, booking_error=extra.pop("booking_error", "")),
        "appointments": selectors.upcoming_appointments(senior),
        "workshops": selectors.upcoming_workshops()[:10],
        # Information and erasure (DSGVO) are the coordinator's duties.
        "is_coordinator": is_coordinator(request.user),
        **extra,
    }
    return render(request, "desk/senior.html", context, status=status)


def _senior_or_404(pk: int) -> Senior:
    """The senior with what the slot page shows of them and what a booking's messages ask
    (the contact person, for copies): no further query for either."""
    return get_object_or_404(
        Senior.objects.select_related("district", "contact_person"),
        pk=pk,
        anonymised_at__isnull=True,
    )


@desk_view
@require_safe
def senior(request: HttpRequest, pk: int) -> HttpResponse:
    return render_senior(request, _senior_or_404(pk), search_form_for(request.GET))


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
    senior = _senior_or_404(pk)
    search = SlotSearchForm(request.POST)
    choice = SlotChoiceForm(request.POST)
    if not (search.is_valid() and choice.is_valid()):
        return render_senior(request, senior, search_form_for(refreshed(request.POST)), status=400)
    starts_at = choice.cleaned_data["slot"][0]
    helper, office = slot_parts(choice.cleaned_data["slot"])
    kind = search.cleaned_data["kind"]
    video = None
    if kind == AppointmentKind.VIDEO:
        relative = VideoRelativeForm(request.POST if "relative_name" in request.POST else None)
        if not relative.is_valid():
            return _ask_relative(request, senior, relative, helper, office, starts_at)
        video = relative.save(commit=False)
    try:
        appointment = services.appointment_book(
            senior=senior,
            helper=helper,
            office=office,
            topic=search.cleaned_data["topic"],
            starts_at=starts_at,
            loan_device_kind=search.cleaned_data["device"] or None,
            booked_by=request.user,
            kind=kind,
            video=video,
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


def _ask_relative(request, senior, form: VideoRelativeForm, helper, office, starts_at):
    """The second step of booking a video call: who joins from afar. The chosen slot and
    the search travel along as hidden fields; the first field (or error) has the focus."""
    hidden = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", *form.fields)
        for value in values
    ]
    return render(
        request,
        "desk/video_relative.html",
        {
            "senior": senior,
            "form": form,
            "hidden": hidden,
            "helper": helper,
            "office": office,
            "starts_at": starts_at,
        },
        status=400 if form.is_bound else 200,
    )


@desk_view
@require_safe
def confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_object_or_404(
        Appointment.objects.select_related(
            "senior", "office", "topic", "helper__user", "loan_reservation__device", "video"
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
