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
"eve_old" (that of the original Monday), "ws_eve" (that of the workshop as it is now),
"ws_eve_old" (that of the workshop's original Monday, 14:00), "next_day" (the feedback
question's time, the morning after the appointment). A waiting-list offer queued
in quiet hours is due the next morning; it counts as due when it was queued.

Where a step names her, Petra (Gertrud's daughter, on a mobile) is Gertrud's contact
person and gets copies ("contact"); her replies arrive as signed Twilio webhooks.

Workshop rows: Sabine teaches the workshop where a step says so; Otto and Anna are other
seniors (the recipient names them), who take or wait for its seats. Replies about a
workshop arrive as signed Twilio webhooks.
"""

from __future__ import annotations

import dataclasses
import datetime
import inspect
from collections.abc import Callable

import pytest
from django.core import mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from bookings import roles, services
from bookings.inbound.replies import reply_keypad, reply_sms
from bookings.models import (
    Absence,
    Appointment,
    Assignment,
    Availability,
    LoanDevice,
    LoanReservation,
    Registration,
    Reminder,
    SeatOffer,
    Workshop,
)
from bookings.outbox import queue, tasks
from bookings.outbox.dispatch import dispatch_due
from bookings.outbox.feedback import feedback_due
from bookings.outbox.quiet_hours import quiet_until
from bookings.outbox.texts import day_words, render_text
from tests.admin_forms import admin_form_data
from tests.conftest import at, make_helper, make_office, make_senior, make_user, make_workshop
from tests.fake_twilio import AUTH_TOKEN
from tests.test_staff_desk import slot_cursor
from tests.test_twilio_webhooks import BASE, signed_post
from tests.test_workshop_admin import workshop_form

PLACES = {"desk", "helper pages", "admin", "reply", "job", "coordinator pages"}


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
    booking: dict = dataclasses.field(default_factory=dict)  # more of the desk's booking POST

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

    def coordinator_page(self, name: str, data: dict, *args):
        self.login(make_user(group=roles.COORDINATOR, first_name="Karin"))
        return self.client.post(reverse(f"coordinator:{name}", args=args), data)

    def helper_page(self, name: str, data: dict, *args):
        self.login(self.sabine.user)
        return self.client.post(reverse(f"helpers:{name}", args=args), data)

    def admin_workshop(self, **changes):
        """POST the workshop's admin page (its dates as split fields) with `changes`."""
        self.login(make_user(is_staff=True, is_superuser=True))
        workshop = Workshop.objects.get(pk=self.workshop.pk)
        url = reverse("admin:bookings_workshop_change", args=[workshop.pk])
        return self.client.post(url, workshop_form(workshop, **changes))

    def admin_action(self, model: str, action: str, pk: int):
        self.login(make_user(is_staff=True, is_superuser=True))
        return self.client.post(
            reverse(f"admin:bookings_{model}_changelist"),
            {"action": action, "_selected_action": [pk]},
        )

    def twilio(self, path: str, params: dict):
        return signed_post(self.client, path, params)

    def registration(self, first_name: str = "Gertrud") -> Registration:
        return Registration.objects.filter(
            workshop=self.workshop, senior__first_name=first_name
        ).latest("pk")

    def monday_range(self) -> Availability:
        return self.sabine.availabilities.get(weekday=0)

    @property
    def replier(self) -> str:
        """Who answers the confirmation: the relative of a video call, else the senior."""
        video = self.booking.get("kind") == "video"
        return Reminder.Addressee.RELATIVE if video else Reminder.Addressee.SELF

    def mark_confirmation_sent(self) -> Reminder:
        confirmation = Reminder.objects.get(
            senior=self.senior, kind=Reminder.Kind.CONFIRMATION, addressee=self.replier
        )
        confirmation.status = Reminder.Status.SENT
        confirmation.sent_at = timezone.now()
        confirmation.save()
        return confirmation


@pytest.fixture
def world(client, office, topic, monday, office_staff, monkeypatch, settings):
    # The worker is asked to look "at once" after a commit; here the rows are the result.
    monkeypatch.setattr(queue, "dispatch_soon", lambda: None)
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.PUBLIC_BASE_URL = BASE
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
        {
            "topic": w.topic.pk,
            "slot": slot_cursor(w.sabine, w.office, at(w.monday, 10)),
            **w.booking,
        },
        w.senior.pk,
    )
    assert response.status_code == 302, response.content.decode()[:500]
    w.appointment = Appointment.objects.get(senior=w.senior)


# --- Steps before the change (`given`) -----------------------------------------------------


def without_consent(w: World) -> None:
    w.senior.reminder_consent = False
    w.senior.save()


RELATIVE_MOBILE = "+4917612345678"


def as_phone_appointment(w: World) -> None:
    w.booking = {"kind": "phone"}


def as_video_call(w: World) -> None:
    w.booking = {"kind": "video", "relative_name": "Thomas", "relative_phone": RELATIVE_MOBILE}


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


def on_a_landline(w: World) -> None:
    w.senior.phone = "+49631123456"
    w.senior.save()


CONTACT_PHONE = "+4915123456790"


def contact_named(w: World) -> None:
    """Gertrud's daughter Petra, on a mobile, agreed to get copies, and Gertrud wishes so."""
    services.contact_person_save(
        senior=w.senior,
        name="Petra Müller",
        relation="Tochter",
        phone=CONTACT_PHONE,
        consent=True,
        copies_wished=True,
    )


def contact_copy_sent(w: World) -> None:
    Reminder.objects.filter(
        addressee=Reminder.Addressee.CONTACT, kind=Reminder.Kind.CONFIRMATION
    ).update(status=Reminder.Status.SENT, sent_at=timezone.now())


def sabine_teaches_workshop(w: World) -> None:
    Assignment.objects.create(helper=w.sabine, workshop=w.workshop)


def register(w: World, first_name: str, phone: str) -> None:
    senior = make_senior(first_name=first_name, last_name="Weber", phone=phone)
    services.workshop_register(workshop=w.workshop, senior=senior)


def otto_registered(w: World) -> None:
    register(w, "Otto", "+4915123456780")


def one_seat(w: World) -> None:
    Workshop.objects.filter(pk=w.workshop.pk).update(seats=1)


def otto_waiting(w: World) -> None:
    """Gertrud has the only seat; Otto waits."""
    registered_for_workshop(w)
    one_seat(w)
    otto_registered(w)


def gertrud_waiting(w: World) -> None:
    """Otto has the only seat; Gertrud waits."""
    one_seat(w)
    otto_registered(w)
    registered_for_workshop(w)


def anna_waiting(w: World) -> None:
    register(w, "Anna", "+4915123456781")


def otto_cancelled(w: World) -> None:
    services.registration_cancel(registration=w.registration("Otto"))


def workshop_moved_to_tuesday(w: World) -> None:
    tuesday = w.monday + datetime.timedelta(days=1)
    services.workshop_move(workshop=w.workshop, starts_at=at(tuesday, 14))


def workshop_messages_sent(w: World) -> None:
    """The worker sent what was queued about the workshop (day-before reminders wait)."""
    # The appointment's messages stay as they are.
    Reminder.objects.filter(status=Reminder.Status.PENDING).exclude(
        registration__isnull=True, workshop__isnull=True
    ).exclude(kind=Reminder.Kind.DAY_BEFORE).update(
        status=Reminder.Status.SENT, sent_at=timezone.now()
    )


def appointment_was_this_morning(w: World) -> None:
    """The appointment's time has come and gone (moved by hand: only the mark matters)."""
    starts_at = timezone.now() - datetime.timedelta(hours=3)
    Appointment.objects.filter(pk=w.appointment.pk).update(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=1)
    )


