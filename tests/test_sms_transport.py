"""The real twilio client against a fake Twilio server: what arrives, and each error path."""

from __future__ import annotations

import datetime

from bookings.models import Reminder
from bookings.outbox.dispatch import dispatch_due
from tests.conftest import at, make_senior
from tests.fake_twilio import ACCOUNT_SID, FROM_NUMBER
from tests.reminder_fixtures import a_weekday_morning, book, travel

MOBILE = "+4915123456789"


def _confirmation(senior, helper, office, topic, monday):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    return appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION, senior=senior)


def test_it_sends_an_sms_with_status_callback(fake_twilio, senior, helper, office, topic, monday):
    reminder = _confirmation(senior, helper, office, topic, monday)
    with travel(a_weekday_morning()):
        dispatch_due()

    (sms,) = [m for m in fake_twilio.messages() if m["To"] == MOBILE]
    assert sms.account == ACCOUNT_SID
    assert sms["From"] == FROM_NUMBER
    assert "Stadtteilbüro Grübentälchen" in sms["Body"]
    assert "10:00 Uhr" in sms["Body"]
    assert "JA" in sms["Body"]
    assert sms["StatusCallback"] == f"https://hilfe.example.org/twilio/status/{reminder.pk}/"
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert reminder.provider_sid == sms["_sid"]


def test_it_calls_a_landline(fake_twilio, helper, office, topic, monday):
    senior = make_senior(phone="+49631123456")
    reminder = _confirmation(senior, helper, office, topic, monday)
    with travel(a_weekday_morning()):
        dispatch_due()

    (call,) = fake_twilio.calls()
    assert call["To"] == "+49631123456"
    assert call["Url"] == f"https://hilfe.example.org/twilio/anruf/{reminder.pk}/"
    assert call["MachineDetection"] == "DetectMessageEnd"
    assert call["StatusCallback"] == f"https://hilfe.example.org/twilio/status/{reminder.pk}/"
    reminder.refresh_from_db()
    assert (reminder.status, reminder.calls) == (Reminder.Status.SENT, 1)


def test_an_invalid_number_fails_with_a_reason(fake_twilio, senior, helper, office, topic, monday):
    fake_twilio.fail(MOBILE, 400, 21211)
    reminder = _confirmation(senior, helper, office, topic, monday)
    with travel(a_weekday_morning()):
        dispatch_due()

    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.FAILED
    assert reminder.error_code == "21211"
    assert reminder.error_message == "Die Telefonnummer ist ungültig."


def test_an_unsubscribed_number_records_the_opt_out(
    fake_twilio, senior, helper, office, topic, monday
):
    fake_twilio.fail(MOBILE, 400, 21610)
    reminder = _confirmation(senior, helper, office, topic, monday)
    with travel(a_weekday_morning()):
        dispatch_due()

    reminder.refresh_from_db()
    senior.refresh_from_db()
    assert reminder.status == Reminder.Status.FAILED
    assert senior.opted_out_at is not None


def test_not_a_mobile_falls_back_to_a_call(fake_twilio, senior, helper, office, topic, monday):
    fake_twilio.fail(MOBILE, 400, 21614)
    reminder = _confirmation(senior, helper, office, topic, monday)
    with travel(a_weekday_morning()):
        dispatch_due()

    assert [c["To"] for c in fake_twilio.calls()] == [MOBILE]
    assert not [m for m in fake_twilio.messages() if m["To"] == MOBILE]
    reminder.refresh_from_db()
    assert (reminder.channel, reminder.status) == (Reminder.Channel.VOICE, Reminder.Status.SENT)


def test_too_many_requests_is_retried_later_once(
    fake_twilio, senior, helper, office, topic, monday
):
    fake_twilio.fail(MOBILE, 429, 20429)
    reminder = _confirmation(senior, helper, office, topic, monday)
    morning = a_weekday_morning()
    with travel(morning):
        dispatch_due()
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.PENDING
    assert reminder.due_at == morning + datetime.timedelta(minutes=1)
    assert reminder.uncertain_since is None

    with travel(morning + datetime.timedelta(minutes=2)):
        dispatch_due()
        dispatch_due()

    assert len([m for m in fake_twilio.messages() if m["To"] == MOBILE]) == 1
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (Reminder.Status.SENT, 2)


