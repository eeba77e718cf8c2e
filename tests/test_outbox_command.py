"""The `outbox` command for operators: due, failed and sent today, numbers masked."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from bookings.models import Reminder
from tests.conftest import at
from tests.reminder_fixtures import book


def test_it_lists_the_outbox_without_whole_numbers(senior, helper, office, topic, monday):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    appointment.reminders.filter(kind=Reminder.Kind.DAY_BEFORE).update(
        status=Reminder.Status.FAILED, error_code="21211", error_message="ungültig"
    )
    appointment.reminders.filter(kind=Reminder.Kind.CONFIRMATION).update(
        status=Reminder.Status.SENT, sent_at=timezone.now()
    )
    out = StringIO()
    call_command("outbox", stdout=out)
    text = out.getvalue()

    assert "Fehlgeschlagen: 1" in text
    assert "Heute gesendet: 1" in text
    assert "21211" in text
    assert "+4915123456789" not in text
    assert "+4915****89" in text
