"""The senior's contact person: copies of appointment messages, their texts, replies and
STOP from their number (real signed webhooks), withdrawal, and the desk's pages.

Gertrud Müller (mobile) names her daughter Petra (another mobile) and wishes copies;
Petra agreed. The fake Twilio server receives what the real client sends.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from bookings import services
from bookings.models import (
    AppointmentStatus,
    ContactPerson,
    InboundMessage,
    Reminder,
    Senior,
)
from bookings.outbox.dispatch import dispatch_due
from bookings.outbox.quiet_hours import quiet_until
from bookings.outbox.texts import render_text, sms_segments, when_words
from bookings.privacy import senior_anonymise
from tests.conftest import at, make_senior
from tests.reminder_fixtures import a_weekday_morning, book, travel
from tests.test_message_texts import LONGEST_FIRST, LONGEST_LAST
from tests.test_twilio_webhooks import signed_post

SENIOR_PHONE = "+4915123456789"
CONTACT_PHONE = "+4915123456790"
CONTACT_LANDLINE = "+49631654321"


def name_contact(senior: Senior, **changes) -> ContactPerson:
    fields = {
        "name": "Petra Müller",
        "relation": "Tochter",
        "phone": CONTACT_PHONE,
        "consent": True,
        "copies_wished": True,
    }
    fields.update(changes)
    contact, _queued = services.contact_person_save(senior=senior, **fields)
    return contact


def copies(appointment) -> list[Reminder]:
    return list(appointment.reminders.filter(addressee=Reminder.Addressee.CONTACT).order_by("kind"))


@pytest.fixture
def booked(senior, helper, office, topic, monday):
    """Gertrud with Petra as contact person, booked on a Monday at 10:00."""
    name_contact(senior)
    return book(senior, helper, office, topic, at(monday, 10))


@pytest.fixture
def twilio_webhooks(settings):
    from tests.fake_twilio import AUTH_TOKEN
    from tests.test_twilio_webhooks import BASE

    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.PUBLIC_BASE_URL = BASE


def _sent(reminder: Reminder, sid: str) -> Reminder:
    from django.utils import timezone

    Reminder.objects.filter(pk=reminder.pk).update(
        status=Reminder.Status.SENT, provider_sid=sid, sent_at=timezone.now()
    )
    reminder.refresh_from_db()
    return reminder


def _sms_from(client, number: str, body: str, sid: str):
    params = {"From": number, "Body": body, "MessageSid": sid, "To": "+49"}
    return signed_post(client, "/twilio/sms/", params)


# --- Which copies, and only with wish and consent --------------------------------------------


def test_it_queues_copies_of_the_confirmation_and_the_day_before_reminder(booked):
    kinds = [(r.kind, r.channel, r.status) for r in copies(booked)]
    assert kinds == [
        (Reminder.Kind.CONFIRMATION, Reminder.Channel.SMS, Reminder.Status.PENDING),
        (Reminder.Kind.DAY_BEFORE, Reminder.Channel.SMS, Reminder.Status.PENDING),
    ]
    own = booked.reminders.filter(senior=booked.senior, addressee=Reminder.Addressee.SELF)
    assert own.count() == 2  # the senior's own messages are unchanged
    keys = {r.dedupe_key for r in booked.reminders.all()}
    assert len(keys) == booked.reminders.count()  # the addressee is part of the key


@pytest.mark.parametrize(
    "changes", [{"consent": False}, {"copies_wished": False}], ids=["no consent", "no wish"]
)
def test_without_consent_or_wish_no_copy_is_queued(senior, helper, office, topic, monday, changes):
    name_contact(senior, **changes)
    appointment = book(senior, helper, office, topic, at(monday, 10))

    assert copies(appointment) == []


def test_a_landline_gets_calls_and_the_senior_without_messages_still_has_copies(
    helper, office, topic, monday
):
    senior = make_senior(reminder_consent=False)
    name_contact(senior, phone=CONTACT_LANDLINE)
    appointment = book(senior, helper, office, topic, at(monday, 10))

    assert {r.channel for r in copies(appointment)} == {Reminder.Channel.VOICE}
    assert not appointment.reminders.filter(addressee=Reminder.Addressee.SELF).exists()


def test_naming_the_contact_again_does_not_queue_twice(booked):
    name_contact(booked.senior, relation="Tochter (wohnt nebenan)")
    name_contact(booked.senior, consent=False)
    name_contact(booked.senior, consent=True)

    assert len(copies(booked)) == 2
    assert {r.status for r in copies(booked)} == {Reminder.Status.PENDING}


def test_a_copy_already_sent_is_not_sent_again_after_consent_comes_back(booked):
    confirmation = _sent(copies(booked)[0], "SM" + "1" * 32)
    name_contact(booked.senior, consent=False)
    name_contact(booked.senior, consent=True)

    confirmation.refresh_from_db()
    assert confirmation.status == Reminder.Status.SENT
    assert len(copies(booked)) == 2


def test_removing_the_contact_withdraws_the_copies_and_nothing_goes_out(fake_twilio, booked):
    withdrawn = services.contact_person_remove(senior=booked.senior)

    assert withdrawn == 2
    assert {r.status for r in copies(booked)} == {Reminder.Status.CANCELLED}
    with travel(a_weekday_morning()):
        dispatch_due()
    assert [m["To"] for m in fake_twilio.messages()] == [SENIOR_PHONE]


def test_a_copy_whose_contact_went_away_meanwhile_is_not_sent(fake_twilio, booked):
    # Removed behind the service's back (a race with the worker): read at send time.
    ContactPerson.objects.filter(senior=booked.senior).delete()
    with travel(a_weekday_morning()):
        dispatch_due()

    assert [m["To"] for m in fake_twilio.messages()] == [SENIOR_PHONE]
    assert copies(booked)[0].status == Reminder.Status.FAILED


# --- Sending: to the contact's number, once, not at night --------------------------------------


def test_the_copy_reaches_the_contacts_number_exactly_once(fake_twilio, booked):
    with travel(a_weekday_morning()):
        dispatch_due()
        dispatch_due()

    by_number = {m["To"]: m["Body"] for m in fake_twilio.messages()}
    assert sorted(m["To"] for m in fake_twilio.messages()) == [SENIOR_PHONE, CONTACT_PHONE]
    assert by_number[CONTACT_PHONE].startswith("Digitale Hilfe, Kopie für Sie als Kontaktperson:")
    assert "Termin von Gertrud M." in by_number[CONTACT_PHONE]
    assert "Müller" not in by_number[CONTACT_PHONE]
    assert by_number[SENIOR_PHONE].startswith("Guten Tag, Gertrud Müller!")
    assert copies(booked)[0].status == Reminder.Status.SENT


def test_a_contact_on_a_landline_is_called(fake_twilio, senior, helper, office, topic, monday):
    name_contact(senior, phone=CONTACT_LANDLINE)
    appointment = book(senior, helper, office, topic, at(monday, 10))
    with travel(a_weekday_morning()):
        dispatch_due()

    (call,) = fake_twilio.calls()
    confirmation = copies(appointment)[0]
    assert call["To"] == CONTACT_LANDLINE
    assert call["Url"] == f"https://hilfe.example.org/twilio/anruf/{confirmation.pk}/"


def test_quiet_hours_hold_the_copy_until_morning(fake_twilio, booked):
    night = at(a_weekday_morning().date(), 22)
    with travel(night):
        dispatch_due()
    assert fake_twilio.messages() == []

    # The next moment messages may go (a Saturday night's copy waits past Sunday).
    with travel(quiet_until(night)):
        dispatch_due()
    assert CONTACT_PHONE in [m["To"] for m in fake_twilio.messages()]


def test_twilio_says_the_contact_unsubscribed_only_the_copies_stop(fake_twilio, booked):
    fake_twilio.fail(CONTACT_PHONE, 400, 21610)
    with travel(a_weekday_morning()):
        dispatch_due()

    contact = ContactPerson.objects.get(senior=booked.senior)
    booked.senior.refresh_from_db()
    assert contact.opted_out_at is not None
    assert booked.senior.opted_out_at is None
    assert [r.status for r in copies(booked)] == [Reminder.Status.FAILED, Reminder.Status.CANCELLED]
    own_reminder = booked.reminders.get(
        addressee=Reminder.Addressee.SELF, kind=Reminder.Kind.DAY_BEFORE
    )
    assert own_reminder.status == Reminder.Status.PENDING


# --- The texts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["sms", "voice"])
def test_every_copy_names_whose_appointment_and_fits_two_segments(
    senior, helper, office, topic, monday, channel
):
    senior.first_name, senior.last_name = LONGEST_FIRST, LONGEST_LAST
    senior.save()
    name_contact(senior)
    appointment = book(senior, helper, office, topic, at(monday, 10))
    moved = services.appointment_move(
        appointment=appointment, helper=helper, office=office, starts_at=at(monday, 11)
    )
    services.appointment_cancel(appointment=moved, reason="senior")

    kinds = set()
    for reminder in copies(appointment):
        reminder.channel = channel
        text = render_text(reminder)
        kinds.add(reminder.kind)
        assert sms_segments(text) <= 2, text
        assert "Termin von Hannelore-" in text, text  # cut to fit, never left out
        assert " S. " in text  # the initial only: the last name stays out
        if channel == "sms":
            assert text.endswith("STOP beendet die Kopien."), text
        else:
            assert text.startswith("Guten Tag, hier ist die Digitale Hilfe."), text
            assert "STOP" not in text and "Antworten Sie" not in text
    assert kinds == {"confirmation", "day_before", "moved", "cancelled"}


def test_the_confirmation_copy_reads_whole_in_two_segments(booked):
    """With the demo city's longest office name nothing is cut."""
    booked.office.name, booked.office.street = "Stadtteilbüro Innenstadt-West", "Am Altenhof 12"
    booked.office.save()
    copy = copies(booked)[0]
    text = render_text(copy)

    assert text == (
        "Digitale Hilfe, Kopie für Sie als Kontaktperson: Termin von Gertrud M. ist "
        f"{when_words(booked.starts_at)} im Stadtteilbüro Innenstadt-West, Am Altenhof 12. "
        "Bitte Gerät, Ladekabel und Passwörter mitbringen. Antwort JA bestätigt, NEIN sagt "
        "den Termin ab, STOP beendet die Kopien."
    )
    assert sms_segments(text) == 2