def marked_attended(w: World) -> None:
    services.appointment_mark(appointment=w.appointment, status="attended")


def offer_ran_out(w: World) -> None:
    SeatOffer.objects.filter(status=SeatOffer.Status.OPEN).update(expires_at=timezone.now())


def offer_not_delivered(w: World) -> None:
    Reminder.objects.filter(kind=Reminder.Kind.OFFER).update(status=Reminder.Status.FAILED)


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


def contact_sms_reply(word: str) -> Callable[[World], object]:
    def act(w: World):
        return w.twilio("/twilio/sms/", {"From": CONTACT_PHONE, "Body": word, "MessageSid": "SMc"})

    return act


def relative_reply(word: str) -> Callable[[World], object]:
    def act(w: World):
        return reply_sms(from_number=RELATIVE_MOBILE, body=word, sid=f"SM-relative-{word}")

    return act


def desk_contact_person(**changes) -> Callable[[World], object]:
    """The desk's contact person form as Petra's details fill it, with `changes`."""

    def act(w: World):
        data = {
            "name": "Petra Müller",
            "relation": "Tochter",
            "phone": "0151 23456790",
            "consent": "on",
            "copies_wished": "on",
        }
        data.update(changes)
        return w.desk(
            "contact_person", {k: v for k, v in data.items() if v is not None}, w.senior.pk
        )

    return act


def desk_contact_person_remove(w: World):
    return w.desk("contact_person_remove", {}, w.senior.pk)


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


def desk_mark_attended(w: World):
    return w.desk("mark", {"status": "attended"}, w.appointment.pk)


def desk_mark_no_show(w: World):
    return w.desk("mark", {"status": "no_show"}, w.appointment.pk)


def coordinator_erase(w: World):
    w.login(make_user(group=roles.COORDINATOR))
    return w.client.post(reverse("privacy:erase", args=[w.senior.pk]), {"confirm": "on"})


def desk_workshop_register(w: World):
    return w.desk("workshop_register", {"senior": w.senior.pk}, w.workshop.pk)


def desk_registration_cancel(w: World):
    registration = Registration.objects.get(senior=w.senior)
    return w.desk("registration_cancel", {}, registration.pk)


def worker_runs(w: World):
    return dispatch_due(run_seconds=5)


def admin_workshop_move_to_tuesday(w: World):
    tuesday = w.monday + datetime.timedelta(days=1)
    return w.admin_workshop(starts_at=at(tuesday, 14), ends_at=at(tuesday, 16))


