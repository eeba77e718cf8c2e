"""Every change around a booking, from every place it can be made, in one table.

A row names the change, the place (desk, helper pages, admin, reply, job), the service
it goes through, and what must be true afterwards: whether the appointment is flagged
"muss neu vereinbart werden", every outbox row (about, kind, recipient, channel,
status, due), how many e-mails the office got, and that every message still to be
sent names the right day. The last tests fail for a service in
`bookings.services.__all__` without a row, and for a place without one.

The world: an office (staff with e-mail) where Sabine and Klaus help with the same topic
on weekday mornings; Gertrud (mobile, consent) booked with Sabine on a Monday at 10:00
through the desk. Due times are symbols: "before" (queued at booking or in the steps
before the change), "now" (queued by the change), "eve" (the
day-before time of the appointment as it is now, placed by `bookings.outbox.queue`),
"eve_old" (that of the original Monday), "ws_eve" (that of the workshop).
"""

from __future__ import annotations

import dataclasses
import datetime
import inspect
from collections.abc import Callable

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.inbound.replies import reply_keypad, reply_sms
from bookings.models import Absence, Appointment, Availability, Registration, Reminder
from bookings.outbox import queue
from bookings.outbox.dispatch import dispatch_due
from bookings.outbox.texts import day_words, render_text
from tests.admin_forms import admin_form_data
from tests.conftest import at, make_helper, make_office, make_senior, make_user, make_workshop
from tests.test_staff_desk import slot_cursor

PLACES = {"desk", "helper pages", "admin", "reply", "job"}


# --- The world ----------------------------------------------------------------------------


@dataclasses.dataclass
class World:
    client: object
    office: object
    other_office: object
    topic: object
    sabine: object
    klaus: object
    senior: object
    staff: object
    monday: datetime.date
    appointment: Appointment | None = None
    workshop: object = None
    started: datetime.datetime = dataclasses.field(default_factory=timezone.now)
    changed: datetime.datetime | None = None

    def login(self, user) -> None:
        self.client.force_login(user)

    def admin(self, name: str, *args, **changes):
        """POST the admin page `name` as shown, with `changes`."""
        self.login(make_user(is_staff=True, is_superuser=True))
        url = reverse(f"admin:{name}", args=args)
        return self.client.post(url, admin_form_data(self.client.get(url), **changes))

    def admin_delete(self, name: str, pk: int):
        self.login(make_user(is_staff=True, is_superuser=True))
        return self.client.post(reverse(f"admin:{name}", args=[pk]), {"post": "yes"})

    def desk(self, name: str, data: dict, *args):
        self.login(self.staff)
        return self.client.post(reverse(f"desk:{name}", args=args), data)

    def helper_page(self, name: str, data: dict, *args):
        self.login(self.sabine.user)
        return self.client.post(reverse(f"helpers:{name}", args=args), data)

    def monday_range(self) -> Availability:
        return self.sabine.availabilities.get(weekday=0)

    def mark_confirmation_sent(self) -> Reminder:
        confirmation = Reminder.objects.get(senior=self.senior, kind=Reminder.Kind.CONFIRMATION)
        confirmation.status = Reminder.Status.SENT
        confirmation.sent_at = timezone.now()
        confirmation.save()
        return confirmation


@pytest.fixture
def world(client, office, topic, monday, office_staff, monkeypatch):
    # The worker is asked to look "at once" after a commit; here the rows are the result.
    monkeypatch.setattr(queue, "dispatch_soon", lambda: None)
    office_staff.email = "buero@example.org"
    office_staff.save()
    sabine = make_helper(office, topic, first_name="Sabine")
    klaus = make_helper(office, topic, first_name="Klaus")
    for helper in (sabine, klaus):
        helper.user.email = f"{helper.first_name.lower()}@example.org"
        helper.user.save()
    return World(
        client=client,
        office=office,
        other_office=make_office("Stadtteilbüro Innenstadt-West"),
        topic=topic,
        sabine=sabine,
        klaus=klaus,
        senior=make_senior(),
        staff=office_staff,
        monday=monday,
    )


def book_through_the_desk(w: World) -> None:
    response = w.desk(
        "book",
        {"topic": w.topic.pk, "slot": slot_cursor(w.sabine, w.office, at(w.monday, 10))},
        w.senior.pk,
    )
    assert response.status_code == 302, response.content.decode()[:500]
    w.appointment = Appointment.objects.get(senior=w.senior)


