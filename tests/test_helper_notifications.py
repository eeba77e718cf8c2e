"""Helpers hear about bookings, moves and cancellations by e-mail or SMS (issue 4, item 5)."""

from __future__ import annotations

import datetime

from django.core import mail

from bookings import services
from bookings.models import Helper, Reminder
from bookings.outbox.dispatch import dispatch_due
from tests.conftest import at, make_helper
from tests.reminder_fixtures import a_weekday_morning, book, travel


def _with_email(helper: Helper) -> Helper:
    helper.user.email = f"{helper.user.username}@example.org"
    helper.user.save()
    return helper


def test_a_helper_gets_an_email_about_a_new_booking(senior, helper, office, topic, monday):
    _with_email(helper)
    book(senior, helper, office, topic, at(monday, 10))
    with travel(a_weekday_morning()):
        dispatch_due()

    (email,) = mail.outbox
    assert email.to == [helper.user.email]
    assert email.subject == "Neuer Termin für Sie"
    assert "Gertrud M." in email.body
    assert "Müller" not in email.body


def test_a_helper_who_chose_sms_gets_an_sms(fake_twilio, senior, helper, office, topic, monday):
    helper.notify_by = Helper.NotifyBy.SMS
    helper.phone = "+4915112345678"
    helper.save()
    book(senior, helper, office, topic, at(monday, 10))
    with travel(a_weekday_morning()):
        dispatch_due()

    to_helper = [m for m in fake_twilio.messages() if m["To"] == "+4915112345678"]
    assert len(to_helper) == 1
    assert "Neuer Termin für Sie" in to_helper[0]["Body"]
    assert not mail.outbox


def test_move_and_cancel_reach_the_helpers(senior, helper, office, topic, monday):
    _with_email(helper)
    other = _with_email(make_helper(office, topic, first_name="Klaus"))
    appointment = book(senior, helper, office, topic, at(monday, 10))
    tuesday = monday + datetime.timedelta(days=1)
    services.appointment_move(
        appointment=appointment, helper=other, office=office, starts_at=at(tuesday, 10)
    )
    services.appointment_cancel(appointment=appointment, reason="senior")

    helper_rows = Reminder.objects.filter(helper__isnull=False)
    assert set(helper_rows.values_list("helper__user__first_name", "kind")) == {
        ("Sabine", Reminder.Kind.CONFIRMATION),
        ("Sabine", Reminder.Kind.CANCELLED),
        ("Klaus", Reminder.Kind.MOVED),
        ("Klaus", Reminder.Kind.CANCELLED),
    }
    with travel(a_weekday_morning()):
        dispatch_due()
    # Messages not yet sent about an outdated state were withdrawn; the last word goes out.
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([other.user.email], "Ein Termin wurde abgesagt")
    ]


def test_a_helper_without_address_gets_nothing(senior, helper, office, topic, monday):
    book(senior, helper, office, topic, at(monday, 10))
    assert not Reminder.objects.filter(helper=helper).exists()


def test_a_helper_who_loses_a_moved_appointment_is_told_without_the_new_time(
    senior, helper, office, topic, monday
):
    _with_email(helper)
    other = make_helper(office, topic, first_name="Klaus")
    appointment = book(senior, helper, office, topic, at(monday, 10))
    tuesday = monday + datetime.timedelta(days=1)
    services.appointment_move(
        appointment=appointment, helper=other, office=office, starts_at=at(tuesday, 11)
    )
    with travel(a_weekday_morning()):
        dispatch_due()

    (email,) = mail.outbox
    assert email.subject == "Ein Termin wurde abgesagt"
    assert "nicht mehr mit Ihnen" in email.body
    assert "11:00" not in email.body