def admin_workshop_cancel(w: World):
    return w.admin_workshop(cancelled_at=timezone.now())


def admin_workshop_cancel_action(w: World):
    return w.admin_action("workshop", "cancel_workshops", w.workshop.pk)


def admin_workshop_retitle(w: World):
    return w.admin_workshop(title="WhatsApp und Signal")


def admin_workshop_describe(w: World):
    return w.admin_workshop(description="Bitte Ladekabel mitbringen")


def admin_workshop_seats(seats: int) -> Callable[[World], object]:
    def act(w: World):
        return w.admin_workshop(seats=seats)

    return act


def admin_workshop_too_few_seats(w: World):
    response = w.admin_workshop(seats=1)
    # Shrinking tells nobody, so the outbox alone cannot show the refusal.
    assert Workshop.objects.get(pk=w.workshop.pk).seats == 8
    return response


def admin_registration_attended_too_early(w: World):
    response = w.admin("bookings_registration_change", w.registration().pk, status="attended")
    assert w.registration().status == "registered"  # marking tells nobody either
    return response


def admin_registration_status(status: str) -> Callable[[World], object]:
    def act(w: World):
        return w.admin("bookings_registration_change", w.registration().pk, status=status)

    return act


def admin_registration_action(action: str) -> Callable[[World], object]:
    def act(w: World):
        return w.admin_action("registration", action, w.registration().pk)

    return act


def admin_workshop_register(w: World):
    return w.admin(
        "bookings_registration_add", workshop=str(w.workshop.pk), senior=str(w.senior.pk)
    )


def desk_registration_promote(w: World):
    return w.desk("registration_promote", {}, w.registration().pk)


def twilio_sms(word: str) -> Callable[[World], object]:
    def act(w: World):
        params = {
            "From": str(w.senior.phone),
            "Body": word,
            "MessageSid": "SM" + word.encode().hex(),
        }
        return w.twilio("/twilio/sms/", params)

    return act


def twilio_key(digits: str) -> Callable[[World], object]:
    def act(w: World):
        offer = Reminder.objects.get(senior=w.senior, kind=Reminder.Kind.OFFER)
        params = {"CallSid": "CAoffer", "Digits": digits}
        return w.twilio(f"/twilio/anruf/{offer.pk}/taste/", params)

    return act


def job_seat_offers_expire(w: World):
    return tasks.seat_offers_expire()


def coordinator_closure_add(w: World):
    day = w.monday.isoformat()
    return w.coordinator_page(
        "closures", {"office": w.office.pk, "starts_on": day, "ends_on": day, "reason": "Umzug"}
    )


def coordinator_closure_remove(w: World):
    return w.coordinator_page("closure_remove", {}, w.office.closures.get().pk)


def _sabine_form(w: World, **changes) -> dict:
    data = {"active": "on", "offices": [w.office.pk], "topics": [w.topic.pk]}
    return {key: value for key, value in {**data, **changes}.items() if value is not None}


def coordinator_helper_inactive(w: World):
    return w.coordinator_page("helper", _sabine_form(w, active=None), w.sabine.pk)


def coordinator_helper_without_topics(w: World):
    return w.coordinator_page("helper", _sabine_form(w, topics=None), w.sabine.pk)


def coordinator_topic_off(w: World):
    data = {"name": w.topic.name, "duration_minutes": w.topic.duration_minutes}
    return w.coordinator_page("topic", data, w.topic.pk)


def ipad_reserved(w: World) -> None:
    """Gertrud borrows the office's only iPad for her appointment."""
    device = LoanDevice.objects.create(office=w.office, kind="ipad", label="iPad 1")
    appointment = w.appointment
    LoanReservation.objects.create(
        device=device,
        appointment=appointment,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
    )


def coordinator_device_off(w: World):
    device = LoanDevice.objects.get()
    data = {"office": w.office.pk, "kind": device.kind, "label": device.label}
    return w.coordinator_page("device", data, device.pk)


def coordinator_workshop_create(w: World):
    tuesday = w.monday + datetime.timedelta(days=1)
    data = {
        "office": w.office.pk,
        "title": "Fotos vom Handy",
        "topic": w.topic.pk,
        "day": tuesday.isoformat(),
        "starts": "14:00",
        "ends": "16:00",
        "seats": 6,
        "helpers": [w.sabine.pk],
    }
    return w.coordinator_page("workshop_add", data)


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
RELATIVE_INVITED = [
    (A, "confirmation", "relative", "sms", "pending", "before"),
    (A, "day_before", "relative", "sms", "pending", "eve"),
]
MOVED_FROM_HELD = [
    *withdrawn([(A, "confirmation", "Sabine", "email", "pending", "before")]),
    *withdrawn([(A, "confirmation", "senior", "sms", "pending", "before")]),
    (A, "day_before", "senior", "sms", "cancelled", "eve_old"),
    (A, "day_before", "senior", "sms", "pending", "eve"),
    (A, "moved", "senior", "sms", "pending", "now"),
]


