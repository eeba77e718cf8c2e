"""What reminders cost, kept for the statistics: SMS segments from the send, call seconds
from the "completed" status callback."""

from __future__ import annotations

import logging

from bookings.models import Reminder
from bookings.outbox.dispatch import dispatch_due
from bookings.outbox.texts import sms_segments
from tests.conftest import at
from tests.reminder_fixtures import a_weekday_morning, book, travel
from tests.test_twilio_webhooks import _sent, _status, called, twilio_settings  # noqa: F401

MOBILE = "+4915123456789"


def test_an_sms_keeps_the_segments_twilio_counted(
    fake_twilio, senior, helper, office, topic, monday
):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    reminder = appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION, senior=senior)
    with travel(a_weekday_morning()):
        dispatch_due()
    (sms,) = [m for m in fake_twilio.messages() if m["To"] == MOBILE]
    reminder.refresh_from_db()
    assert reminder.segments == sms_segments(sms["Body"]) >= 1


def test_the_console_counts_segments_too(settings, senior, helper, office, topic, monday, caplog):
    settings.MESSAGE_BACKEND = "console"
    appointment = book(senior, helper, office, topic, at(monday, 10))
    reminder = appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION, senior=senior)
    with caplog.at_level(logging.INFO), travel(a_weekday_morning()):
        dispatch_due()
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert reminder.segments >= 1


def test_a_completed_call_keeps_its_seconds_once(client, twilio_settings, called):  # noqa: F811
    for _ in range(2):  # Twilio may call back twice
        response = _status(
            client,
            called.pk,
            CallSid=called.provider_sid,
            CallStatus="completed",
            CallDuration="75",
        )
        assert response.status_code == 204
    called.refresh_from_db()
    assert (called.status, called.call_seconds) == (Reminder.Status.DELIVERED, 75)


def test_a_bad_call_duration_is_refused(client, twilio_settings, called):  # noqa: F811
    for bad in ("-1", "1.5", "x", "999999"):
        response = _status(
            client, called.pk, CallSid=called.provider_sid, CallStatus="completed", CallDuration=bad
        )
        assert response.status_code == 400
    called.refresh_from_db()
    assert called.call_seconds == 0