# --- Steps before the change (`given`) -----------------------------------------------------


def without_consent(w: World) -> None:
    w.senior.reminder_consent = False
    w.senior.save()


def closed_on_monday(w: World) -> None:
    services.closure_record(office=w.office, starts_on=w.monday, ends_on=w.monday, reason="Umzug")


def closed_on_tuesday(w: World) -> None:
    tuesday = w.monday + datetime.timedelta(days=1)
    services.closure_record(office=w.office, starts_on=tuesday, ends_on=tuesday, reason="Umzug")


def sabine_away_on_monday(w: World) -> None:
    services.absence_record(helper=w.sabine, starts_on=w.monday, ends_on=w.monday)


def sabine_away_on_tuesday(w: World) -> None:
    tuesday = w.monday + datetime.timedelta(days=1)
    services.absence_record(helper=w.sabine, starts_on=tuesday, ends_on=tuesday)


def sabine_inactive(w: World) -> None:
    services.helper_deactivate(helper=w.sabine)


def sabine_also_in_other_office(w: World) -> None:
    w.sabine.offices.add(w.other_office)


def sabine_only_in_other_office(w: World) -> None:
    sabine_also_in_other_office(w)
    services.helper_office_remove(helper=w.sabine, office=w.office)


def confirmation_sent(w: World) -> None:
    w.mark_confirmation_sent()


def registered_for_workshop(w: World) -> None:
    services.workshop_register(workshop=w.workshop, senior=w.senior)


# --- The changes (`act`) ---------------------------------------------------------------------


def nothing(w: World):
    return None


def admin_closure_add(w: World):
    day = w.monday.isoformat()
    return w.admin(
        "neighborhoods_closure_add",
        office=str(w.office.pk),
        starts_on=day,
        ends_on=day,
        reason="Umzug",
    )


def admin_office_closure_inline(w: World):
    return w.admin(
        "neighborhoods_office_change",
        w.office.pk,
        **{
            "closures-TOTAL_FORMS": "1",
            "closures-0-starts_on": w.monday.isoformat(),
            "closures-0-ends_on": w.monday.isoformat(),
            "closures-0-reason": "Umzug",
            "closures-0-office": str(w.office.pk),
        },
    )


def admin_closure_move_to_monday(w: World):
    closure = w.office.closures.get()
    day = w.monday.isoformat()
    return w.admin("neighborhoods_closure_change", closure.pk, starts_on=day, ends_on=day)


def admin_closure_delete(w: World):
    return w.admin_delete("neighborhoods_closure_delete", w.office.closures.get().pk)


def helper_page_absence(w: World):
    day = w.monday.isoformat()
    return w.helper_page("absences", {"starts_on": day, "ends_on": day, "confirm": "1"})


def admin_absence_add(w: World):
    day = w.monday.isoformat()
    return w.admin(
        "bookings_absence_add", helper=str(w.sabine.pk), starts_on=day, ends_on=day, reason=""
    )


def admin_absence_move_to_monday(w: World):
    absence = Absence.objects.get(helper=w.sabine)
    day = w.monday.isoformat()
    return w.admin("bookings_absence_change", absence.pk, starts_on=day, ends_on=day)


def admin_absence_delete(w: World):
    return w.admin_delete("bookings_absence_delete", Absence.objects.get(helper=w.sabine).pk)


def admin_helper_inactive(w: World):
    return w.admin("bookings_helper_change", w.sabine.pk, active=None)


def admin_helper_action_deactivate(w: World):
    w.login(make_user(is_staff=True, is_superuser=True))
    return w.client.post(
        reverse("admin:bookings_helper_changelist"),
        {"action": "deactivate_helpers", "_selected_action": [w.sabine.pk]},
    )


def admin_helper_active(w: World):
    return w.admin("bookings_helper_change", w.sabine.pk, active="on")


def admin_helper_off_office(w: World):
    return w.admin("bookings_helper_change", w.sabine.pk, offices=[str(w.other_office.pk)])


def admin_helper_back_in_office(w: World):
    offices = [str(w.office.pk), str(w.other_office.pk)]
    return w.admin("bookings_helper_change", w.sabine.pk, offices=offices)