# Copies of Gertrud's messages to Petra, her contact person.
CONTACT_BOOKED = [
    (A, "confirmation", "contact", "sms", "pending", "before"),
    (A, "day_before", "contact", "sms", "pending", "eve"),
]
CONTACT_CANCELLED_NOW = [*CANCELLED_NOW, (A, "cancelled", "contact", "sms", "pending", "now")]


def voice(rows):
    """Gertrud on a landline: her messages are calls."""
    return [(*row[:3], "voice", *row[4:]) if row[2] == "senior" else row for row in rows]


SEATED = [
    (W, "confirmation", "senior", "sms", "pending", "before"),
    (W, "day_before", "senior", "sms", "pending", "ws_eve"),
]
OTTO_WAITS = [(W, "confirmation", "Otto", "sms", "pending", "before")]
OTTO_SEATED = [
    (W, "confirmation", "Otto", "sms", "pending", "before"),
    (W, "day_before", "Otto", "sms", "pending", "ws_eve"),
]
# Otto had the only seat and gave it up, so it was offered to Gertrud.
OTTO_LEFT = [
    *withdrawn(OTTO_SEATED),
    (W, "cancelled", "Otto", "sms", "pending", "before"),
]
OTTO_LEFT_TOLD = [*OTTO_LEFT[:2], (W, "cancelled", "Otto", "sms", "sent", "before")]
OFFERED = [
    (W, "confirmation", "senior", "sms", "pending", "before"),
    (W, "offer", "senior", "sms", "pending", "before"),
]
OFFER_SENT = [
    (W, "confirmation", "senior", "sms", "sent", "before"),
    (W, "offer", "senior", "sms", "sent", "before"),
]
SEAT_TAKEN = [
    (W, "confirmation", "senior", "sms", "pending", "now"),
    (W, "day_before", "senior", "sms", "pending", "ws_eve"),
]
OFFER_PASSED_TO_ANNA = [
    (W, "confirmation", "Anna", "sms", "sent", "before"),
    (W, "offer", "Anna", "sms", "pending", "now"),
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
    Row(
        "book a phone appointment",
        "desk",
        "appointment_book",
        nothing,
        BOOKED,
        before_booking=(as_phone_appointment,),
        status=None,
    ),
    Row(
        "book a video call",
        "desk",
        "appointment_book",
        nothing,
        BOOKED + RELATIVE_INVITED,
        before_booking=(as_video_call,),
        status=None,
    ),
    Row(
        "video call cancelled by the relative (NEIN)",
        "reply",
        "appointment_cancel",
        relative_reply("NEIN"),
        [
            *withdrawn(BOOKED),
            (A, "confirmation", "relative", "sms", "answered", "before"),
            *withdrawn(RELATIVE_INVITED[1:]),
            *CANCELLED_NOW,
            (A, "cancelled", "relative", "sms", "pending", "now"),
        ],
        before_booking=(as_video_call,),
        given=(confirmation_sent,),
        status=None,
    ),
    Row(
        "video call moved",
        "desk",
        "appointment_move",
        desk_move_to_tuesday,
        [
            *MOVED_FROM_HELD,
            (A, "moved", "Sabine", "email", "pending", "now"),
            (A, "confirmation", "relative", "sms", "cancelled", "before"),
            (A, "day_before", "relative", "sms", "cancelled", "eve_old"),
            (A, "day_before", "relative", "sms", "pending", "eve"),
            (A, "moved", "relative", "sms", "pending", "now"),
        ],
        before_booking=(as_video_call,),
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
    Row(
        "book, with a contact person",
        "desk",
        "appointment_book",
        nothing,
        [*BOOKED, *CONTACT_BOOKED],
        before_booking=(contact_named,),
        status=None,
    ),
    Row(
        "contact person named",
        "desk",
        "contact_person_save",
        desk_contact_person(),
        [
            *BOOKED,
            (A, "confirmation", "contact", "sms", "pending", "now"),
            (A, "day_before", "contact", "sms", "pending", "eve"),
        ],
    ),
    Row(
        "contact person named, no copies wished",
        "desk",
        "contact_person_save",
        desk_contact_person(copies_wished=None),
        BOOKED,
    ),
    Row(
        "contact person's consent withdrawn",
        "desk",
        "contact_person_save",
        desk_contact_person(consent=None),
        [*BOOKED, *withdrawn(CONTACT_BOOKED)],
        before_booking=(contact_named,),
    ),
    Row(
        "contact person's number changed to a landline",
        "desk",
        "contact_person_save",
        desk_contact_person(phone="0631 654321"),
        [*BOOKED, *((*row[:3], "voice", *row[4:]) for row in CONTACT_BOOKED)],
        before_booking=(contact_named,),
    ),
    Row(
        "contact person removed",
        "desk",
        "contact_person_remove",
        desk_contact_person_remove,
        [*BOOKED, *withdrawn(CONTACT_BOOKED)],
        before_booking=(contact_named,),
    ),
    Row(
        "STOP from the contact person's number",
        "reply",
        "contact_person_opt_out",
        contact_sms_reply("STOP"),
        [*BOOKED, *withdrawn(CONTACT_BOOKED)],
        before_booking=(contact_named,),
        status=200,
    ),
    Row(
        "confirmed by the contact person (JA)",
        "reply",
        None,  # bookings/inbound/replies.py sets confirmed_at: nothing to send
        contact_sms_reply("JA"),
        [*BOOKED, (A, "confirmation", "contact", "sms", "answered", "before"), CONTACT_BOOKED[1]],
        before_booking=(contact_named,),
        given=(contact_copy_sent,),
        status=200,
    ),
    Row(
        "cancelled by the contact person (NEIN)",
        "reply",
        "appointment_cancel",
        contact_sms_reply("NEIN"),
        [
            *withdrawn(BOOKED),
            (A, "confirmation", "contact", "sms", "answered", "before"),
            *withdrawn(CONTACT_BOOKED[1:]),
            *CONTACT_CANCELLED_NOW,
        ],
        before_booking=(contact_named,),
        given=(contact_copy_sent,),
        status=200,
    ),
    Row(
        "cancelled, with a contact person",
        "desk",
        "appointment_cancel",
        desk_cancel,
        [*withdrawn(BOOKED), *withdrawn(CONTACT_BOOKED), *CONTACT_CANCELLED_NOW],
        before_booking=(contact_named,),
    ),
    Row(
        "moved, with a contact person",
        "desk",
        "appointment_move",
        desk_move_to_tuesday,
        [
            *withdrawn(BOOKED[:2]),
            (A, "day_before", "senior", "sms", "cancelled", "eve_old"),
            *withdrawn(CONTACT_BOOKED[:1]),
            (A, "day_before", "contact", "sms", "cancelled", "eve_old"),
            (A, "moved", "Sabine", "email", "pending", "now"),
            (A, "moved", "senior", "sms", "pending", "now"),
            (A, "moved", "contact", "sms", "pending", "now"),
            (A, "day_before", "senior", "sms", "pending", "eve"),
            (A, "day_before", "contact", "sms", "pending", "eve"),
        ],
        before_booking=(contact_named,),
    ),
    Row("note", "desk", "appointment_note", desk_note, BOOKED),
    Row(
        "attended",
        "desk",
        "appointment_mark",
        desk_mark_attended,
        [
            *BOOKED[:2],
            (A, "day_before", "senior", "sms", "pending", "eve_old"),
            (A, "feedback", "senior", "sms", "pending", "next_day"),
        ],
        given=(appointment_was_this_morning,),
    ),
    Row(
        "no-show after attended",
        "desk",
        "appointment_mark",
        desk_mark_no_show,
        [
            *BOOKED[:2],
            (A, "day_before", "senior", "sms", "pending", "eve_old"),
            (A, "feedback", "senior", "sms", "cancelled", "next_day"),
        ],
        given=(appointment_was_this_morning, marked_attended),
    ),
    Row(
        "erased on request (Art. 17)",
        "desk",
        "senior_erase",
        coordinator_erase,
        [
            *withdrawn(BOOKED),
            (A, "cancelled", "Sabine", "email", "pending", "now"),
            (A, "cancelled", "senior", "sms", "cancelled", "now"),
        ],
    ),
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
    Row(
        "workshop moved",
        "admin",
        "workshop_move",
        admin_workshop_move_to_tuesday,
        [
            *BOOKED,
            SEATED[0],
            (W, "day_before", "senior", "sms", "cancelled", "ws_eve_old"),
            (W, "day_before", "senior", "sms", "pending", "ws_eve"),
            (W, "moved", "senior", "sms", "pending", "now"),
            *OTTO_WAITS,
            (W, "moved", "Otto", "sms", "pending", "now"),
            (W, "moved", "Sabine", "email", "pending", "now"),
        ],
        given=(otto_waiting, sabine_teaches_workshop),
    ),
    Row(
        "workshop cancelled",
        "admin",
        "workshop_cancel",
        admin_workshop_cancel,
        [
            *BOOKED,
            *withdrawn(SEATED + OTTO_WAITS),
            (W, "cancelled", "senior", "sms", "pending", "now"),
            (W, "cancelled", "Otto", "sms", "pending", "now"),
            (W, "cancelled", "Sabine", "email", "pending", "now"),
        ],
        given=(otto_waiting, sabine_teaches_workshop),
    ),
    Row(
        "workshops cancelled (list action)",
        "admin",
        "workshop_cancel",
        admin_workshop_cancel_action,
        [
            *BOOKED,
            *withdrawn(SEATED + OTTO_WAITS),
            (W, "cancelled", "senior", "sms", "pending", "now"),
            (W, "cancelled", "Otto", "sms", "pending", "now"),
            (W, "cancelled", "Sabine", "email", "pending", "now"),
        ],
        given=(otto_waiting, sabine_teaches_workshop),
    ),
    Row(
        "workshop cancelled while its seat is offered",
        "admin",
        "workshop_cancel",
        admin_workshop_cancel,
        [
            *BOOKED,
            *OTTO_LEFT,
            (W, "confirmation", "senior", "sms", "cancelled", "before"),
            (W, "offer", "senior", "sms", "cancelled", "before"),
            (W, "cancelled", "senior", "sms", "pending", "now"),
            (W, "cancelled", "Sabine", "email", "pending", "now"),
        ],
        given=(gertrud_waiting, otto_cancelled, sabine_teaches_workshop),
    ),
    Row(
        "workshop retitled",
        "admin",
        "workshop_retitle",
        admin_workshop_retitle,
        [*BOOKED, *SEATED, (W, "retitled", "senior", "sms", "pending", "now"), *OTTO_WAITS],
        given=(otto_waiting,),
    ),
    Row(
        "workshop description changed",
        "admin",
        "workshop_retitle",
        admin_workshop_describe,
        [*BOOKED, *SEATED, *OTTO_WAITS],
        given=(otto_waiting,),
    ),
    Row(
        "workshop seats added",
        "admin",
        "workshop_resize",
        admin_workshop_seats(2),
        [*BOOKED, *SEATED, *OTTO_WAITS, (W, "offer", "Otto", "sms", "pending", "now")],
        given=(otto_waiting,),
    ),
    Row(
        "workshop seats fewer than registered: refused",
        "admin",
        "workshop_resize",
        admin_workshop_too_few_seats,
        [*BOOKED, *SEATED, *OTTO_SEATED],
        given=(registered_for_workshop, otto_registered),
    ),
    Row(
        "workshop attended, before the day: refused",
        "admin",
        "registration_mark",
        admin_registration_attended_too_early,
        [*BOOKED, *SEATED],
        given=(registered_for_workshop,),
    ),
    Row(
        "workshop seat freed, offered to the first waiting",
        "desk",
        "seat_offers_make",  # through registration_cancel
        desk_registration_cancel,
        [
            *BOOKED,
            *withdrawn(SEATED),
            (W, "cancelled", "senior", "sms", "pending", "now"),
            *OTTO_WAITS,
            (W, "offer", "Otto", "sms", "pending", "now"),
        ],
        given=(otto_waiting,),
    ),
    Row(
        "workshop registration cancelled, seat offered",
        "admin",
        "registration_cancel",
        admin_registration_status("cancelled"),
        [
            *BOOKED,
            *withdrawn(SEATED),
            (W, "cancelled", "senior", "sms", "pending", "now"),
            *OTTO_WAITS,
            (W, "offer", "Otto", "sms", "pending", "now"),
        ],
        given=(otto_waiting,),
    ),
    Row(
        "workshop registrations cancelled (list action), seat offered",
        "admin",
        "registration_cancel",
        admin_registration_action("cancel_registrations"),
        [
            *BOOKED,
            *withdrawn(SEATED),
            (W, "cancelled", "senior", "sms", "pending", "now"),
            *OTTO_WAITS,
            (W, "offer", "Otto", "sms", "pending", "now"),
        ],
        given=(otto_waiting,),
    ),
    Row(
        "NEIN to a workshop's move, seat offered",
        "reply",
        "registration_cancel",
        twilio_sms("NEIN"),
        [
            *BOOKED,
            (W, "confirmation", "senior", "sms", "sent", "before"),
            (W, "day_before", "senior", "sms", "cancelled", "ws_eve_old"),
            (W, "day_before", "senior", "sms", "cancelled", "ws_eve"),
            (W, "moved", "senior", "sms", "answered", "before"),
            (W, "cancelled", "senior", "sms", "pending", "now"),
            (W, "confirmation", "Otto", "sms", "sent", "before"),
            (W, "moved", "Otto", "sms", "sent", "before"),
            (W, "offer", "Otto", "sms", "pending", "now"),
            (W, "moved", "Sabine", "email", "sent", "before"),
        ],
        given=(
            otto_waiting,
            sabine_teaches_workshop,
            workshop_moved_to_tuesday,
            workshop_messages_sent,
        ),
        status=200,
    ),
    Row(
        "JA to a workshop's move, after the appointment's confirmation went out",
        "reply",
        None,  # bookings/inbound/offer_replies.py: nothing changes; the office reads it
        twilio_sms("JA"),
        [
            BOOKED[0],
            (A, "confirmation", "senior", "sms", "sent", "before"),
            BOOKED[2],
            (W, "confirmation", "senior", "sms", "sent", "before"),
            (W, "day_before", "senior", "sms", "cancelled", "ws_eve_old"),
            (W, "day_before", "senior", "sms", "pending", "ws_eve"),
            (W, "moved", "senior", "sms", "sent", "before"),
            (W, "moved", "Sabine", "email", "sent", "before"),
        ],
        given=(
            confirmation_sent,
            registered_for_workshop,
            sabine_teaches_workshop,
            workshop_moved_to_tuesday,
            workshop_messages_sent,
        ),
        status=200,
    ),
    Row(
        "workshop registration",
        "admin",
        "workshop_register",
        admin_workshop_register,
        [
            *BOOKED,
            (W, "confirmation", "senior", "sms", "pending", "now"),
            (W, "day_before", "senior", "sms", "pending", "ws_eve"),
        ],
    ),
    Row(
        "workshop moved while its seat is offered",
        "admin",
        "workshop_move",
        admin_workshop_move_to_tuesday,
        [
            *BOOKED,
            *withdrawn([(W, "confirmation", "Otto", "sms", "pending", "before")]),
            (W, "day_before", "Otto", "sms", "cancelled", "ws_eve_old"),
            OTTO_LEFT[2],
            *OFFERED,
            (W, "moved", "senior", "sms", "pending", "now"),
            (W, "moved", "Sabine", "email", "pending", "now"),
        ],
        given=(gertrud_waiting, otto_cancelled, sabine_teaches_workshop),
    ),
    Row(
        "workshop cancelled right after a move",
        "admin",
        "workshop_cancel",
        admin_workshop_cancel,
        [
            *BOOKED,
            SEATED[0][:4] + ("cancelled", "before"),
            (W, "day_before", "senior", "sms", "cancelled", "ws_eve_old"),
            (W, "day_before", "senior", "sms", "cancelled", "ws_eve"),
            (W, "moved", "senior", "sms", "cancelled", "before"),
            (W, "moved", "Sabine", "email", "cancelled", "before"),
            (W, "cancelled", "senior", "sms", "pending", "now"),
            (W, "cancelled", "Sabine", "email", "pending", "now"),
        ],
        given=(registered_for_workshop, sabine_teaches_workshop, workshop_moved_to_tuesday),
    ),
    Row(
        "seat offer answered too late (JA), before the job ran",
        "reply",
        "seat_offer_answer",
        twilio_sms("JA"),
        [
            *BOOKED,
            *OTTO_LEFT_TOLD,
            OFFER_SENT[0],
            (*OFFER_SENT[1][:4], "answered", "before"),
            *OFFER_PASSED_TO_ANNA,
        ],
        given=(
            gertrud_waiting,
            anna_waiting,
            otto_cancelled,
            workshop_messages_sent,
            offer_ran_out,
        ),
        status=200,
    ),
    Row(
        "waiting person promoted after a call",
        "desk",
        "registration_promote",
        desk_registration_promote,
        [*BOOKED, *OTTO_LEFT, *withdrawn(OFFERED), *SEAT_TAKEN],
        given=(gertrud_waiting, otto_cancelled),
    ),
    Row(
        "waiting person promoted after a call",
        "admin",
        "registration_promote",
        admin_registration_status("registered"),
        [*BOOKED, *OTTO_LEFT, *withdrawn(OFFERED), *SEAT_TAKEN],
        given=(gertrud_waiting, otto_cancelled),
    ),
    Row(
        "waiting people promoted (list action)",
        "admin",
        "registration_promote",
        admin_registration_action("promote_registrations"),
        [*BOOKED, *OTTO_LEFT, *withdrawn(OFFERED), *SEAT_TAKEN],
        given=(gertrud_waiting, otto_cancelled),
    ),
    Row(
        "waiting person promoted into a full workshop: refused",
        "desk",
        "registration_promote",
        desk_registration_promote,
        [*BOOKED, *OTTO_SEATED, (W, "confirmation", "senior", "sms", "pending", "before")],
        given=(gertrud_waiting,),
    ),
    Row(
        "seat offer accepted (JA)",
        "reply",
        "seat_offer_answer",
        twilio_sms("JA"),
        [
            *BOOKED,
            *OTTO_LEFT_TOLD,
            OFFER_SENT[0],
            (*OFFER_SENT[1][:4], "answered", "before"),
            *SEAT_TAKEN,
        ],
        given=(gertrud_waiting, otto_cancelled, workshop_messages_sent),
        status=200,
    ),
    Row(
        "seat offer declined (NEIN)",
        "reply",
        "seat_offer_answer",
        twilio_sms("NEIN"),
        [
            *BOOKED,
            *OTTO_LEFT_TOLD,
            OFFER_SENT[0],
            (*OFFER_SENT[1][:4], "answered", "before"),
            *OFFER_PASSED_TO_ANNA,
        ],
        given=(gertrud_waiting, anna_waiting, otto_cancelled, workshop_messages_sent),
        status=200,
    ),
    Row(
        "seat offer accepted (key 1)",
        "reply",
        "seat_offer_answer",
        twilio_key("1"),
        voice(
            [
                *BOOKED,
                *OTTO_LEFT_TOLD,
                OFFER_SENT[0],
                (*OFFER_SENT[1][:4], "answered", "before"),
                *SEAT_TAKEN,
            ]
        ),
        before_booking=(on_a_landline,),
        given=(gertrud_waiting, otto_cancelled, workshop_messages_sent),
        status=200,
    ),
    Row(
        "seat offer declined (key 2)",
        "reply",
        "seat_offer_answer",
        twilio_key("2"),
        voice(
            [
                *BOOKED,
                *OTTO_LEFT_TOLD,
                OFFER_SENT[0],
                (*OFFER_SENT[1][:4], "answered", "before"),
                *OFFER_PASSED_TO_ANNA,
            ]
        ),
        before_booking=(on_a_landline,),
        given=(gertrud_waiting, anna_waiting, otto_cancelled, workshop_messages_sent),
        status=200,
    ),
    Row(
        "seat offer not answered in time",
        "job",
        "seat_offers_expire",
        job_seat_offers_expire,
        [*BOOKED, *OTTO_LEFT_TOLD, *OFFER_SENT, *OFFER_PASSED_TO_ANNA],
        given=(
            gertrud_waiting,
            anna_waiting,
            otto_cancelled,
            workshop_messages_sent,
            offer_ran_out,
        ),
        status=None,
    ),
    Row(
        "seat offer not delivered",
        "job",
        "seat_offers_expire",
        job_seat_offers_expire,
        [
            *BOOKED,
            *OTTO_LEFT_TOLD,
            OFFER_SENT[0],
            (*OFFER_SENT[1][:4], "failed", "before"),
            *OFFER_PASSED_TO_ANNA,
        ],
        given=(
            gertrud_waiting,
            anna_waiting,
            otto_cancelled,
            workshop_messages_sent,
            offer_not_delivered,
        ),
        status=None,
    ),
    Row(
        "closure",
        "coordinator pages",
        "closure_record",
        coordinator_closure_add,
        HELD,
        flagged=True,
        mails=1,
    ),
    Row(
        "closure removed",
        "coordinator pages",
        "closure_remove",
        coordinator_closure_remove,
        BOOKED,
        given=(closed_on_monday,),
    ),
    Row(
        "helper deactivated",
        "coordinator pages",
        "helper_deactivate",
        coordinator_helper_inactive,
        HELD,
        flagged=True,
        mails=1,
    ),
    Row(
        "helper's topics changed (booked appointments stay)",
        "coordinator pages",
        "helper_topics_set",
        coordinator_helper_without_topics,
        BOOKED,
    ),
    Row("topic switched off", "coordinator pages", "topic_save", coordinator_topic_off, BOOKED),
    Row(
        "lent device switched off, no other free",
        "coordinator pages",
        "loan_device_save",
        coordinator_device_off,
        HELD,
        flagged=True,
        mails=1,
        given=(ipad_reserved,),
    ),
    Row(
        "workshop planned",
        "coordinator pages",
        "workshop_create",
        coordinator_workshop_create,
        BOOKED,
    ),
]


# --- Reading the result ----------------------------------------------------------------------


def _due(reminder: Reminder, w: World, original_start, original_ws_start) -> str:
    moment = reminder.due_at
    if reminder.kind == Reminder.Kind.OFFER and quiet_until(reminder.created_at) == moment:
        moment = reminder.created_at  # queued in quiet hours, to go out in the morning
    if reminder.registration_id or reminder.workshop_id:
        # "ws_eve" wins over "ws_eve_old" when the workshop kept its day.
        symbols = {
            "ws_eve": queue.day_before_due(w.workshop.starts_at),
            "ws_eve_old": queue.day_before_due(original_ws_start),
        }
    else:
        # "eve" wins over "eve_old" when the appointment kept its day.
        symbols = {
            "eve": queue.day_before_due(w.appointment.starts_at),
            "eve_old": queue.day_before_due(original_start),
            "next_day": feedback_due(w.appointment.starts_at, w.changed),
        }
    for name, symbol in symbols.items():
        if symbol == reminder.due_at:
            return name
    if w.started <= moment < w.changed:
        return "before"
    if w.changed <= moment <= timezone.now():
        return "now"
    return reminder.due_at.isoformat()


def _recipient(reminder: Reminder, w: World) -> str:
    if reminder.addressee == Reminder.Addressee.RELATIVE:
        return "relative"
    if reminder.addressee == Reminder.Addressee.CONTACT:
        return "contact"
    if reminder.senior_id:
        return "senior" if reminder.senior_id == w.senior.pk else reminder.senior.first_name
    return reminder.helper.first_name


def outbox_rows(w: World, original_start, original_ws_start) -> list[tuple]:
    return sorted(
        (
            W if reminder.registration_id or reminder.workshop_id else A,
            reminder.kind,
            _recipient(reminder, w),
            reminder.channel,
            reminder.status,
            _due(reminder, w, original_start, original_ws_start),
        )
        for reminder in Reminder.objects.select_related("helper__user", "senior")
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
    original_start, original_ws_start = w.appointment.starts_at, w.workshop.starts_at
    for step in row.given:
        step(w)
    mail.outbox.clear()
    w.changed = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        response = row.act(w)

    if row.status is not None:
        assert response.status_code == row.status
    w.appointment.refresh_from_db()
    w.workshop.refresh_from_db()
    assert w.appointment.needs_rebooking is row.flagged
    assert outbox_rows(w, original_start, original_ws_start) == sorted(row.outbox)
    assert len(mail.outbox) == row.mails
    for message in mail.outbox:
        assert message.to == ["buero@example.org"]
        assert "Gertrud M." in message.body
        assert "nichts abgesagt" in message.body
    to_send = Reminder.objects.filter(
        Q(senior__isnull=False) | Q(workshop__isnull=False),
        status__in=[Reminder.Status.PENDING, Reminder.Status.HELD],
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
