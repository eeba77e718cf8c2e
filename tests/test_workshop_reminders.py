"""Workshops get confirmation, day-before reminder and cancellation like appointments."""

from __future__ import annotations

import datetime

import pytest

from bookings import services
from bookings.models import Reminder, Workshop
from bookings.outbox.dispatch import dispatch_due
from bookings.outbox.texts import render_text, sms_segments
from tests.conftest import at, make_senior, make_workshop
from tests.reminder_fixtures import a_weekday_morning, travel


@pytest.fixture
def workshop(office, topic, monday):
    return make_workshop(
        office, topic, seats=1, starts_at=at(monday, 14), title="WhatsApp für Einsteiger"
    )


def test_a_seat_gets_confirmation_and_reminder(fake_twilio, workshop, senior, monday):
    registration = services.workshop_register(workshop=workshop, senior=senior)

    kinds = set(registration.reminders.values_list("kind", flat=True))
    assert kinds == {Reminder.Kind.CONFIRMATION, Reminder.Kind.DAY_BEFORE}
    with travel(a_weekday_morning()):
        dispatch_due()
    (sms,) = fake_twilio.messages()
    assert 'Workshop "WhatsApp für Einsteiger"' in sms["Body"]
    assert sms_segments(sms["Body"]) <= 2


def test_the_waiting_list_is_told_so(workshop, senior):
    services.workshop_register(workshop=workshop, senior=senior)
    waiting = services.workshop_register(workshop=workshop, senior=make_senior(first_name="Horst"))

    (confirmation,) = waiting.reminders.all()
    assert "Warteliste" in render_text(confirmation)


def test_cancelling_withdraws_the_reminder_and_says_so(workshop, senior):
    registration = services.workshop_register(workshop=workshop, senior=senior)
    services.registration_cancel(registration=registration)

    statuses = dict(registration.reminders.values_list("kind", "status"))
    assert statuses[Reminder.Kind.DAY_BEFORE] == Reminder.Status.CANCELLED
    assert statuses[Reminder.Kind.CANCELLED] == Reminder.Status.PENDING
    cancelled = registration.reminders.get(kind=Reminder.Kind.CANCELLED)
    assert "abgesagt" in render_text(cancelled)


def test_a_reminder_for_a_cancelled_workshop_is_not_sent(fake_twilio, workshop, senior, monday):
    registration = services.workshop_register(workshop=workshop, senior=senior)
    Workshop.objects.filter(pk=workshop.pk).update(cancelled_at=at(monday, 9))
    with travel(a_weekday_morning() + datetime.timedelta(minutes=1)):
        dispatch_due()
    assert not fake_twilio.messages()
    confirmation = registration.reminders.get(kind=Reminder.Kind.CONFIRMATION)
    assert confirmation.status == Reminder.Status.CANCELLED