def admin_helper_inline_later_monday(w: World):
    index = list(w.sabine.availabilities.order_by("weekday", "starts")).index(w.monday_range())
    return w.admin(
        "bookings_helper_change", w.sabine.pk, **{f"availabilities-{index}-starts": "11:00"}
    )


def admin_availability_later_monday(w: World):
    return w.admin("bookings_availability_change", w.monday_range().pk, starts="11:00")


def admin_availability_delete(w: World):
    return w.admin_delete("bookings_availability_delete", w.monday_range().pk)


def helper_page_end_monday_range(w: World):
    last_day = (w.monday - datetime.timedelta(days=1)).isoformat()
    return w.helper_page("availability_end", {"last_day": last_day}, w.monday_range().pk)


def helper_page_end_tuesday_range(w: World):
    tuesday = w.sabine.availabilities.get(weekday=1)
    return w.helper_page("availability_end", {"last_day": w.monday.isoformat()}, tuesday.pk)


def helper_page_add_afternoon(w: World):
    data = {
        "office": w.office.pk,
        "weekday": 0,
        "starts": "14:00",
        "ends": "16:00",
        "valid_from": timezone.localdate().isoformat(),
        "valid_until": "",
    }
    return w.helper_page("availability_add", data)


def admin_senior(**changes) -> Callable[[World], object]:
    def act(w: World):
        return w.admin("bookings_senior_change", w.senior.pk, **changes)

    return act


def sms_reply(word: str) -> Callable[[World], object]:
    def act(w: World):
        return reply_sms(from_number=str(w.senior.phone), body=word, sid=f"SM-{word}")

    return act


def keypad_cancel(w: World):
    reminder = Reminder.objects.get(senior=w.senior, kind=Reminder.Kind.CONFIRMATION)
    return reply_keypad(reminder=reminder, digits="2", call_sid="CA-1")


def desk_cancel(w: World):
    return w.desk("cancel", {"reason": "senior", "note": ""}, w.appointment.pk)


def admin_cancel_action(w: World):
    w.login(make_user(is_staff=True, is_superuser=True))
    return w.client.post(
        reverse("admin:bookings_appointment_changelist"),
        {"action": "cancel_appointments", "_selected_action": [w.appointment.pk]},
    )


def desk_move_to_tuesday(w: World):
    tuesday = w.monday + datetime.timedelta(days=1)
    slot = slot_cursor(w.sabine, w.office, at(tuesday, 10))
    return w.desk("move", {"topic": w.topic.pk, "slot": slot}, w.appointment.pk)


def desk_hand_over_to_klaus(w: World):
    return w.desk("hand_over", {"helper": w.klaus.pk}, w.appointment.pk)


def desk_note(w: World):
    return w.desk("note", {"note": "Möchte WhatsApp lernen"}, w.appointment.pk)


def admin_note(w: World):
    return w.admin("bookings_appointment_change", w.appointment.pk, note="Bringt Ladekabel mit")


def desk_mark_too_early(w: World):
    return w.desk("mark", {"status": "attended"}, w.appointment.pk)


def desk_workshop_register(w: World):
    return w.desk("workshop_register", {"senior": w.senior.pk}, w.workshop.pk)


def desk_registration_cancel(w: World):
    registration = Registration.objects.get(senior=w.senior)
    return w.desk("registration_cancel", {}, registration.pk)


def worker_runs(w: World):
    return dispatch_due(run_seconds=5)


# --- The table -------------------------------------------------------------------------------

A = "appointment"
W = "workshop"
BOOKED = [
    (A, "confirmation", "Sabine", "email", "pending", "before"),
    (A, "confirmation", "senior", "sms", "pending", "before"),
    (A, "day_before", "senior", "sms", "pending", "eve"),
]


def held(rows):
    return [(*row[:4], "held" if row[4] == "pending" else row[4], row[5]) for row in rows]


def withdrawn(rows):
    return [(*row[:4], "cancelled" if row[4] == "pending" else row[4], row[5]) for row in rows]


