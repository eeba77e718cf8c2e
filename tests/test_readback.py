"""The read-back page tells staff the truth about the senior's own confirmation message:
queued (how, and when if quiet hours hold it), sent, delivered, failed, or none and why."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from bookings import services
from bookings.desk.readback import confirmation_note
from bookings.models import Reminder
from bookings.outbox.dispatch import dispatch_due
from tests.conftest import at, make_senior
from tests.reminder_fixtures import a_weekday_morning, book, travel


@pytest.fixture(autouse=True)
def german():
    # Notes are for staff in their language; these tests read the German ones.
    with translation.override("de"):
        yield


@pytest.fixture
def morning():
    return a_weekday_morning()


def _booked(senior, helper, office, topic, monday, moment):
    with travel(moment):
        return book(senior, helper, office, topic, at(monday, 10))


def _own(appointment) -> Reminder:
    return appointment.reminders.get(senior__isnull=False, kind=Reminder.Kind.CONFIRMATION)


def test_queued_by_sms_goes_out_now(senior, helper, office, topic, monday, morning):
    appointment = _booked(senior, helper, office, topic, monday, morning)
    with travel(morning):
        note = confirmation_note(appointment)
    assert note == "Eine Bestätigung per SMS ist vorgemerkt."


def test_queued_by_call_for_a_landline(helper, office, topic, monday, morning):
    senior = make_senior(phone="+49631123456")
    appointment = _booked(senior, helper, office, topic, monday, morning)
    with travel(morning):
        assert confirmation_note(appointment) == "Eine Bestätigung per Anruf ist vorgemerkt."


def test_queued_at_night_says_when_it_goes(senior, helper, office, topic, monday):
    friday_night = at(monday - datetime.timedelta(days=10), 22)
    appointment = _booked(senior, helper, office, topic, monday, friday_night)
    with travel(friday_night):
        note = confirmation_note(appointment)
    saturday = monday - datetime.timedelta(days=9)
    assert note.startswith("Eine Bestätigung per SMS ist vorgemerkt. Wegen der Nachtruhe")
    assert f"erst am Samstag, {saturday.day}. " in note
    assert note.endswith(", 09:00 Uhr hinaus.")


def test_sent_and_delivered(fake_twilio, senior, helper, office, topic, monday, morning):
    appointment = _booked(senior, helper, office, topic, monday, morning)
    with travel(morning):
        dispatch_due()
        assert confirmation_note(appointment).startswith("Die Bestätigung (SMS) wurde am ")
    assert f", {timezone.localtime(morning):%H:%M} Uhr gesendet." in confirmation_note(appointment)

    _own(appointment).__class__.objects.filter(pk=_own(appointment).pk).update(
        status=Reminder.Status.DELIVERED
    )
    assert confirmation_note(appointment) == "Die Bestätigung (SMS) ist bei der Person angekommen."


def test_failed_names_the_reason(senior, helper, office, topic, monday, morning):
    appointment = _booked(senior, helper, office, topic, monday, morning)
    Reminder.objects.filter(pk=_own(appointment).pk).update(
        status=Reminder.Status.FAILED, error_message="Die Nummer ist ungültig."
    )
    assert confirmation_note(appointment) == (
        "Die Bestätigung (SMS) konnte nicht zugestellt werden: Die Nummer ist ungültig."
    )


def test_a_call_nobody_answered(helper, office, topic, monday, morning):
    appointment = _booked(make_senior(phone="+49631123456"), helper, office, topic, monday, morning)
    Reminder.objects.filter(pk=_own(appointment).pk).update(status=Reminder.Status.NO_ANSWER)
    assert "nicht abgenommen" in confirmation_note(appointment)


def test_a_withdrawn_message(senior, helper, office, topic, monday, morning):
    appointment = _booked(senior, helper, office, topic, monday, morning)
    Reminder.objects.filter(pk=_own(appointment).pk).update(status=Reminder.Status.CANCELLED)
    assert confirmation_note(appointment) == (
        "Die Bestätigung wurde zurückgezogen und wird nicht gesendet."
    )


def test_without_consent_it_says_so_even_with_the_helpers_row_pending(
    helper, office, topic, monday, morning
):
    helper.user.email = "sabine@example.org"
    helper.user.save()
    senior = make_senior(reminder_consent=False, phone="+49631123456")
    appointment = _booked(senior, helper, office, topic, monday, morning)
    # The helper's own confirmation is pending; it must not be taken for the senior's.
    assert appointment.reminders.filter(helper=helper, status=Reminder.Status.PENDING).exists()
    assert confirmation_note(appointment) == (
        "Es geht keine Bestätigung hinaus: Die Person ist mit Nachrichten nicht einverstanden."
    )


def test_opted_out_with_stop(helper, office, topic, monday, morning):
    senior = make_senior(opted_out_at=timezone.now())
    appointment = _booked(senior, helper, office, topic, monday, morning)
    assert "mit STOP abbestellt" in confirmation_note(appointment)


def test_opted_out_after_the_row_was_queued(senior, helper, office, topic, monday, morning):
    appointment = _booked(senior, helper, office, topic, monday, morning)
    senior.opted_out_at = timezone.now()
    senior.save()
    appointment.refresh_from_db()
    assert "mit STOP abbestellt" in confirmation_note(appointment)


def test_staff_chose_no_messages(helper, office, topic, monday, morning):
    senior = make_senior(preferred_channel="none")
    appointment = _booked(senior, helper, office, topic, monday, morning)
    assert "Nachrichten abgewählt" in confirmation_note(appointment)


def test_after_a_move_it_describes_the_move_message(senior, helper, office, topic, monday, morning):
    appointment = _booked(senior, helper, office, topic, monday, morning)
    Reminder.objects.filter(pk=_own(appointment).pk).update(status=Reminder.Status.DELIVERED)
    with travel(morning):
        moved = services.appointment_move(
            appointment=appointment, helper=helper, office=office, starts_at=at(monday, 11)
        )
        assert confirmation_note(moved) == "Eine Bestätigung per SMS ist vorgemerkt."