# --- Replies from the contact's number (signed webhooks) ---------------------------------------


def test_ja_from_the_contact_confirms_the_seniors_appointment(client, twilio_webhooks, booked):
    _sent(copies(booked)[0], "SM" + "2" * 32)

    response = _sms_from(client, CONTACT_PHONE, "Ja", "SM" + "3" * 32)

    assert response.status_code == 200
    assert "Der Termin ist bestätigt" in response.content.decode()
    booked.refresh_from_db()
    assert booked.confirmed_at is not None
    reply = InboundMessage.objects.get()
    assert (reply.senior, reply.sender, reply.appointment) == (
        booked.senior,
        Reminder.Addressee.CONTACT,
        booked,
    )
    assert copies(booked)[0].status == Reminder.Status.ANSWERED


def test_nein_from_the_contact_cancels_and_the_copy_of_the_cancellation_follows(
    client, twilio_webhooks, booked
):
    _sent(copies(booked)[0], "SM" + "2" * 32)

    response = _sms_from(client, CONTACT_PHONE, "Nein", "SM" + "3" * 32)
    _sms_from(client, CONTACT_PHONE, "Nein", "SM" + "3" * 32)  # Twilio sends it again

    assert response.status_code == 200
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED
    assert "Kontaktperson" in booked.cancellation_note
    cancelled = booked.reminders.filter(kind=Reminder.Kind.CANCELLED)
    assert sorted(r.addressee for r in cancelled if r.senior_id) == ["contact", "self"]
    assert InboundMessage.objects.count() == 1


