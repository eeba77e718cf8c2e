"""The feedback question the day after an attended appointment, and its answer through
the reply pipeline (signed Twilio webhooks, the real client against the fake Twilio)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from bookings import services
from bookings.inbound.reply_words import feedback_score
from bookings.models import AppointmentStatus, InboundMessage, Reminder
from bookings.outbox.dispatch import dispatch_due
from bookings.outbox.texts import render_text, sms_segments
from coordination.models import Feedback
from tests.conftest import at, make_senior
from tests.reminder_fixtures import book, travel
from tests.test_twilio_webhooks import MOBILE, signed_post


def _attended(appointment, monday):
    with travel(at(monday, 12)):
        return services.appointment_mark(appointment=appointment, status=AppointmentStatus.ATTENDED)


def _feedback_rows(appointment):
    return list(appointment.reminders.filter(kind=Reminder.Kind.FEEDBACK))


@pytest.fixture
def attended(senior, helper, office, topic, monday):
    return _attended(book(senior, helper, office, topic, at(monday, 10)), monday)


def test_it_asks_the_next_day_at_ten_by_sms(attended, monday):
    (question,) = _feedback_rows(attended)
    assert question.channel == Reminder.Channel.SMS
    assert question.status == Reminder.Status.PENDING
    assert question.due_at == at(monday + datetime.timedelta(days=1), 10)


def test_a_friday_appointment_is_asked_about_on_saturday_and_a_late_mark_at_once(
    senior, helper, office, topic, monday
):
    friday = monday + datetime.timedelta(days=4)
    appointment = book(senior, helper, office, topic, at(friday, 10))
    # Marked on Monday after the weekend: asked at once, not in the past.
    with travel(at(friday + datetime.timedelta(days=3), 15)):
        services.appointment_mark(appointment=appointment, status=AppointmentStatus.ATTENDED)
    (question,) = _feedback_rows(appointment)
    assert question.due_at == at(friday + datetime.timedelta(days=3), 15)


def test_a_mark_late_in_the_evening_waits_for_the_morning(senior, helper, office, topic, monday):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    with travel(at(monday + datetime.timedelta(days=1), 21)):
        services.appointment_mark(appointment=appointment, status=AppointmentStatus.ATTENDED)
    (question,) = _feedback_rows(appointment)
    assert question.due_at == at(monday + datetime.timedelta(days=2), 9)


def test_landlines_and_seniors_without_consent_are_not_asked(helper, office, topic, monday):
    landline = book(make_senior(phone="+49631123456"), helper, office, topic, at(monday, 10))
    silent = book(make_senior(reminder_consent=False), helper, office, topic, at(monday, 11))
    for appointment in (landline, silent):
        _attended(appointment, monday)
        assert _feedback_rows(appointment) == []


def test_no_show_withdraws_the_question_and_attended_again_restores_it(attended, monday):
    with travel(at(monday, 13)):
        services.appointment_mark(appointment=attended, status=AppointmentStatus.NO_SHOW)
    (question,) = _feedback_rows(attended)
    assert question.status == Reminder.Status.CANCELLED
    with travel(at(monday, 14)):
        services.appointment_mark(appointment=attended, status=AppointmentStatus.ATTENDED)
    (question,) = _feedback_rows(attended)
    assert question.status == Reminder.Status.PENDING


def test_the_desk_mark_queues_the_question(
    client, office_staff, senior, helper, office, topic, monday
):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    with travel(at(monday, 12)):
        client.force_login(office_staff)
        response = client.post(reverse("desk:mark", args=[appointment.pk]), {"status": "attended"})
    assert response.status_code == 302
    (question,) = _feedback_rows(appointment)
    assert question.status == Reminder.Status.PENDING


def test_the_text_is_gsm7_in_one_segment_and_names_the_day(attended, monday):
    (question,) = _feedback_rows(attended)
    with travel(at(monday + datetime.timedelta(days=1), 10)):
        text = render_text(question)
    assert sms_segments(text) <= 2
    assert "Hat Ihnen die Hilfe geholfen?" in text
    assert "1 (gar nicht) bis 5 (sehr)" in text
    assert "am Montag" in text


def _send_the_question(fake_twilio, attended, monday) -> Reminder:
    with travel(at(monday + datetime.timedelta(days=1), 10, 5)):
        dispatch_due()
    (sms,) = fake_twilio.messages()
    assert sms["To"] == MOBILE
    assert "Hat Ihnen die Hilfe geholfen?" in sms["Body"]
    (question,) = _feedback_rows(attended)
    assert question.status == Reminder.Status.SENT
    return question


def _reply(client, body: str, sid: str = "SM" + "f" * 32):
    return signed_post(
        client, "/twilio/sms/", {"From": MOBILE, "Body": body, "MessageSid": sid, "To": "+49"}
    )


@pytest.mark.parametrize(
    ("body", "score"), [("4", 4), ("4 danke", 4), ("5!", 5), ("Note 3", 3), ("eine Vier", 4)]
)
def test_a_score_becomes_feedback_for_office_and_topic(
    client, fake_twilio, attended, monday, body, score
):
    question = _send_the_question(fake_twilio, attended, monday)
    with travel(at(monday + datetime.timedelta(days=1), 11)):
        response = _reply(client, body)
        _reply(client, body)  # replayed by Twilio: counted once

    assert "Vielen Dank" in response.content.decode()
    feedback = Feedback.objects.get()
    assert (feedback.score, feedback.appointment) == (score, attended)
    assert (feedback.office, feedback.topic) == (attended.office, attended.topic)
    assert InboundMessage.objects.get().action == InboundMessage.Action.SCORED
    question.refresh_from_db()
    assert question.status == Reminder.Status.ANSWERED


def test_a_one_scores_and_does_not_confirm_the_next_appointment(
    client, fake_twilio, senior, helper, office, topic, attended, monday
):
    upcoming = book(senior, helper, office, topic, at(monday + datetime.timedelta(days=7), 10))
    upcoming.reminders.filter(kind=Reminder.Kind.CONFIRMATION).update(
        status=Reminder.Status.SENT, sent_at=at(monday, 9)
    )
    _send_the_question(fake_twilio, attended, monday)
    with travel(at(monday + datetime.timedelta(days=1), 11)):
        _reply(client, "1")
    assert Feedback.objects.get().score == 1
    upcoming.refresh_from_db()
    assert upcoming.confirmed_at is None


@pytest.mark.parametrize("body", ["Ja", "3 oder 4", "Es war toll, danke", "Note 1"])
def test_anything_else_after_the_question_goes_to_staff(
    client, fake_twilio, attended, monday, body
):
    _send_the_question(fake_twilio, attended, monday)
    with travel(at(monday + datetime.timedelta(days=1), 11)):
        response = _reply(client, body)
    assert "weitergegeben" in response.content.decode()
    assert not Feedback.objects.exists()
    message = InboundMessage.objects.get()
    assert (message.action, message.appointment) == (InboundMessage.Action.TO_READ, attended)


def test_a_digit_without_the_question_confirms_as_before(
    client, fake_twilio, senior, helper, office, topic, monday
):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    appointment.reminders.filter(kind=Reminder.Kind.CONFIRMATION).update(
        status=Reminder.Status.SENT, sent_at=at(monday - datetime.timedelta(days=3), 9)
    )
    with travel(at(monday - datetime.timedelta(days=2), 11)):
        _reply(client, "1")
    appointment.refresh_from_db()
    assert appointment.confirmed_at is not None
    assert not Feedback.objects.exists()


def test_an_answer_after_a_week_goes_to_staff(client, fake_twilio, attended, monday):
    _send_the_question(fake_twilio, attended, monday)
    with travel(at(monday + datetime.timedelta(days=9), 11)):
        _reply(client, "5")
    assert not Feedback.objects.exists()
    assert InboundMessage.objects.get().action == InboundMessage.Action.TO_READ


def test_stop_after_the_question_still_opts_out(client, fake_twilio, senior, attended, monday):
    _send_the_question(fake_twilio, attended, monday)
    with travel(at(monday + datetime.timedelta(days=1), 11)):
        _reply(client, "STOP")
    senior.refresh_from_db()
    assert senior.opted_out_at is not None
    assert not Feedback.objects.exists()


def test_a_question_for_a_no_show_is_not_sent(fake_twilio, attended, monday):
    (question,) = _feedback_rows(attended)
    type(attended).objects.filter(pk=attended.pk).update(status=AppointmentStatus.NO_SHOW)
    with travel(at(monday + datetime.timedelta(days=1), 10, 5)):
        dispatch_due()
    assert fake_twilio.messages() == []
    question.refresh_from_db()
    assert question.status == Reminder.Status.CANCELLED


def test_a_number_that_takes_no_sms_is_not_rung_instead(client, fake_twilio, attended, monday):
    question = _send_the_question(fake_twilio, attended, monday)
    signed_post(
        client,
        f"/twilio/status/{question.pk}/",
        {"MessageSid": question.provider_sid, "MessageStatus": "undelivered", "ErrorCode": "30006"},
    )
    question.refresh_from_db()
    assert (question.status, question.channel) == (Reminder.Status.FAILED, Reminder.Channel.SMS)


def test_twilio_refusing_the_sms_makes_no_call(fake_twilio, attended, monday):
    fake_twilio.fail(MOBILE, 400, 21614)
    with travel(at(monday + datetime.timedelta(days=1), 10, 5)):
        dispatch_due()
    (question,) = _feedback_rows(attended)
    assert (question.status, question.channel) == (Reminder.Status.FAILED, Reminder.Channel.SMS)
    assert fake_twilio.calls() == []


@pytest.mark.parametrize(
    ("body", "score"),
    [
        ("4", 4),
        (" 2 ", 2),
        ("5!", 5),
        ("4 von 5", 4),
        ("5/5", 5),
        ("Vier Sterne", 4),
        ("Note 3", 3),
        # School grades run the other way: a person reads these.
        ("Note 1", None),
        ("3 oder 4", None),
        ("10", None),
        ("0", None),
        ("4?", None),
        ("Es war gut", None),
    ],
)
def test_a_score_in_own_words(body, score):
    assert feedback_score(body) == score