def test_a_server_error_after_sending_does_not_send_twice(
    fake_twilio, senior, helper, office, topic, monday
):
    # Twilio answered 500 but the SMS went out: the retry must find it, not resend it.
    fake_twilio.fail(MOBILE, 500, 20500, went_out=True)
    reminder = _confirmation(senior, helper, office, topic, monday)
    morning = a_weekday_morning()
    with travel(morning):
        dispatch_due()
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.PENDING
    assert reminder.uncertain_since is not None

    with travel(morning + datetime.timedelta(minutes=5)):
        dispatch_due()

    (sms,) = [m for m in fake_twilio.messages() if m["To"] == MOBILE]
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert reminder.provider_sid == sms["_sid"]


def test_a_server_error_before_sending_sends_once_later(
    fake_twilio, senior, helper, office, topic, monday
):
    fake_twilio.fail(MOBILE, 500, 20500, went_out=False)
    reminder = _confirmation(senior, helper, office, topic, monday)
    morning = a_weekday_morning()
    with travel(morning):
        dispatch_due()
    with travel(morning + datetime.timedelta(minutes=5)):
        dispatch_due()

    assert len([m for m in fake_twilio.messages() if m["To"] == MOBILE]) == 1
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT


def test_a_claimed_row_is_not_sent_by_a_second_worker(
    fake_twilio, senior, helper, office, topic, monday
):
    reminder = _confirmation(senior, helper, office, topic, monday)
    morning = a_weekday_morning()
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Reminder.Status.SENDING,
        claimed_until=morning + datetime.timedelta(minutes=5),
        uncertain_since=morning,
    )
    with travel(morning):
        dispatch_due()
    assert not [m for m in fake_twilio.messages() if m["To"] == MOBILE]

    # The lease ran out with no SID: the provider is asked, then it is sent once.
    with travel(morning + datetime.timedelta(minutes=6)):
        dispatch_due()
    assert len([m for m in fake_twilio.messages() if m["To"] == MOBILE]) == 1


def test_a_row_with_a_provider_sid_is_never_sent_again(
    fake_twilio, senior, helper, office, topic, monday
):
    reminder = _confirmation(senior, helper, office, topic, monday)
    morning = a_weekday_morning()
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Reminder.Status.SENDING, claimed_until=morning, provider_sid="SMknown"
    )
    with travel(morning + datetime.timedelta(hours=1)):
        dispatch_due()
    assert not [m for m in fake_twilio.messages() if m["To"] == MOBILE]


def test_a_timeout_is_looked_up_before_a_retry(
    monkeypatch, fake_twilio, senior, helper, office, topic, monday
):
    monkeypatch.setattr("bookings.outbox.transports.twilio_client.TIMEOUT", 0.2)
    # Far beyond the client's timeout, so even a busy machine sees the timeout.
    fake_twilio.slow[MOBILE] = 10.0
    reminder = _confirmation(senior, helper, office, topic, monday)
    morning = a_weekday_morning()
    with travel(morning):
        dispatch_due()
    # The fake records the message before its slow answer; on a busy machine that may
    # come after the client gave up, so wait for it rather than race the lookup.
    assert fake_twilio.wait_for(1, timeout=60)
    reminder.refresh_from_db()
    assert (reminder.status, reminder.error_code) == (Reminder.Status.PENDING, "network")
    assert reminder.uncertain_since is not None

    with travel(morning + datetime.timedelta(minutes=5)):
        dispatch_due()

    assert len([m for m in fake_twilio.messages() if m["To"] == MOBILE]) == 1
    assert fake_twilio.lookups == 1
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