def test_stop_from_the_contact_stops_only_the_copies(client, twilio_webhooks, booked):
    response = _sms_from(client, CONTACT_PHONE, "STOP", "SM" + "4" * 32)

    assert response.status_code == 200
    contact = ContactPerson.objects.get(senior=booked.senior)
    booked.senior.refresh_from_db()
    assert contact.opted_out_at is not None
    assert booked.senior.opted_out_at is None
    assert {r.status for r in copies(booked)} == {Reminder.Status.CANCELLED}
    own = booked.reminders.filter(addressee=Reminder.Addressee.SELF, senior=booked.senior)
    assert {r.status for r in own} == {Reminder.Status.PENDING}
    assert InboundMessage.objects.get().sender == Reminder.Addressee.CONTACT
    # The next booking sends the senior their messages, and Petra no copy.
    services.contact_person_save(senior=booked.senior, relation="Tochter")
    assert {r.status for r in copies(booked)} == {Reminder.Status.CANCELLED}


def test_the_seniors_own_stop_leaves_the_copies(client, twilio_webhooks, booked):
    _sms_from(client, SENIOR_PHONE, "STOP", "SM" + "5" * 32)

    booked.senior.refresh_from_db()
    assert booked.senior.opted_out_at is not None
    assert {r.status for r in copies(booked)} == {Reminder.Status.PENDING}


