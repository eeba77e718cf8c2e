"""The day-before reminder goes out on the last allowed day before the appointment, and
every text names the day as it is when the message is sent ("heute", "morgen", "am …")."""

from __future__ import annotations

import datetime

import holidays
import pytest
from django.utils import timezone

from bookings.models import Reminder
from bookings.outbox.dispatch import dispatch_due
from bookings.outbox.queue import day_before_due
from bookings.outbox.texts import day_words, render_text
from tests.conftest import at, make_senior
from tests.reminder_fixtures import book, travel

WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]


def _week_without_holidays() -> datetime.date:
    """A Monday next year whose week and the Saturday before have no public holiday."""
    day = datetime.date(timezone.localdate().year + 1, 2, 1)
    day += datetime.timedelta(days=(7 - day.weekday()) % 7)
    rp = holidays.country_holidays("DE", subdiv="RP", years=day.year)
    while any(day + datetime.timedelta(days=n) in rp for n in range(-2, 7)):
        day += datetime.timedelta(weeks=1)
    return day


def _last_sunday(year: int, month: int) -> datetime.date:
    last = datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=(last.weekday() + 1) % 7)


def _holiday(name: str) -> datetime.date:
    year = timezone.localdate().year + 1
    rp = holidays.country_holidays("DE", subdiv="RP", years=year, language="de")
    return next(day for day, day_name in rp.items() if day_name == name)


# weekday of the appointment -> (days before it the reminder goes, what the text says then)
EXPECTED = {
    0: (2, "am Montag"),  # Sunday is quiet: Saturday
    1: (1, "morgen, Dienstag"),
    2: (1, "morgen, Mittwoch"),
    3: (1, "morgen, Donnerstag"),
    4: (1, "morgen, Freitag"),
    5: (1, "morgen, Samstag"),
    6: (1, "morgen, Sonntag"),
}


@pytest.mark.parametrize("weekday", range(7))
def test_it_goes_on_the_last_allowed_day_before_every_weekday(weekday, settings):
    day = _week_without_holidays() + datetime.timedelta(days=weekday)
    days_before, words = EXPECTED[weekday]

    due = day_before_due(at(day, 10))

    assert due == at(day - datetime.timedelta(days=days_before), settings.REMINDER_HOUR)
    assert day_words(at(day, 10), now=due).startswith(words)


def test_after_easter_it_goes_on_the_saturday_before():
    # Easter Sunday is quiet and Easter Monday a public holiday.
    tuesday = _holiday("Ostermontag") + datetime.timedelta(days=1)
    saturday = tuesday - datetime.timedelta(days=3)
    month = {3: "März", 4: "April"}[tuesday.month]

    due = day_before_due(at(tuesday, 10))

    assert due == at(saturday, 10)
    assert day_words(at(tuesday, 10), now=due) == f"am Dienstag, {tuesday.day}. {month}"


def test_after_good_friday_it_goes_on_the_thursday():
    saturday = _holiday("Karfreitag") + datetime.timedelta(days=1)
    assert day_before_due(at(saturday, 10)) == at(saturday - datetime.timedelta(days=2), 10)


@pytest.mark.parametrize(("month", "utc_hour"), [(3, 9), (10, 8)])
def test_it_ignores_the_daylight_saving_switch(month, utc_hour):
    # The Saturday before the switch is still on the old offset: CET in March, CEST in October.
    sunday = _last_sunday(timezone.localdate().year + 1, month)
    monday = sunday + datetime.timedelta(days=1)

    due = day_before_due(at(monday, 10))

    assert timezone.localtime(due).date() == sunday - datetime.timedelta(days=1)
    assert due.astimezone(datetime.UTC).hour == utc_hour
    # Half an hour before local midnight of the switch Sunday, Monday is "morgen".
    late_sunday = at(sunday, 23, 30)
    assert day_words(at(monday, 0, 30), now=late_sunday).startswith("morgen, Montag")
    assert day_words(at(sunday, 3, 30), now=at(sunday, 0, 30)).startswith("heute, Sonntag")


def test_the_words_follow_the_moment_of_sending_not_of_queueing():
    day = _week_without_holidays() + datetime.timedelta(days=2)  # a Wednesday
    appointment = at(day, 10)
    assert day_words(appointment, now=at(day - datetime.timedelta(days=5), 12)).startswith("am ")
    assert day_words(appointment, now=at(day - datetime.timedelta(days=1), 23, 59)).startswith(
        "morgen, Mittwoch"
    )
    assert day_words(appointment, now=at(day, 0, 1)).startswith("heute, Mittwoch")