HELD = held(BOOKED)
CANCELLED_NOW = [
    (A, "cancelled", "Sabine", "email", "pending", "now"),
    (A, "cancelled", "senior", "sms", "pending", "now"),
]
MOVED_FROM_HELD = [
    *withdrawn([(A, "confirmation", "Sabine", "email", "pending", "before")]),
    *withdrawn([(A, "confirmation", "senior", "sms", "pending", "before")]),
    (A, "day_before", "senior", "sms", "cancelled", "eve_old"),
    (A, "day_before", "senior", "sms", "pending", "eve"),
    (A, "moved", "senior", "sms", "pending", "now"),
]


@dataclasses.dataclass(frozen=True)
class Row:
    change: str
    place: str
    service: str | None  # None: the change is made where it arrives (see the row)
    act: Callable[[World], object]
    outbox: list[tuple]
    flagged: bool = False
    mails: int = 0
    given: tuple[Callable[[World], None], ...] = ()
    before_booking: tuple[Callable[[World], None], ...] = ()
    status: int | None = 302

    @property
    def id(self) -> str:
        return f"{self.change} @ {self.place}"


ROWS = [
    Row("book", "desk", "appointment_book", nothing, BOOKED, status=None),
    Row(
        "book without consent",
        "desk",
        "appointment_book",
        nothing,
        BOOKED[:1],
        before_booking=(without_consent,),
        status=None,
    ),
    Row("closure", "admin", "closure_record", admin_closure_add, HELD, flagged=True, mails=1),
    Row(
        "closure (office page)",
        "admin",
        "closure_record",
        admin_office_closure_inline,
        HELD,
        flagged=True,
        mails=1,
    ),
    Row(
        "closure moved onto the booking",
        "admin",
        "closure_change",
        admin_closure_move_to_monday,
        HELD,
        flagged=True,
        mails=1,
        given=(closed_on_tuesday,),
    ),
    Row(
        "closure removed",
        "admin",
        "closure_remove",
        admin_closure_delete,
        BOOKED,
        given=(closed_on_monday,),
    ),
    Row(
        "absence",
        "helper pages",
        "absence_record",
        helper_page_absence,
        HELD,
        flagged=True,
        mails=1,
    ),
    Row("absence", "admin", "absence_record", admin_absence_add, HELD, flagged=True, mails=1),
    Row(
        "absence moved onto the booking",
        "admin",
        "absence_change",
        admin_absence_move_to_monday,
        HELD,
        flagged=True,
        mails=1,
        given=(sabine_away_on_tuesday,),
    ),
    Row(
        "absence removed",
        "admin",
        "absence_remove",
        admin_absence_delete,
        BOOKED,
        given=(sabine_away_on_monday,),
    ),
    Row(
        "helper deactivated",
        "admin",
        "helper_deactivate",
        admin_helper_inactive,
        HELD,
        flagged=True,
        mails=1,
    ),
    Row(
        "helpers deactivated (list action)",
        "admin",
        "helper_deactivate",
        admin_helper_action_deactivate,
        HELD,
        flagged=True,
        mails=1,
    ),
    Row(
        "helper active again",
        "admin",
        "helper_reactivate",
        admin_helper_active,
        BOOKED,
        given=(sabine_inactive,),
    ),
    Row(
        "helper taken off the office",
        "admin",
        "helper_office_remove",
        admin_helper_off_office,
        HELD,
        flagged=True,
        mails=1,
        given=(sabine_also_in_other_office,),
    ),
    Row(
        "helper back in the office",
        "admin",
        "helper_office_add",
        admin_helper_back_in_office,
        BOOKED,
        given=(sabine_only_in_other_office,),
    ),
    Row(
        "availability no longer covers the booking",
        "admin",
        "availability_change",
        admin_availability_later_monday,
        HELD,
        flagged=True,
        mails=1,
    ),
    Row(
        "availability no longer covers the booking (helper's admin page)",
        "admin",
        "availability_change",
        admin_helper_inline_later_monday,
        HELD,
        flagged=True,
        mails=1,
    ),
    Row(
        "availability deleted",
        "admin",
        "availability_delete",
        admin_availability_delete,
        HELD,
        flagged=True,
        mails=1,
    ),
    Row(
        "availability added",
        "helper pages",
        "availability_change",
        helper_page_add_afternoon,
        BOOKED,
    ),
    Row(
        "availability ended, no booking in it",
        "helper pages",
        "availability_end",
        helper_page_end_tuesday_range,
        BOOKED,
    ),
    Row(
        "availability ended over a booking: refused",
        "helper pages",
        "availability_end",
        helper_page_end_monday_range,
        BOOKED,
        status=200,
    ),
    Row(
        "consent given later",
        "admin",
        "senior_update",
        admin_senior(reminder_consent="on"),
        [BOOKED[0], (A, "confirmation", "senior", "sms", "pending", "now"), BOOKED[2]],
        before_booking=(without_consent,),
    ),
    Row(
        "consent given while the booking must be rebooked",
        "admin",
        "senior_update",
        admin_senior(reminder_consent="on"),
        [HELD[0], (A, "confirmation", "senior", "sms", "held", "now"), HELD[2]],
        flagged=True,
        before_booking=(without_consent,),
        given=(closed_on_monday,),
    ),
    Row(
        "opted out (STOP) while the booking must be rebooked",
        "reply",
        "senior_opt_out",
        sms_reply("STOP"),
        [
            (A, "confirmation", "Sabine", "email", "held", "before"),
            (A, "confirmation", "senior", "sms", "cancelled", "before"),
            (A, "day_before", "senior", "sms", "cancelled", "eve"),
        ],
        flagged=True,
        given=(closed_on_monday,),
        status=None,
    ),
    Row(
        "consent removed",
        "admin",
        "senior_update",
        admin_senior(reminder_consent=None),
        [BOOKED[0], *withdrawn(BOOKED[1:])],
    ),
    Row(
        "number changed to a landline",
        "admin",
        "senior_update",
        admin_senior(phone="0631 123456"),
        [BOOKED[0], *((*row[:3], "voice", *row[4:]) for row in BOOKED[1:])],
    ),
    Row(
        "opted out (STOP)",
        "reply",
        "senior_opt_out",
        sms_reply("STOP"),
        [BOOKED[0], *withdrawn(BOOKED[1:])],
        status=None,
    ),
    Row(
        "confirmed (JA)",
        "reply",
        None,  # bookings/inbound/replies.py sets confirmed_at: nothing to send
        sms_reply("JA"),
        [BOOKED[0], (A, "confirmation", "senior", "sms", "answered", "before"), BOOKED[2]],
        given=(confirmation_sent,),
        status=None,
    ),
    Row(
        "cancelled (NEIN)",
        "reply",
        "appointment_cancel",
        sms_reply("NEIN"),
        [
            *withdrawn(BOOKED[:1]),
            (A, "confirmation", "senior", "sms", "answered", "before"),
            *withdrawn(BOOKED[2:]),
            *CANCELLED_NOW,
        ],
        given=(confirmation_sent,),
        status=None,
    ),
    Row(
        "cancelled (key 2)",
        "reply",
        "appointment_cancel",
        keypad_cancel,
        [
            *withdrawn(BOOKED[:1]),
            (A, "confirmation", "senior", "sms", "answered", "before"),
            *withdrawn(BOOKED[2:]),
            *CANCELLED_NOW,
        ],
        given=(confirmation_sent,),
        status=None,
    ),
    Row("cancelled", "desk", "appointment_cancel", desk_cancel, withdrawn(BOOKED) + CANCELLED_NOW),
    Row(
        "cancelled",
        "admin",
        "appointment_cancel",
        admin_cancel_action,
        withdrawn(BOOKED) + CANCELLED_NOW,
    ),
    Row(
        "moved after a closure",
        "desk",
        "appointment_move",
        desk_move_to_tuesday,
        [*MOVED_FROM_HELD, (A, "moved", "Sabine", "email", "pending", "now")],
        given=(closed_on_monday,),
    ),
    Row(
        "handed over after the helper left",
        "desk",
        "appointment_move",
        desk_hand_over_to_klaus,
        [
            *MOVED_FROM_HELD[:2],
            (A, "cancelled", "Sabine", "email", "pending", "now"),
            (A, "day_before", "senior", "sms", "cancelled", "eve"),
            (A, "day_before", "senior", "sms", "pending", "eve"),
            (A, "moved", "Klaus", "email", "pending", "now"),
            (A, "moved", "senior", "sms", "pending", "now"),
        ],
        given=(sabine_inactive,),
    ),
    Row("note", "desk", "appointment_note", desk_note, BOOKED),
    Row("note", "admin", "appointment_note", admin_note, BOOKED),
    Row(
        "attended, before the day: refused", "desk", "appointment_mark", desk_mark_too_early, BOOKED
    ),
    Row(
        "worker runs while the booking must be rebooked",
        "job",
        None,  # bookings/outbox/dispatch.py claims only pending rows
        worker_runs,
        HELD,
        flagged=True,
        given=(closed_on_monday,),
        status=None,
    ),
    Row(
        "workshop registration",
        "desk",
        "workshop_register",
        desk_workshop_register,
        [
            *BOOKED,
            (W, "confirmation", "senior", "sms", "pending", "now"),
            (W, "day_before", "senior", "sms", "pending", "ws_eve"),
        ],
    ),
    Row(
        "workshop registration cancelled",
        "desk",
        "registration_cancel",
        desk_registration_cancel,
        [
            *BOOKED,
            (W, "cancelled", "senior", "sms", "pending", "now"),
            (W, "confirmation", "senior", "sms", "cancelled", "before"),
            (W, "day_before", "senior", "sms", "cancelled", "ws_eve"),
        ],
        given=(registered_for_workshop,),
    ),
]