def test_a_reply_answers_the_newest_message_to_that_number(
    client, twilio_webhooks, helper, office, topic, monday
):
    """A couple: Hans is Gertrud's contact person and a senior himself. His "NEIN" answers
    the message that reached his phone last: the copy about Gertrud's appointment."""
    gertrud = make_senior()
    hans = make_senior(first_name="Hans", phone=CONTACT_PHONE)
    name_contact(gertrud, name="Hans Müller", relation="Ehemann")
    his_own = book(hans, helper, office, topic, at(monday, 10))
    hers = book(gertrud, helper, office, topic, at(monday, 11))
    _sent(his_own.reminders.get(senior=hans, kind="confirmation"), "SM" + "6" * 32)
    _sent(copies(hers)[0], "SM" + "7" * 32)

    _sms_from(client, CONTACT_PHONE, "nein", "SM" + "8" * 32)

    hers.refresh_from_db()
    his_own.refresh_from_db()
    assert hers.status == AppointmentStatus.CANCELLED
    assert his_own.status == AppointmentStatus.BOOKED


def test_keypad_on_a_call_to_the_contact_confirms(client, twilio_webhooks, senior, helper, office):
    from tests.conftest import a_working_monday

    name_contact(senior, phone=CONTACT_LANDLINE)
    appointment = book(senior, helper, office, helper.topics.first(), at(a_working_monday(), 10))
    copy = copies(appointment)[0]
    call = signed_post(client, f"/twilio/anruf/{copy.pk}/", {"CallSid": "CA" + "1" * 32})
    twiml = call.content.decode()
    assert "Sie sind als Kontaktperson eingetragen" in twiml
    assert "Termin von Gertrud M." in twiml
    assert "um den Termin zu bestätigen" in twiml

    answer = signed_post(
        client, f"/twilio/anruf/{copy.pk}/taste/", {"CallSid": "CA" + "1" * 32, "Digits": "1"}
    )

    assert "Der Termin ist bestätigt" in answer.content.decode()
    appointment.refresh_from_db()
    assert appointment.confirmed_at is not None
    assert InboundMessage.objects.get().sender == Reminder.Addressee.CONTACT


# --- The desk ----------------------------------------------------------------------------------


def test_the_desk_finds_the_senior_by_the_contacts_number(client, office_staff, booked):
    client.force_login(office_staff)

    response = client.post(reverse("desk:search"), {"q": "0151 234 567 90"})

    page = response.content.decode()
    assert reverse("desk:senior", args=[booked.senior.pk]) in page
    assert "Kontaktperson: Petra Müller (Tochter), 01512 3456790" in page


def test_the_seniors_page_shows_the_contact_and_whether_copies_go(client, office_staff, booked):
    client.force_login(office_staff)

    page = client.get(reverse("desk:senior", args=[booked.senior.pk])).content.decode()

    assert "Petra Müller (Tochter), 01512 3456790" in page
    assert "bekommt Kopien per SMS" in page
    assert reverse("desk:contact_person", args=[booked.senior.pk]) in page


def test_staff_name_a_contact_through_the_form(client, office_staff, senior):
    client.force_login(office_staff)
    url = reverse("desk:contact_person", args=[senior.pk])
    data = {
        "name": "Petra Müller",
        "relation": "Tochter",
        "phone": "0151 / 234 567 90",
        "consent": "on",
        "copies_wished": "on",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    contact = ContactPerson.objects.get(senior=senior)
    assert (str(contact.phone), contact.phone_kind, contact.copy_channel) == (
        CONTACT_PHONE,
        "mobile",
        "sms",
    )
    assert contact.consent_at is not None


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("0151 23456789", "Nummer der oder des Ratsuchenden selbst"),
        ("1234", "vollständige Telefonnummer"),
        ("\x00", "vollständige Telefonnummer"),
    ],
)
def test_the_form_refuses_a_wrong_number_in_german(client, office_staff, senior, phone, message):
    client.force_login(office_staff)
    url = reverse("desk:contact_person", args=[senior.pk])

    response = client.post(url, {"name": "Petra", "relation": "Tochter", "phone": phone})

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ContactPerson.objects.exists()


def test_removing_through_the_desk(client, office_staff, booked):
    client.force_login(office_staff)

    response = client.post(reverse("desk:contact_person_remove", args=[booked.senior.pk]))

    assert response.status_code == 302
    assert not ContactPerson.objects.exists()
    assert {r.status for r in copies(booked)} == {Reminder.Status.CANCELLED}


def test_helpers_may_not_see_or_change_a_contact(client, helper, booked):
    client.force_login(helper.user)

    assert client.get(reverse("desk:contact_person", args=[booked.senior.pk])).status_code == 403


def test_anonymising_the_senior_removes_the_contact(booked):
    senior_anonymise(senior=booked.senior)

    assert not ContactPerson.objects.exists()
