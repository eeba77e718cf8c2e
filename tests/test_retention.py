"""Reply texts and phone numbers in the message tables go after MESSAGE_RETENTION_DAYS
(default 90); the rows themselves stay for the statistics."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from bookings.models import InboundMessage, Reminder
from tests.conftest import at
from tests.reminder_fixtures import book, travel

NUMBER = "+4915123456789"


def _world(senior, helper, office, topic, monday):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    failed = appointment.reminders.get(kind=Reminder.Kind.CONFIRMATION, senior=senior)
    Reminder.objects.filter(pk=failed.pk).update(
        status=Reminder.Status.FAILED,
        error_code="21211",
        error_message=f"The 'To' number {NUMBER} is not a valid phone number.",
        inflight_key=f"sms:{NUMBER}",
    )
    reply = InboundMessage.objects.create(
        provider_sid="SM" + "9" * 32,
        senior=senior,
        appointment=appointment,
        channel="sms",
        body="Meine Tochter bringt mich, sie heißt Anna.",
        action=InboundMessage.Action.TO_READ,
    )
    return appointment, failed, reply


def test_it_keeps_message_contents_for_the_retention_time(
    settings, senior, helper, office, topic, monday
):
    settings.MESSAGE_RETENTION_DAYS = 90
    _appointment, failed, reply = _world(senior, helper, office, topic, monday)
    with travel(timezone.now() + datetime.timedelta(days=89)):
        call_command("expire_messages", stdout=StringIO())
    failed.refresh_from_db()
    reply.refresh_from_db()
    assert NUMBER in failed.error_message and reply.body


def test_it_empties_texts_and_numbers_after_it(settings, senior, helper, office, topic, monday):
    settings.MESSAGE_RETENTION_DAYS = 90
    appointment, failed, reply = _world(senior, helper, office, topic, monday)
    out = StringIO()
    with travel(timezone.now() + datetime.timedelta(days=91)):
        call_command("expire_messages", stdout=out)
        call_command("expire_messages", stdout=StringIO())  # again: nothing left to do

    failed.refresh_from_db()
    reply.refresh_from_db()
    assert (failed.error_message, failed.inflight_key, reply.body) == ("", "", "")
    # The rows stay: what was sent and answered still counts, and the code says why.
    assert failed.status == Reminder.Status.FAILED and failed.error_code == "21211"
    assert reply.action == InboundMessage.Action.TO_READ and reply.appointment == appointment
    assert "1 Nachrichten und 1 Antworten geleert (Aufbewahrung: 90 Tage)" in out.getvalue()


def test_the_time_comes_from_settings(settings, senior, helper, office, topic, monday):
    settings.MESSAGE_RETENTION_DAYS = 7
    _appointment, _failed, reply = _world(senior, helper, office, topic, monday)
    with travel(timezone.now() + datetime.timedelta(days=8)):
        call_command("expire_messages", stdout=StringIO())
    reply.refresh_from_db()
    assert reply.body == ""


def test_a_message_still_to_be_sent_keeps_its_address(
    settings, senior, helper, office, topic, monday
):
    settings.MESSAGE_RETENTION_DAYS = 1
    appointment = book(senior, helper, office, topic, at(monday, 10))
    pending = appointment.reminders.get(kind=Reminder.Kind.DAY_BEFORE)
    Reminder.objects.filter(pk=pending.pk).update(inflight_key=f"sms:{NUMBER}")
    with travel(timezone.now() + datetime.timedelta(days=3)):
        call_command("expire_messages", stdout=StringIO())
    pending.refresh_from_db()
    assert pending.inflight_key == f"sms:{NUMBER}"


def test_the_worker_expires_every_night(db):
    from django_q.models import Schedule

    from bookings.outbox.tasks import ensure_dispatch_schedule

    ensure_dispatch_schedule()
    schedule = Schedule.objects.get(name="privacy.expire_message_contents")
    assert schedule.func == "bookings.outbox.tasks.expire_message_contents"
    assert schedule.schedule_type == Schedule.DAILY
    assert Schedule.objects.filter(name="privacy.anonymise_seniors").exists()


def test_the_setting_is_read_from_the_environment():
    code = "import helpdesk.settings as s; print(s.MESSAGE_RETENTION_DAYS)"
    env = {**os.environ, "MESSAGE_RETENTION_DAYS": "30"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.stdout.split()[-1] == "30", result.stderr