def test_a_monday_reminder_goes_on_saturday_and_says_monday(
    fake_twilio, senior, helper, office, topic, monday
):
    appointment = book(senior, helper, office, topic, at(monday, 10))
    reminder = appointment.reminders.get(kind=Reminder.Kind.DAY_BEFORE)
    Reminder.objects.exclude(pk=reminder.pk).update(status=Reminder.Status.CANCELLED)
    saturday = monday - datetime.timedelta(days=2)

    with travel(at(saturday, 9, 59)):
        dispatch_due()
    assert not fake_twilio.messages()
    for moment in (at(saturday, 10), at(monday, 9)):
        with travel(moment):
            dispatch_due()

    (sms,) = fake_twilio.messages()
    assert f"am Montag, {monday.day}. " in sms["Body"]
    assert "morgen" not in sms["Body"].lower()


def test_a_tuesday_reminder_says_morgen(fake_twilio, senior, helper, office, topic, monday):
    tuesday = monday + datetime.timedelta(days=1)
    appointment = book(senior, helper, office, topic, at(tuesday, 10))
    Reminder.objects.exclude(appointment=appointment, kind=Reminder.Kind.DAY_BEFORE).update(
        status=Reminder.Status.CANCELLED
    )
    with travel(at(monday, 10)):
        dispatch_due()
    (sms,) = fake_twilio.messages()
    assert f"ist morgen, Dienstag, {tuesday.day}. " in sms["Body"]


def test_a_confirmation_held_until_the_appointment_day_says_heute(
    fake_twilio, senior, helper, office, topic, monday
):
    saturday = monday - datetime.timedelta(days=2)
    with travel(at(saturday, 21)):
        appointment = book(senior, helper, office, topic, at(monday, 11))
    # Too late for the day-before reminder; the confirmation waits for Monday 09:00.
    assert not appointment.reminders.filter(kind=Reminder.Kind.DAY_BEFORE).exists()
    confirmation = appointment.reminders.get(senior=senior, kind=Reminder.Kind.CONFIRMATION)
    for moment in (at(saturday, 22), at(monday - datetime.timedelta(days=1), 12)):
        with travel(moment):
            dispatch_due()
    assert not fake_twilio.messages()
    with travel(at(monday, 9)):
        dispatch_due()
        assert "ist heute, Montag" in render_text(confirmation)
    (sms,) = fake_twilio.messages()
    assert f"ist heute, Montag, {monday.day}. " in sms["Body"]


def test_a_send_in_doubt_is_found_at_the_provider_after_midnight(
    fake_twilio, senior, helper, office, topic, monday
):
    # Sent on Monday evening as "morgen", outcome unknown; on Tuesday the text would say
    # "heute", but the provider must still be asked for the text as it went out.
    tuesday = monday + datetime.timedelta(days=1)
    appointment = book(senior, helper, office, topic, at(tuesday, 10))
    reminder = appointment.reminders.get(kind=Reminder.Kind.DAY_BEFORE)
    Reminder.objects.exclude(pk=reminder.pk).update(status=Reminder.Status.CANCELLED)
    fake_twilio.fail(str(senior.phone), 500, 20500, went_out=True)

    with travel(at(monday, 19, 50)):
        dispatch_due()
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.PENDING and reminder.uncertain_since
    with travel(at(tuesday, 9)):
        dispatch_due()

    reminder.refresh_from_db()
    (sms,) = fake_twilio.messages()
    assert reminder.status == Reminder.Status.SENT
    assert reminder.provider_sid == sms["_sid"]
    assert f"ist morgen, Dienstag, {tuesday.day}. " in sms["Body"]


def test_a_call_says_the_same_day_words(helper, office, topic, monday):
    senior = make_senior(phone="+49631123456")  # a landline: a call
    tuesday = monday + datetime.timedelta(days=1)
    appointment = book(senior, helper, office, topic, at(tuesday, 10, 30))
    reminder = appointment.reminders.get(kind=Reminder.Kind.DAY_BEFORE)
    assert reminder.channel == Reminder.Channel.VOICE

    with travel(at(monday, 10)):
        text = render_text(reminder)

    assert f"ist morgen, Dienstag, {tuesday.day}. " in text
    assert text.count("um 10 Uhr 30") == 1
