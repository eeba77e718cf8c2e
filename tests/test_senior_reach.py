"""Consent or a number changed after booking: what is still useful is queued, what no
longer may go out is withdrawn, and pending messages follow the new number's kind."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bookings import services
from bookings.models import Appointment, Reminder
from bookings.outbox.messages import address_of
from tests.conftest import at, make_senior, make_workshop


@pytest.fixture
def unconsenting(db):
    return make_senior(reminder_consent=False)


def book(senior, helper, office, topic, starts_at):
    return services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=starts_at
    )


def senior_rows(senior) -> list[tuple[str, str, str]]:
    return sorted(senior.reminders.values_list("kind", "channel", "status"))


def test_consent_given_later_queues_confirmation_and_reminder(
    unconsenting, helper, office, topic, monday
):
    appointment = book(unconsenting, helper, office, topic, at(monday, 10))
    assert senior_rows(unconsenting) == []

    _senior, queued = services.senior_update(senior=unconsenting, reminder_consent=True)

    assert {r.kind for r in queued} == {"confirmation", "day_before"}
    assert senior_rows(unconsenting) == [
        ("confirmation", "sms", "pending"),
        ("day_before", "sms", "pending"),
    ]
    assert all(r.appointment == appointment for r in queued)


def test_a_day_before_reminder_whose_time_passed_is_not_queued(
    unconsenting, helper, office, topic, monday
):
    appointment = book(unconsenting, helper, office, topic, at(monday, 10))
    # Set directly: an appointment two hours from now, whatever the office's hours today.
    soon = timezone.now() + datetime.timedelta(hours=2)
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=soon, ends_at=soon + datetime.timedelta(hours=1)
    )

    services.senior_update(senior=unconsenting, reminder_consent=True)

    assert senior_rows(unconsenting) == [("confirmation", "sms", "pending")]


def test_consent_removed_and_given_again_sends_once(senior, helper, office, topic, monday):
    book(senior, helper, office, topic, at(monday, 10))

    services.senior_update(senior=senior, reminder_consent=False)
    assert senior_rows(senior) == [
        ("confirmation", "sms", "cancelled"),
        ("day_before", "sms", "cancelled"),
    ]

    services.senior_update(senior=senior, reminder_consent=True)
    services.senior_update(senior=senior, reminder_consent=True)
    assert senior_rows(senior) == [
        ("confirmation", "sms", "pending"),
        ("day_before", "sms", "pending"),
    ]


def test_a_sent_confirmation_is_not_sent_again(senior, helper, office, topic, monday):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    appointment.reminders.filter(kind="confirmation", senior=senior).update(
        status=Reminder.Status.DELIVERED, sent_at=timezone.now()
    )

    services.senior_update(senior=senior, phone="+4915123456700")

    assert senior_rows(senior) == [
        ("confirmation", "sms", "delivered"),
        ("day_before", "sms", "pending"),
    ]


def test_a_new_landline_turns_pending_sms_into_calls_to_it(senior, helper, office, topic, monday):
    appointment = book(senior, helper, office, topic, at(monday, 10))

    services.senior_update(senior=senior, phone="+49631123456")

    senior.refresh_from_db()
    assert senior.phone_kind == "landline"
    day_before = appointment.reminders.get(kind="day_before")
    assert day_before.channel == "voice"
    assert address_of(day_before) == "+49631123456"


def test_a_failed_message_is_tried_again_at_a_new_number(senior, helper, office, topic, monday):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    appointment.reminders.filter(kind="confirmation", senior=senior).update(
        status=Reminder.Status.FAILED, error_code="21211"
    )

    services.senior_update(senior=senior, phone="+4915123456700")

    confirmation = appointment.reminders.get(kind="confirmation", senior=senior)
    assert (confirmation.status, confirmation.error_code) == ("pending", "")


def test_staff_choosing_no_messages_withdraws_them(senior, helper, office, topic, monday):
    book(senior, helper, office, topic, at(monday, 10))

    services.senior_update(senior=senior, preferred_channel="none")

    assert {status for _k, _c, status in senior_rows(senior)} == {"cancelled"}


def test_a_workshop_seat_gets_its_messages_too(unconsenting, office, topic, monday):
    workshop = make_workshop(office, topic, starts_at=at(monday, 14))
    services.workshop_register(workshop=workshop, senior=unconsenting)

    services.senior_update(senior=unconsenting, reminder_consent=True)

    assert sorted(
        unconsenting.reminders.filter(registration__isnull=False).values_list("kind", "status")
    ) == [("confirmation", "pending"), ("day_before", "pending")]


def test_a_cancelled_or_past_appointment_gets_nothing(unconsenting, helper, office, topic, monday):
    appointment = book(unconsenting, helper, office, topic, at(monday, 10))
    services.appointment_cancel(appointment=appointment, reason="senior")

    _senior, queued = services.senior_update(senior=unconsenting, reminder_consent=True)

    assert queued == []


def test_an_invalid_change_saves_nothing(senior):
    with pytest.raises(ValidationError):
        services.senior_update(senior=senior, first_name="")

    senior.refresh_from_db()
    assert senior.first_name == "Gertrud"