# --- Reading the result ----------------------------------------------------------------------


def _due(reminder: Reminder, w: World, original_start: datetime.datetime) -> str:
    if reminder.registration_id:
        symbols = {"ws_eve": queue.day_before_due(w.workshop.starts_at)}
    else:
        # "eve" wins over "eve_old" when the appointment kept its day.
        symbols = {
            "eve": queue.day_before_due(w.appointment.starts_at),
            "eve_old": queue.day_before_due(original_start),
        }
    for name, moment in symbols.items():
        if moment == reminder.due_at:
            return name
    if w.started <= reminder.due_at < w.changed:
        return "before"
    if w.changed <= reminder.due_at <= timezone.now():
        return "now"
    return reminder.due_at.isoformat()


def _recipient(reminder: Reminder) -> str:
    return "senior" if reminder.senior_id else reminder.helper.first_name


def outbox_rows(w: World, original_start) -> list[tuple]:
    return sorted(
        (
            W if reminder.registration_id else A,
            reminder.kind,
            _recipient(reminder),
            reminder.channel,
            reminder.status,
            _due(reminder, w, original_start),
        )
        for reminder in Reminder.objects.select_related("helper__user")
    )


def names_the_day(reminder: Reminder) -> bool:
    """The text names the day the appointment (or workshop) is on, in the words that are
    true now: "heute", "morgen" or the weekday, with the date."""
    if reminder.registration_id:
        about = reminder.registration.workshop
    else:
        about = reminder.workshop if reminder.workshop_id else reminder.appointment
    return day_words(about.starts_at) in render_text(reminder)


