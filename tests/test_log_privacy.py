"""Logs hold no phone numbers, names or message texts of seniors (DESIGN.md invariant 7).

Everything is captured at DEBUG, across a search at the desk, a booking, sending through
the console backend and through the real twilio client to the fake Twilio (with a failed
send and a look-up of an uncertain one), and an SMS reply through the webhook.
"""

from __future__ import annotations

import datetime
import logging

import pytest
from django.urls import reverse
from twilio.request_validator import RequestValidator

from bookings.models import Reminder
from bookings.outbox.dispatch import dispatch_due
from bookings.outbox.messages import build_message
from bookings.outbox.transports.sms import SmsTransport
from tests.conftest import at, make_senior
from tests.fake_twilio import AUTH_TOKEN
from tests.reminder_fixtures import a_weekday_morning, book, travel

# twilio.http_client by name too: the project quiets it, and its own filter must hold
# when an operator turns it up again.
LOGGERS = ["", "bookings", "django", "django-q", "twilio", "twilio.http_client"]
MOBILE = "+4915123456789"
# The same number as people type it, and as libraries print it.
PHONE_FORMS = [MOBILE, "4915123456789", "015123456789", "0151 23456789", "0151 2345 6789"]
OTHER_MOBILE = "+4917198765432"
REPLY = "Bitte rufen Sie mich wegen der Brille an"


@pytest.fixture
def everything_logged(caplog):
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def _log_text(caplog) -> str:
    lines = []
    for record in caplog.records:
        lines.append(record.getMessage())
        if record.exc_info:
            lines.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(lines)


def _assert_private(text: str, *, names: list[str], bodies: list[str]) -> None:
    for phone in [*PHONE_FORMS, OTHER_MOBILE, OTHER_MOBILE[1:]]:
        assert phone not in text, phone
    for name in names:
        assert name not in text, name
    for body in bodies:
        assert body not in text, body[:40]


def test_the_console_backend_logs_neither_number_nor_text(
    everything_logged, client, settings, office_staff, helper, office, topic
):
    settings.MESSAGE_BACKEND = "console"
    senior = make_senior(first_name="Gertrud", last_name="Zwiebelmeier", phone=MOBILE)
    client.force_login(office_staff)
    assert client.post(reverse("desk:search"), {"q": "0151 2345"}).status_code == 200
    morning = a_weekday_morning()
    with travel(morning):
        book(senior, helper, office, topic, at(morning.date() + datetime.timedelta(days=7), 10))
        bodies = [
            build_message(reminder, MOBILE).body
            for reminder in Reminder.objects.filter(senior=senior)
        ]
        assert dispatch_due() >= 1

    text = _log_text(everything_logged)
    assert "SMS for reminder" in text  # the console line is there, just without data
    assert "…89" in text
    _assert_private(text, names=["Zwiebelmeier", "Gertrud"], bodies=bodies)


def test_console_bodies_only_when_asked_for(everything_logged, settings, helper, office, topic):
    settings.MESSAGE_BACKEND = "console"
    settings.CONSOLE_MESSAGE_BODIES = True
    senior = make_senior(phone=MOBILE)
    morning = a_weekday_morning()
    with travel(morning):
        book(senior, helper, office, topic, at(morning.date() + datetime.timedelta(days=7), 10))
        dispatch_due()
    text = _log_text(everything_logged)
    assert "Stadtteilbüro Grübentälchen" in text
    assert MOBILE not in text


def test_twilio_sends_failures_look_ups_and_replies_log_no_personal_data(
    everything_logged, client, fake_twilio, helper, office, topic
):
    senior = make_senior(first_name="Gertrud", last_name="Zwiebelmeier", phone=MOBILE)
    unreachable = make_senior(first_name="Hannelore", last_name="Quast", phone=OTHER_MOBILE)
    fake_twilio.fail(OTHER_MOBILE, 400, 21211)  # an invalid number: a permanent failure
    morning = a_weekday_morning()
    with travel(morning):
        day = morning.date() + datetime.timedelta(days=7)
        book(senior, helper, office, topic, at(day, 10))
        book(unreachable, helper, office, topic, at(day, 11))
        assert dispatch_due() >= 2
        reminder = Reminder.objects.get(senior=senior, kind=Reminder.Kind.CONFIRMATION)
        # What the dispatcher does before sending an uncertain message again.
        message = build_message(reminder, MOBILE)
        assert SmsTransport().find_sent(message, morning) is not None

    params = {"From": MOBILE, "To": "+4963100000", "Body": REPLY, "MessageSid": "SM" + "d" * 32}
    url = "https://hilfe.example.org/twilio/sms/"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
    reply = client.post("/twilio/sms/", params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert reply.status_code == 200
    forged = client.post("/twilio/sms/", params, HTTP_X_TWILIO_SIGNATURE="falsch")
    assert forged.status_code == 403

    bodies = [arrival["Body"] for arrival in fake_twilio.messages()]
    assert bodies
    text = _log_text(everything_logged)
    # The loggers did speak: the twilio client, the failed send, the forged webhook.
    assert "Twilio API Request" in text
    assert "GET Request: " in text
    assert "21211" in text
    assert "Forbidden: /twilio/sms/" in text
    assert Reminder.objects.filter(senior=unreachable, status=Reminder.Status.FAILED).exists()
    _assert_private(
        text,
        names=["Zwiebelmeier", "Gertrud", "Hannelore", "Quast"],
        bodies=[*bodies, REPLY],
    )
