"""Twilio's webhooks: signature checks, delivery status, replies, call TwiML and keypad."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from twilio.request_validator import RequestValidator

from bookings.models import AppointmentStatus, Assignment, InboundMessage, Reminder
from tests.conftest import at, make_senior
from tests.fake_twilio import AUTH_TOKEN
from tests.reminder_fixtures import book

BASE = "https://hilfe.example.org"
MOBILE = "+4915123456789"


@pytest.fixture
def twilio_settings(settings):
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.PUBLIC_BASE_URL = BASE


def signed_post(client, path: str, params: dict, *, token: str = AUTH_TOKEN, url: str = ""):
    signature = RequestValidator(token).compute_signature(url or BASE + path, params)
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


def _sent(reminder: Reminder, sid: str) -> Reminder:
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Reminder.Status.SENT, provider_sid=sid, sent_at=timezone.now(), calls=1
    )
    reminder.refresh_from_db()
    return reminder


@pytest.fixture
def asked(senior, helper, office, topic, monday):
    """A senior whose confirmation SMS went out."""
    appointment = book(senior, helper, office, topic, at(monday, 10))
    return _sent(appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION), "SM" + "a" * 32)


def _sms(client, body: str, sid: str = "SM" + "b" * 32):
    return signed_post(
        client, "/twilio/sms/", {"From": MOBILE, "Body": body, "MessageSid": sid, "To": "+49"}
    )


def test_it_refuses_unsigned_forged_and_wrongly_addressed_requests(client, twilio_settings, asked):
    params = {"From": MOBILE, "Body": "NEIN", "MessageSid": "SM" + "c" * 32}
    assert client.post("/twilio/sms/", params).status_code == 403
    forged = signed_post(client, "/twilio/sms/", params, token="not-our-token")
    assert forged.status_code == 403
    # A request signed for another URL (replayed against ours) does not pass either.
    elsewhere = signed_post(client, "/twilio/sms/", params, url="https://evil.example/twilio/sms/")
    assert elsewhere.status_code == 403
    # Tampering with a signed body breaks the signature.
    signature = RequestValidator(AUTH_TOKEN).compute_signature(BASE + "/twilio/sms/", params)
    tampered = client.post(
        "/twilio/sms/", {**params, "Body": "JA"}, HTTP_X_TWILIO_SIGNATURE=signature
    )
    assert tampered.status_code == 403
    assert client.get("/twilio/sms/").status_code == 405
    asked.appointment.refresh_from_db()
    assert asked.appointment.status == AppointmentStatus.BOOKED
    assert not InboundMessage.objects.exists()


@pytest.mark.parametrize("word", ["JA", "Ja", "ja", "J", "1", " ja! "])
def test_yes_confirms(client, twilio_settings, asked, word):
    response = _sms(client, word)

    assert response.status_code == 200
    assert "bestätigt" in response.content.decode()
    asked.refresh_from_db()
    asked.appointment.refresh_from_db()
    assert asked.appointment.confirmed_at is not None
    assert asked.status == Reminder.Status.ANSWERED


@pytest.mark.parametrize("word", ["NEIN", "nein", "N", "2"])
def test_no_cancels_frees_the_slot_and_tells_the_office(client, twilio_settings, asked, word):
    _sms(client, word)

    appointment = asked.appointment
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert not Assignment.objects.filter(appointment=appointment).exists()
    message = InboundMessage.objects.get()
    assert message.action == InboundMessage.Action.CANCELLED
    assert message.read_at is None  # on the office's list


def test_a_replayed_reply_acts_once(client, twilio_settings, asked):
    assert _sms(client, "JA").status_code == 200
    first = asked.appointment.__class__.objects.get(pk=asked.appointment_id).confirmed_at
    assert _sms(client, "JA").status_code == 200
    assert InboundMessage.objects.count() == 1
    assert asked.appointment.__class__.objects.get(pk=asked.appointment_id).confirmed_at == first


@pytest.mark.parametrize("words", ["Ja, ich komme", "ja gerne 👍", "Jaa bitte"])
def test_yes_in_own_words_confirms(client, twilio_settings, asked, words):
    _sms(client, words)
    asked.appointment.refresh_from_db()
    assert asked.appointment.confirmed_at is not None
    assert InboundMessage.objects.get().action == InboundMessage.Action.CONFIRMED


@pytest.mark.parametrize("words", ["Termin absagen", "Nein, ich kann nicht", "nein danke"])
def test_no_in_own_words_cancels(client, twilio_settings, asked, words):
    _sms(client, words)
    asked.appointment.refresh_from_db()
    assert asked.appointment.status == AppointmentStatus.CANCELLED


@pytest.mark.parametrize("words", ["ja nein", "vielleicht", "Können Sie mich anrufen?"])
def test_an_ambiguous_reply_goes_to_staff(client, twilio_settings, asked, words):
    _sms(client, words)
    asked.appointment.refresh_from_db()
    assert asked.appointment.status == AppointmentStatus.BOOKED
    assert asked.appointment.confirmed_at is None
    assert InboundMessage.objects.get().action == InboundMessage.Action.TO_READ


def test_stop_opts_out_and_cancels_pending_messages(client, twilio_settings, asked):
    _sms(client, "STOPP")

    asked.senior.refresh_from_db()
    assert asked.senior.opted_out_at is not None
    day_before = asked.appointment.reminders.get(kind=Reminder.Kind.DAY_BEFORE)
    assert day_before.status == Reminder.Status.CANCELLED
    asked.appointment.refresh_from_db()
    assert asked.appointment.status == AppointmentStatus.BOOKED


def test_anything_else_goes_to_the_list(client, twilio_settings, asked):
    response = _sms(client, "Kann ich meinen Enkel mitbringen?")

    assert "weitergegeben" in response.content.decode()
    message = InboundMessage.objects.get()
    assert message.action == InboundMessage.Action.TO_READ
    assert message.appointment == asked.appointment


def test_an_unknown_number_is_harmless(client, twilio_settings, db):
    response = _sms(client, "JA")
    assert response.status_code == 200
    assert InboundMessage.objects.get().senior is None


def _status(client, reminder_id: int, **params):
    return signed_post(client, f"/twilio/status/{reminder_id}/", params)


def test_sms_delivered_and_duplicates(client, twilio_settings, asked):
    for _ in range(2):
        response = _status(
            client, asked.pk, MessageSid=asked.provider_sid, MessageStatus="delivered"
        )
        assert response.status_code == 204
    asked.refresh_from_db()
    assert asked.status == Reminder.Status.DELIVERED
    # A late "sent" does not move it back, neither the row nor the provider's word.
    _status(client, asked.pk, MessageSid=asked.provider_sid, MessageStatus="sent")
    asked.refresh_from_db()
    assert (asked.status, asked.provider_status) == (Reminder.Status.DELIVERED, "delivered")


def test_a_late_progress_word_does_not_overwrite_a_later_one(client, twilio_settings, asked):
    _status(client, asked.pk, MessageSid=asked.provider_sid, MessageStatus="sent")
    _status(client, asked.pk, MessageSid=asked.provider_sid, MessageStatus="queued")
    asked.refresh_from_db()
    assert (asked.status, asked.provider_status) == (Reminder.Status.SENT, "sent")


def test_a_callback_records_the_sid_a_killed_worker_did_not(client, twilio_settings, asked):
    # The worker died after Twilio took the SMS and before it recorded the SID.
    Reminder.objects.filter(pk=asked.pk).update(
        status=Reminder.Status.SENDING,
        provider_sid="",
        uncertain_since=timezone.now(),
        inflight_key=f"sms:{MOBILE}",
    )
    _status(client, asked.pk, MessageSid="SM" + "e" * 32, MessageStatus="sent")
    asked.refresh_from_db()
    assert (asked.status, asked.provider_sid) == (Reminder.Status.SENT, "SM" + "e" * 32)
    assert asked.inflight_key == "" and asked.uncertain_since is None


def test_a_callback_never_gives_a_row_another_rows_sid(
    client, twilio_settings, asked, helper, office, topic, monday
):
    other = book(make_senior(phone="+49631123456"), helper, office, topic, at(monday, 11))
    called = other.reminders.get(kind=Reminder.Kind.CONFIRMATION)
    Reminder.objects.filter(pk=called.pk).update(status=Reminder.Status.SENDING)
    response = _status(client, called.pk, CallSid=asked.provider_sid, CallStatus="completed")
    assert response.status_code == 204
    called.refresh_from_db()
    assert (called.status, called.provider_sid) == (Reminder.Status.SENDING, "")


def test_unknown_sids_and_reminders_are_harmless(client, twilio_settings, asked):
    assert (
        _status(client, asked.pk, MessageSid="SMother", MessageStatus="failed").status_code == 204
    )
    assert _status(client, 999999, MessageSid="SMx", MessageStatus="delivered").status_code == 204
    asked.refresh_from_db()
    assert asked.status == Reminder.Status.SENT


def test_undelivered_to_a_landline_becomes_a_call(client, twilio_settings, asked):
    _status(
        client,
        asked.pk,
        MessageSid=asked.provider_sid,
        MessageStatus="undelivered",
        ErrorCode="30006",
    )
    asked.refresh_from_db()
    assert (asked.status, asked.channel) == (Reminder.Status.PENDING, Reminder.Channel.VOICE)
    assert asked.provider_sid == ""


def test_unknown_handset_fails_with_a_reason(client, twilio_settings, asked):
    _status(
        client, asked.pk, MessageSid=asked.provider_sid, MessageStatus="failed", ErrorCode="30005"
    )
    asked.refresh_from_db()
    assert asked.status == Reminder.Status.FAILED
    assert "unbekannt" in asked.error_message


@pytest.fixture
def called(helper, office, topic, monday):
    senior = make_senior(phone="+49631123456")
    appointment = book(senior, helper, office, topic, at(monday, 10))
    return _sent(appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION), "CA" + "d" * 32)


def test_no_answer_calls_again_an_hour_later_twice_more(client, twilio_settings, called):
    for call_number in (1, 2):
        before = timezone.now()
        _status(client, called.pk, CallSid=called.provider_sid, CallStatus="no-answer")
        called.refresh_from_db()
        assert called.status == Reminder.Status.PENDING
        assert called.due_at >= before + datetime.timedelta(hours=1)
        called = _sent(called, f"CA{call_number:032d}")
        Reminder.objects.filter(pk=called.pk).update(calls=call_number + 1)
        called.refresh_from_db()

    _status(client, called.pk, CallSid=called.provider_sid, CallStatus="busy")
    called.refresh_from_db()
    assert called.status == Reminder.Status.NO_ANSWER


def test_the_call_reads_the_appointment_twice_then_the_menu(client, twilio_settings, called):
    response = signed_post(client, f"/twilio/anruf/{called.pk}/", {"CallSid": called.provider_sid})

    twiml = response.content.decode()
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert twiml.count('<Say language="de-DE" voice="Polly.Vicki">') >= 3
    assert twiml.count("Montag") == 2
    assert f'action="{BASE}/twilio/anruf/{called.pk}/taste/"' in twiml
    assert "Drücken Sie die 1" in twiml and "Drücken Sie die 3" in twiml


def test_an_answering_machine_gets_no_menu(client, twilio_settings, called):
    response = signed_post(
        client, f"/twilio/anruf/{called.pk}/", {"CallSid": "CA1", "AnsweredBy": "machine_end_beep"}
    )
    twiml = response.content.decode()
    assert "<Gather" not in twiml
    assert twiml.count("Montag") == 2


@pytest.mark.parametrize(
    ("digits", "status"), [("1", AppointmentStatus.BOOKED), ("2", AppointmentStatus.CANCELLED)]
)
def test_keypad_confirms_or_cancels(client, twilio_settings, called, digits, status):
    path = f"/twilio/anruf/{called.pk}/taste/"
    for _ in range(2):  # replayed: acts once
        response = signed_post(client, path, {"CallSid": called.provider_sid, "Digits": digits})
        assert response.status_code == 200
    called.appointment.refresh_from_db()
    assert called.appointment.status == status
    assert (called.appointment.confirmed_at is not None) == (digits == "1")
    assert InboundMessage.objects.count() == 1


def test_keypad_three_repeats(client, twilio_settings, called):
    response = signed_post(
        client, f"/twilio/anruf/{called.pk}/taste/", {"CallSid": "CA1", "Digits": "3"}
    )
    assert f"<Redirect>{BASE}{reverse('twilio_call', args=[called.pk])}</Redirect>" in (
        response.content.decode()
    )


def test_twilio_needs_no_csrf_token(twilio_settings, asked):
    from django.test import Client

    response = _sms(Client(enforce_csrf_checks=True), "JA")
    assert response.status_code == 200