# --- The tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_each_change_leaves_the_right_flags_and_messages(
    row, world, topic, django_capture_on_commit_callbacks
):
    w = world
    w.workshop = make_workshop(w.office, topic, starts_at=at(w.monday, 14), title="WhatsApp")
    for step in row.before_booking:
        step(w)
    book_through_the_desk(w)
    original_start = w.appointment.starts_at
    for step in row.given:
        step(w)
    mail.outbox.clear()
    w.changed = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        response = row.act(w)

    if row.status is not None:
        assert response.status_code == row.status
    w.appointment.refresh_from_db()
    assert w.appointment.needs_rebooking is row.flagged
    assert outbox_rows(w, original_start) == sorted(row.outbox)
    assert len(mail.outbox) == row.mails
    for message in mail.outbox:
        assert message.to == ["buero@example.org"]
        assert "Gertrud M." in message.body
        assert "nichts abgesagt" in message.body
    to_send = Reminder.objects.filter(
        senior__isnull=False, status__in=[Reminder.Status.PENDING, Reminder.Status.HELD]
    )
    for reminder in to_send:
        assert names_the_day(reminder), render_text(reminder)


def test_every_service_has_a_row():
    """A new service that changes something around a booking needs a row above."""
    functions = {name for name in services.__all__ if inspect.isfunction(getattr(services, name))}
    covered = {row.service for row in ROWS}
    assert functions - covered == set()
    assert covered - functions == {None}


def test_every_place_has_a_row():
    assert {row.place for row in ROWS} == PLACES
    assert len({row.id for row in ROWS}) == len(ROWS)
