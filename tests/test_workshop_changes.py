"""A workshop moved, cancelled or retitled: who is told what, with which date."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from bookings import services
from bookings.models import Assignment, RegistrationStatus, Reminder
from bookings.outbox.dispatch import dispatch_due
from bookings.outbox.texts import render_text, sms_segments
from tests.conftest import a_working_monday, at, make_helper, make_senior, make_workshop
from tests.reminder_fixtures import book, travel


@pytest.fixture
def workshop(office, topic, helper, monday):
    workshop = make_workshop(
        office, topic, seats=1, starts_at=at(monday, 14), title="WhatsApp für Einsteiger"
    )
    helper.user.email = "sabine@example.org"
    helper.user.save()
    Assignment.objects.create(helper=helper, workshop=workshop)
    return workshop


@pytest.fixture
def seated(workshop, senior):
    return services.workshop_register(workshop=workshop, senior=senior)


@pytest.fixture
def waiting(workshop, seated):
    otto = make_senior(first_name="Otto", last_name="Weber", phone="+4915123456780")
    return services.workshop_register(workshop=workshop, senior=otto)


def pending(**filters):
    return Reminder.objects.filter(status=Reminder.Status.PENDING, **filters)


def test_it_moves_assignments_and_tells_everyone(workshop, seated, waiting, helper, monday):
    new_start = at(monday + datetime.timedelta(days=3), 16)

    services.workshop_move(workshop=workshop, starts_at=new_start)

    assignment = Assignment.objects.get(workshop=workshop)
    assert (assignment.starts_at, assignment.ends_at) == (
        new_start,
        new_start + datetime.timedelta(hours=2),
    )
    moved_seated = pending(registration=seated, kind=Reminder.Kind.MOVED).get()
    moved_waiting = pending(registration=waiting, kind=Reminder.Kind.MOVED).get()
    moved_helper = pending(helper=helper, kind=Reminder.Kind.MOVED).get()
    thursday = date_format(timezone.localtime(new_start), "l, j. F") + ", um 16:00 Uhr"
    assert thursday in render_text(moved_seated)
    assert "Antworten Sie NEIN" in render_text(moved_seated)
    assert "Warteliste" in render_text(moved_waiting)
    assert thursday in render_text(moved_helper)
    for reminder in (moved_seated, moved_waiting, moved_helper):
        assert sms_segments(render_text(reminder)) <= 2


def test_after_a_move_the_day_before_reminder_carries_the_new_date(
    fake_twilio, workshop, seated, monday
):
    new_start = at(monday + datetime.timedelta(days=3), 16)  # Thursday
    services.workshop_move(workshop=workshop, starts_at=new_start)

    old = seated.reminders.get(dedupe_key=f"registration:{seated.pk}:day_before")
    new = pending(registration=seated, kind=Reminder.Kind.DAY_BEFORE).get()
    assert old.status == Reminder.Status.CANCELLED
    assert timezone.localtime(new.due_at).date() == new_start.date() - datetime.timedelta(days=1)
    assert not pending(registration=seated, kind=Reminder.Kind.DAY_BEFORE, due_at=old.due_at)

    with travel(new.due_at + datetime.timedelta(minutes=1)):
        Reminder.objects.exclude(pk=new.pk).update(status=Reminder.Status.SENT)
        dispatch_due()
    (sms,) = fake_twilio.messages()
    day = date_format(timezone.localtime(new_start), "l, j. F")
    assert f"morgen, {day}, um 16:00 Uhr" in sms["Body"]


def test_a_move_onto_a_busy_helper_is_refused_in_german(
    workshop, seated, helper, office, topic, monday
):
    thursday = monday + datetime.timedelta(days=3)
    book(make_senior(first_name="Karl"), helper, office, topic, at(thursday, 10))

    with pytest.raises(services.BookingError) as refused:
        services.workshop_move(workshop=workshop, starts_at=at(thursday, 10))

    assert "hat zur neuen Zeit schon einen anderen Einsatz" in refused.value.messages[0]
    workshop.refresh_from_db()
    assert workshop.starts_at == at(monday, 14)
    assert not Reminder.objects.filter(kind=Reminder.Kind.MOVED).exists()


def test_cancel_frees_helpers_and_tells_everyone(workshop, seated, waiting, helper):
    services.workshop_cancel(workshop=workshop)

    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert seated.status == waiting.status == RegistrationStatus.CANCELLED
    assert not Assignment.objects.filter(workshop=workshop).exists()
    assert not pending(registration=seated, kind=Reminder.Kind.DAY_BEFORE).exists()
    for registration in (seated, waiting):
        told = pending(registration=registration, kind=Reminder.Kind.CANCELLED).get()
        assert "fällt leider aus" in render_text(told)
    helper_told = pending(helper=helper, kind=Reminder.Kind.CANCELLED).get()
    assert "fällt aus" in render_text(helper_told)
    with pytest.raises(services.BookingError):
        services.workshop_cancel(workshop=workshop)


def test_cancelled_workshop_messages_are_sent_not_dropped(fake_twilio, workshop, seated):
    services.workshop_cancel(workshop=workshop)
    Reminder.objects.exclude(kind=Reminder.Kind.CANCELLED).update(status=Reminder.Status.SENT)
    with travel(at(a_working_monday(1), 11)):
        dispatch_due()
    bodies = [m["Body"] for m in fake_twilio.messages()]
    assert any("fällt leider aus" in body for body in bodies)


def test_retitle_tells_registered_seniors_only(workshop, seated, waiting, helper):
    services.workshop_retitle(
        workshop=workshop, title="WhatsApp und Signal", description="Neu: auch Signal"
    )

    told = pending(kind=Reminder.Kind.RETITLED).get()
    assert told.registration == seated
    assert 'heißt jetzt "WhatsApp und Signal"' in render_text(told)
    assert sms_segments(render_text(told)) <= 2


def test_a_new_description_alone_tells_nobody(workshop, seated):
    before = Reminder.objects.count()
    services.workshop_retitle(
        workshop=workshop, title=workshop.title, description="Bitte Ladekabel mitbringen"
    )
    workshop.refresh_from_db()
    assert workshop.description == "Bitte Ladekabel mitbringen"
    assert Reminder.objects.count() == before


def test_moving_twice_tells_twice(workshop, seated, monday):
    services.workshop_move(workshop=workshop, starts_at=at(monday + datetime.timedelta(days=1), 14))
    services.workshop_move(workshop=workshop, starts_at=at(monday + datetime.timedelta(days=2), 14))
    assert seated.reminders.filter(kind=Reminder.Kind.MOVED).count() == 2
    assert pending(registration=seated, kind=Reminder.Kind.DAY_BEFORE).count() == 1


def test_workshop_save_has_no_side_effects(workshop, monday):
    workshop.starts_at = at(monday + datetime.timedelta(days=1), 14)
    workshop.ends_at = workshop.starts_at + datetime.timedelta(hours=2)
    workshop.save()
    assert Assignment.objects.get(workshop=workshop).starts_at == at(monday, 14)


def test_a_helper_without_address_is_skipped(workshop, seated, office, topic, monday):
    silent = make_helper(office, topic, first_name="Stumm")
    silent.user.email = ""
    silent.user.save()
    Assignment.objects.create(
        helper=silent, workshop=workshop, starts_at=workshop.starts_at, ends_at=workshop.ends_at
    )
    services.workshop_move(workshop=workshop, starts_at=at(monday + datetime.timedelta(days=1), 14))
    assert not Reminder.objects.filter(helper=silent).exists()


def test_an_open_offer_ends_in_time_for_an_earlier_workshop(workshop, seated):
    from bookings.models import SeatOffer

    otto = services.workshop_register(workshop=workshop, senior=make_senior(first_name="Otto"))
    services.registration_cancel(registration=seated)
    new_start = timezone.now() + datetime.timedelta(hours=20)
    services.workshop_move(workshop=workshop, starts_at=new_start)

    offer = SeatOffer.objects.get(registration=otto)
    assert offer.expires_at == new_start - datetime.timedelta(hours=3)


def test_the_helpers_feed_shows_the_move(client, workshop, helper, monday):
    from django.core.cache import cache

    from tests.test_helper_feed import events_by_uid, fetch

    cache.clear()
    (before,) = events_by_uid(fetch(client, helper)).values()
    assert before["SEQUENCE"] == 0
    new_start = at(monday + datetime.timedelta(days=1), 14)

    services.workshop_move(workshop=workshop, starts_at=new_start)

    (after,) = events_by_uid(fetch(client, helper)).values()
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == 1
    assert after.decoded("DTSTART") == new_start
