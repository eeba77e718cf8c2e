"""Each kind of appointment end to end: at the office, by phone, a video call with a
relative. Booked through the desk's POST, its confirmation and day-before texts as they
reach the fake Twilio server, the helper's page and calendar entry, and a cancelling
NEIN through the signed webhook."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from icalendar import Calendar

from bookings.models import (
    AppointmentKind,
    AppointmentStatus,
    Availability,
    InboundMessage,
    Reminder,
)
from bookings.outbox.dispatch import dispatch_due
from bookings.outbox.queue import day_before_due
from tests.conftest import at
from tests.reminder_fixtures import a_weekday_morning, travel
from tests.test_staff_desk import slot_cursor
from tests.test_twilio_webhooks import signed_post

SENIOR_MOBILE = "+4915123456789"
RELATIVE_MOBILE = "+4917612345678"
ROOM_TEMPLATE = "https://bbb.example.de/rooms/{room}"


@pytest.fixture
def tuesday(monday) -> datetime.date:
    return monday + datetime.timedelta(days=1)


@pytest.fixture
def evening_calls(helper, office, tuesday):
    """The helper also takes calls on Tuesday evening, when the office is closed."""
    return Availability.objects.create(
        helper=helper,
        office=office,
        weekday=tuesday.weekday(),
        starts=datetime.time(17),
        ends=datetime.time(19),
        valid_from=tuesday - datetime.timedelta(days=30),
    )


@pytest.fixture
def staff(client, office_staff):
    client.force_login(office_staff)
    return client


@pytest.fixture(autouse=True)
def video_service(settings):
    settings.VIDEO_ROOM_URL = ROOM_TEMPLATE
    cache.clear()  # rendered feeds are cached by version; ids repeat on SQLite


RELATIVE = {"relative_name": "Thomas Müller", "relative_phone": "0176 12345678"}


def desk_book(client, senior, helper, office, topic, starts_at, kind, **extra):
    data = {"kind": kind, "topic": topic.pk, "slot": slot_cursor(helper, office, starts_at)}
    return client.post(reverse("desk:book", args=[senior.pk]), {**data, **extra})


def _bodies(fake, to: str) -> list[str]:
    return [message["Body"] for message in fake.messages() if message["To"] == to]


# (kind, starting hour on Tuesday, words the senior's texts must have, words they must not)
KINDS = [
    (AppointmentKind.OFFICE, 10, "im Stadtteilbüro Grübentälchen, Musterstraße 1", "rufen"),
    (AppointmentKind.PHONE, 18, "Wir rufen Sie an", "Musterstraße"),
    (AppointmentKind.VIDEO, 11, "Ihr Videogespräch mit Thomas Müller", "rufen"),
]


READBACK = {
    AppointmentKind.OFFICE: "im Stadtteilbüro Grübentälchen, Musterstraße 1",
    AppointmentKind.PHONE: "Wir rufen Sie an",
    AppointmentKind.VIDEO: "Ihr Videogespräch mit Thomas Müller",
}


@pytest.mark.parametrize(("kind", "hour", "says", "never"), KINDS)
def test_each_kind_from_booking_to_cancel_by_reply(
    staff,
    office_staff,
    fake_twilio,
    senior,
    helper,
    office,
    topic,
    tuesday,
    evening_calls,
    kind,
    hour,
    says,
    never,
):
    helper.user.email = "sabine@example.org"
    helper.user.save()
    starts_at = at(tuesday, hour)
    extra = RELATIVE if kind == AppointmentKind.VIDEO else {}

    # Book through the desk and read the sentence back.
    response = desk_book(staff, senior, helper, office, topic, starts_at, kind, **extra)
    assert response.url.endswith("/bestaetigung/")
    sentence = staff.get(response.url).context["sentence"]
    with travel(a_weekday_morning()):
        dispatch_due()
    appointment = senior.appointments.get()
    assert appointment.kind == kind
    assert READBACK[kind] in sentence
    if kind == AppointmentKind.PHONE:
        assert "Wir rufen Sie an" in sentence and "Musterstraße" not in sentence
        assert "01512 3456789" in sentence  # the number staff check with the caller

    # The confirmation, as it reached Twilio.
    (confirmation,) = _bodies(fake_twilio, SENIOR_MOBILE)
    assert says in confirmation and never not in confirmation

    # The day-before reminder names the right day.
    with travel(day_before_due(starts_at)):
        dispatch_due()
    reminder = _bodies(fake_twilio, SENIOR_MOBILE)[1]
    assert "morgen, Dienstag" in reminder
    assert says.replace("Ihr Videogespräch", "Videogespräch") in reminder
    assert never not in reminder

    # The relative's invitation and reminder, with the room link.
    relative_texts = _bodies(fake_twilio, RELATIVE_MOBILE)
    if kind == AppointmentKind.VIDEO:
        invitation, relative_reminder = relative_texts
        link = appointment.video.room_url
        assert link.startswith("https://bbb.example.de/rooms/") and len(link) > 40
        assert invitation.startswith("Guten Tag, Thomas Müller! Gertrud Müller möchte am Dienstag")
        assert link in invitation and "Antworten Sie NEIN" in invitation
        assert "morgen, Dienstag" in relative_reminder and link in relative_reminder
    else:
        assert relative_texts == []

    # The helper's page: the number to call only for a phone appointment, only on its day.
    staff.force_login(helper.user)
    before = staff.get(reverse("helpers:appointments")).content.decode()
    with travel(at(tuesday, 8)):
        staff.force_login(helper.user)  # a new session: the last one idled out meanwhile
        on_the_day = staff.get(reverse("helpers:appointments")).content.decode()
    number = 'href="tel:+4915123456789"'
    assert number not in before
    assert (number in on_the_day) == (kind == AppointmentKind.PHONE)
    if kind == AppointmentKind.PHONE:
        assert "Die Nummer steht hier am Tag des Termins." in before
        assert "Musterstraße" not in on_the_day
    if kind == AppointmentKind.VIDEO:
        assert appointment.video.room_url in before

    # The calendar entry.
    feed = staff.get(reverse("helpers:feed", args=[helper.feed_token]))
    (event,) = Calendar.from_ical(feed.content).walk("VEVENT")
    if kind == AppointmentKind.PHONE:
        assert str(event["LOCATION"]).startswith("Telefon: Sie rufen an")
        assert "+49" not in feed.content.decode()
    else:
        assert "Musterstraße 1" in str(event["LOCATION"])
    if kind == AppointmentKind.VIDEO:
        assert str(event["URL"]) == appointment.video.room_url
    else:
        assert "URL" not in event

    # NEIN from the senior, or from the relative of a video call, cancels.
    replier = RELATIVE_MOBILE if kind == AppointmentKind.VIDEO else SENIOR_MOBILE
    params = {"From": replier, "Body": "NEIN", "MessageSid": "SM" + "d" * 32, "To": "+49"}
    answer = signed_post(staff, "/twilio/sms/", params)
    assert answer.status_code == 200
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    inbound = InboundMessage.objects.get()
    assert (inbound.senior, inbound.action) == (senior, InboundMessage.Action.CANCELLED)
    told = appointment.reminders.filter(kind=Reminder.Kind.CANCELLED)
    addressees = set(told.values_list("addressee", flat=True))
    if kind == AppointmentKind.VIDEO:
        assert Reminder.Addressee.RELATIVE in addressees
        assert inbound.sender == Reminder.Addressee.RELATIVE
        staff.force_login(office_staff)
        inbox = staff.get(reverse("reminders_inbox")).content.decode()
        assert "Angehörige/r im Videogespräch von Gertrud Müller: Thomas Müller" in inbox


def test_without_a_video_service_it_is_bookable_and_the_texts_say_so(
    staff, settings, senior, helper, office, topic, tuesday
):
    settings.VIDEO_ROOM_URL = ""
    response = desk_book(
        staff, senior, helper, office, topic, at(tuesday, 10), AppointmentKind.VIDEO, **RELATIVE
    )

    assert response.url.endswith("/bestaetigung/")
    appointment = senior.appointments.get()
    assert appointment.video.room_url == ""
    from bookings.outbox.texts import render_text

    invitation = appointment.reminders.get(
        addressee=Reminder.Addressee.RELATIVE, kind=Reminder.Kind.CONFIRMATION
    )
    text = render_text(invitation)
    assert "richtet das Gespräch ein" in text and "http" not in text
    page = staff.get(reverse("desk:appointment", args=[appointment.pk])).content.decode()
    assert "Kein Videodienst eingerichtet" in page


def test_a_jitsi_base_url_gets_the_room_name_appended(settings, db):
    from bookings.models import room_url_new

    settings.VIDEO_ROOM_URL = "https://meet.example.org/"
    first, second = room_url_new(), room_url_new()
    assert first.startswith("https://meet.example.org/") and "//" not in first[8:]
    assert first != second and len(first.rsplit("/", 1)[1]) >= 20


def test_video_asks_for_the_relative_after_the_slot_and_keeps_the_search(
    staff, senior, helper, office, topic, tuesday
):
    first = desk_book(staff, senior, helper, office, topic, at(tuesday, 10), AppointmentKind.VIDEO)

    assert first.status_code == 200
    page = first.content.decode()
    assert 'name="relative_name"' in page and "autofocus" in page
    assert 'name="slot"' in page and 'value="video"' in page
    assert not senior.appointments.exists()

    landline = desk_book(
        staff,
        senior,
        helper,
        office,
        topic,
        at(tuesday, 10),
        AppointmentKind.VIDEO,
        relative_name="Thomas",
        relative_phone="0631 123456",
    )
    assert landline.status_code == 400
    assert "Bitte eine Handynummer angeben" in landline.content.decode()
    nothing = desk_book(
        staff,
        senior,
        helper,
        office,
        topic,
        at(tuesday, 10),
        AppointmentKind.VIDEO,
        relative_name="Thomas",
    )
    assert nothing.status_code == 400
    # Said once: the model's constraint checks it, not its clean() as well.
    (error,) = nothing.context["form"].non_field_errors()
    assert "Handynummer oder E-Mail-Adresse" in error
    assert not senior.appointments.exists()


def test_a_relative_without_a_mobile_gets_an_email(
    staff, senior, helper, office, topic, tuesday, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = desk_book(
        staff,
        senior,
        helper,
        office,
        topic,
        at(tuesday, 10),
        AppointmentKind.VIDEO,
        relative_name="Thomas Müller",
        relative_email="thomas@example.org",
    )
    assert response.url.endswith("/bestaetigung/")
    with travel(a_weekday_morning()):
        dispatch_due()

    (invitation,) = [m for m in mail.outbox if m.to == ["thomas@example.org"]]
    assert invitation.subject == "Einladung zu einem Videogespräch"
    assert senior.appointments.get().video.room_url in invitation.body


def test_a_phone_appointment_lends_no_device(staff, senior, helper, office, topic, tuesday):
    response = desk_book(
        staff, senior, helper, office, topic, at(tuesday, 10), AppointmentKind.PHONE, device="ipad"
    )
    assert response.status_code == 400
    assert not senior.appointments.exists()


def test_by_phone_the_search_offers_the_helpers_evening_and_the_office_not(
    helper, office, topic, tuesday, evening_calls
):
    from bookings.availability import SlotQuery, free_slots, slot_problem

    def evening(kind):
        slots = free_slots(SlotQuery(topic=topic, first_day=tuesday, kind=kind), limit=40)
        return [s.starts_at for s in slots if s.starts_at.date() == at(tuesday, 17).date()]

    assert at(tuesday, 17) in evening(AppointmentKind.PHONE)
    assert at(tuesday, 17) not in evening(AppointmentKind.OFFICE)
    args = {"helper": helper, "office": office, "starts_at": at(tuesday, 17)}
    args["ends_at"] = at(tuesday, 18)
    assert slot_problem(**args, kind=AppointmentKind.PHONE) is None
    assert "nicht geöffnet" in slot_problem(**args, kind=AppointmentKind.OFFICE)
    # Outside the helper's own times even a phone appointment is refused.
    assert "keine Sprechzeit" in slot_problem(
        helper=helper,
        office=office,
        starts_at=at(tuesday, 19),
        ends_at=at(tuesday, 20),
        kind=AppointmentKind.PHONE,
    )


def test_a_phone_search_costs_no_more_queries_than_one_at_the_office(
    django_assert_max_num_queries, helper, topic, tuesday, evening_calls
):
    from bookings.availability import SlotQuery, free_slots

    with django_assert_max_num_queries(30) as at_the_office:
        assert len(free_slots(SlotQuery(topic=topic, first_day=tuesday))) == 10
    with django_assert_max_num_queries(len(at_the_office)):
        assert len(free_slots(SlotQuery(topic=topic, first_day=tuesday, kind="phone"))) == 10


def test_the_guards_hold_for_every_kind(staff, senior, helper, office, topic, tuesday):
    from bookings import services

    services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(tuesday, 10)
    )
    with pytest.raises(services.SlotTaken):
        services.appointment_book(
            senior=senior,
            helper=helper,
            office=office,
            topic=topic,
            starts_at=at(tuesday, 10),
            kind=AppointmentKind.PHONE,
        )


def test_the_relatives_rows_keep_their_channel_when_the_seniors_number_changes(
    senior, helper, office, topic, tuesday
):
    from bookings import services
    from bookings.models import VideoCall

    services.appointment_book(
        senior=senior,
        helper=helper,
        office=office,
        topic=topic,
        starts_at=at(tuesday, 10),
        kind=AppointmentKind.VIDEO,
        video=VideoCall(relative_name="Thomas", relative_phone=RELATIVE_MOBILE),
    )

    services.senior_update(senior=senior, phone="+49631123456")  # now a landline

    channels = set(senior.reminders.values_list("addressee", "channel"))
    assert channels == {
        (Reminder.Addressee.SELF, Reminder.Channel.VOICE),
        (Reminder.Addressee.RELATIVE, Reminder.Channel.SMS),
    }


def test_unsubscribed_from_the_relatives_number_leaves_the_senior_subscribed(
    fake_twilio, senior, helper, office, topic, tuesday
):
    from bookings import services
    from bookings.models import VideoCall

    services.appointment_book(
        senior=senior,
        helper=helper,
        office=office,
        topic=topic,
        starts_at=at(tuesday, 10),
        kind=AppointmentKind.VIDEO,
        video=VideoCall(relative_name="Thomas", relative_phone=RELATIVE_MOBILE),
    )
    fake_twilio.fail(RELATIVE_MOBILE, 400, 21610)  # the relative once sent STOP

    with travel(a_weekday_morning()):
        dispatch_due()

    invitation = Reminder.objects.get(
        addressee=Reminder.Addressee.RELATIVE, kind=Reminder.Kind.CONFIRMATION
    )
    assert invitation.status == Reminder.Status.FAILED
    senior.refresh_from_db()
    assert senior.opted_out_at is None
    assert _bodies(fake_twilio, SENIOR_MOBILE)  # the senior's confirmation went out


def test_a_relatives_other_words_go_to_the_list_under_the_senior(
    client, senior, helper, office, topic, tuesday, settings
):
    from bookings import services
    from bookings.inbound.replies import reply_sms
    from bookings.models import VideoCall

    appointment = services.appointment_book(
        senior=senior,
        helper=helper,
        office=office,
        topic=topic,
        starts_at=at(tuesday, 10),
        kind=AppointmentKind.VIDEO,
        video=VideoCall(relative_name="Thomas", relative_phone=RELATIVE_MOBILE),
    )
    appointment.reminders.filter(addressee=Reminder.Addressee.RELATIVE).update(
        status=Reminder.Status.SENT
    )

    answer = reply_sms(from_number=RELATIVE_MOBILE, body="JA gerne", sid="SM-relative-ja")

    message = InboundMessage.objects.get()
    assert (message.senior, message.appointment) == (senior, appointment)
    assert message.action == InboundMessage.Action.TO_READ
    assert "weitergegeben" in answer
    appointment.refresh_from_db()
    assert appointment.confirmed_at is None and appointment.status == AppointmentStatus.BOOKED


@pytest.mark.parametrize("kind", [AppointmentKind.PHONE, AppointmentKind.VIDEO])
def test_the_contact_persons_copies_say_how_the_appointment_runs(
    senior, helper, office, topic, tuesday, kind
):
    from bookings import services
    from bookings.models import ContactPerson, VideoCall
    from bookings.outbox.texts import render_text, sms_segments

    ContactPerson.objects.create(
        senior=senior,
        name="Petra Müller",
        relation="Tochter",
        phone="+4915123456790",
        consent=True,
        copies_wished=True,
    )
    video = VideoCall(relative_name="Thomas", relative_phone=RELATIVE_MOBILE)
    appointment = services.appointment_book(
        senior=senior,
        helper=helper,
        office=office,
        topic=topic,
        starts_at=at(tuesday, 10),
        kind=kind,
        video=video if kind == AppointmentKind.VIDEO else None,
    )
    services.appointment_cancel(appointment=appointment, reason="senior")

    copies = appointment.reminders.filter(addressee=Reminder.Addressee.CONTACT)
    assert copies.count() >= 2
    for copy in copies:
        text = render_text(copy)
        assert sms_segments(text) <= 2, text
        if kind == AppointmentKind.PHONE:
            assert "Telefonsprechstunde von Gertrud M." in text and "Musterstraße" not in text
        elif copy.kind != Reminder.Kind.CANCELLED:
            assert "Videogespräch von Gertrud M. mit Thomas" in text


def test_a_phone_appointment_moves_into_the_evening_and_one_at_the_office_does_not(
    staff, senior, helper, office, topic, tuesday, evening_calls
):
    from bookings import services
    from tests.conftest import make_senior

    phone = services.appointment_book(
        senior=senior,
        helper=helper,
        office=office,
        topic=topic,
        starts_at=at(tuesday, 10),
        kind=AppointmentKind.PHONE,
    )
    at_office = services.appointment_book(
        senior=make_senior(first_name="Hans", phone="+4915123456700"),
        helper=helper,
        office=office,
        topic=topic,
        starts_at=at(tuesday, 11),
    )

    # The move page searches the same kind: a phone appointment is offered the evening.
    page = staff.get(reverse("desk:move", args=[phone.pk]), {"first_day": tuesday.isoformat()})
    offered = [s.starts_at for g in page.context["slot_groups"] for s in g.slots]
    assert at(tuesday, 17) in offered
    moved = services.appointment_move(
        appointment=phone, helper=helper, office=office, starts_at=at(tuesday, 18)
    )
    assert moved.starts_at == at(tuesday, 18)
    with pytest.raises(services.BookingError, match="nicht geöffnet"):
        services.appointment_move(
            appointment=at_office, helper=helper, office=office, starts_at=at(tuesday, 17)
        )


def test_the_booking_service_refuses_a_relative_it_cannot_reach(
    senior, helper, office, topic, tuesday
):
    """Not only the desk's form: the service itself refuses a relative without a mobile
    number or e-mail, in German, instead of running into the database's constraint."""
    from bookings import services
    from bookings.models import VideoCall

    with pytest.raises(services.BookingError, match="Handynummer oder E-Mail-Adresse"):
        services.appointment_book(
            senior=senior,
            helper=helper,
            office=office,
            topic=topic,
            starts_at=at(tuesday, 10),
            kind=AppointmentKind.VIDEO,
            video=VideoCall(relative_name="Thomas"),
        )
    assert not senior.appointments.exists()
