"""Bookings a closure or a helper's drop-out makes impossible: flagged, messages held,
the office told, another helper suggested and handed over with one action."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from bookings import services
from bookings.desk.selectors import rebooking_list, replacement_helpers
from bookings.models import Appointment, AppointmentStatus, Reminder
from tests.conftest import at, make_helper, make_senior, make_user


@pytest.fixture
def booked(senior, helper, office, topic, monday):
    return services.appointment_book(
        senior=senior, helper=helper, office=office, topic=topic, starts_at=at(monday, 10)
    )


@pytest.fixture
def klaus(office, topic):
    return make_helper(office, topic, first_name="Klaus")


@pytest.fixture
def staff_client(client, office_staff):
    client.force_login(office_staff)
    return client


def senior_statuses(appointment: Appointment) -> dict[str, str]:
    return dict(appointment.reminders.filter(senior__isnull=False).values_list("kind", "status"))


def test_it_flags_and_holds_but_cancels_nothing_on_a_closure(booked, office, monday):
    _closure, flagged = services.closure_record(
        office=office, starts_on=monday, ends_on=monday, reason="Wasserschaden"
    )

    assert flagged == [booked]
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED
    assert booked.needs_rebooking
    assert senior_statuses(booked) == {"confirmation": "held", "day_before": "held"}


def test_it_leaves_bookings_on_other_days_and_at_other_offices_alone(
    booked, office, other_office, other_helper, topic, monday
):
    elsewhere = services.appointment_book(
        senior=make_senior(phone="+4915123456788"),
        helper=other_helper,
        office=other_office,
        topic=topic,
        starts_at=at(monday, 10),
    )
    tuesday = monday + datetime.timedelta(days=1)

    services.closure_record(office=office, starts_on=tuesday, ends_on=tuesday, reason="Umzug")
    services.closure_record(office=other_office, starts_on=tuesday, ends_on=tuesday, reason="x")

    for appointment in (booked, elsewhere):
        appointment.refresh_from_db()
        assert not appointment.needs_rebooking
        assert senior_statuses(appointment)["day_before"] == "pending"


def test_it_mails_the_office_why_and_what_in_german(
    booked, office, office_staff, monday, django_capture_on_commit_callbacks
):
    office_staff.email = "buero@example.org"
    office_staff.save()

    # Whoever closes the office may read English; the office's mail is German.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.closure_record(office=office, starts_on=monday, ends_on=monday, reason="Umzug")

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "geschlossen (Umzug)" in body
    assert "Gertrud M." in body
    assert "zurückgehalten" in body
    assert "+49" not in body


def test_a_removed_closure_releases_what_it_held_but_not_an_absence(booked, helper, office, monday):
    closure, _flagged = services.closure_record(
        office=office, starts_on=monday, ends_on=monday, reason="Umzug"
    )
    services.absence_record(helper=helper, starts_on=monday, ends_on=monday)

    assert services.closure_remove(closure=closure) == []

    booked.refresh_from_db()
    assert booked.needs_rebooking
    assert senior_statuses(booked)["day_before"] == "held"


def test_a_held_day_before_reminder_whose_time_passed_is_withdrawn_on_release(
    booked, office, monday
):
    closure, _flagged = services.closure_record(
        office=office, starts_on=monday, ends_on=monday, reason="Umzug"
    )
    day_before = booked.reminders.get(kind=Reminder.Kind.DAY_BEFORE)
    Reminder.objects.filter(pk=day_before.pk).update(
        due_at=day_before.created_at - datetime.timedelta(minutes=1)
    )

    services.closure_remove(closure=closure)

    assert senior_statuses(booked) == {"confirmation": "pending", "day_before": "cancelled"}


def test_it_suggests_a_free_helper_with_the_topic_at_the_same_office(
    booked, helper, klaus, office, topic, monday
):
    services.helper_deactivate(helper=helper)

    assert replacement_helpers(booked) == [klaus]
    assert rebooking_list() == [(booked, klaus)]


def test_it_suggests_nobody_who_is_busy_away_or_without_the_topic(
    booked, helper, klaus, office, topic, monday
):
    other_topic_helper = make_helper(office, topic, first_name="Ute")
    other_topic_helper.topics.clear()
    services.absence_record(helper=klaus, starts_on=monday, ends_on=monday)
    busy = make_helper(office, topic, first_name="Jonas")
    services.appointment_book(
        senior=make_senior(phone="+4915123456700"),
        helper=busy,
        office=office,
        topic=topic,
        starts_at=at(monday, 10),
    )
    services.helper_deactivate(helper=helper)

    assert replacement_helpers(booked) == []
    assert rebooking_list() == [(booked, None)]


def test_a_closed_office_has_no_suggestion(booked, klaus, office, monday):
    services.closure_record(office=office, starts_on=monday, ends_on=monday, reason="Umzug")

    assert replacement_helpers(booked) == []


def test_the_desk_lists_it_with_phone_and_hands_it_over_in_one_step(
    staff_client, booked, helper, klaus
):
    services.helper_deactivate(helper=helper)

    dashboard = staff_client.get(reverse("desk:dashboard")).content.decode()
    assert "Termine neu vereinbaren" in dashboard
    assert "01512 3456789" in dashboard
    assert "An Klaus übergeben" in dashboard
    page = staff_client.get(reverse("desk:appointment", args=[booked.pk])).content.decode()
    assert "An Klaus übergeben" in page

    response = staff_client.post(reverse("desk:hand_over", args=[booked.pk]), {"helper": klaus.pk})

    assert response.status_code == 302
    assert response["Location"] == reverse("desk:confirmation", args=[booked.pk])
    booked.refresh_from_db()
    assert booked.helper == klaus
    assert not booked.needs_rebooking
    assert senior_statuses(booked) == {
        "confirmation": "cancelled",
        "day_before": "pending",
        "moved": "pending",
    }


def test_the_desk_refuses_to_hand_over_to_someone_not_suggested(
    staff_client, booked, helper, office, topic
):
    services.helper_deactivate(helper=helper)
    stranger = make_helper(office, topic, first_name="Ute")
    stranger.topics.clear()

    response = staff_client.post(
        reverse("desk:hand_over", args=[booked.pk]), {"helper": stranger.pk}, follow=True
    )

    assert "kann den Termin nicht mehr übernehmen" in response.content.decode()
    booked.refresh_from_db()
    assert booked.helper == helper
    assert booked.needs_rebooking


def test_helpers_may_not_hand_over(client, booked, helper, klaus):
    services.helper_deactivate(helper=helper)
    client.force_login(make_user(group="Ehrenamtliche"))

    response = client.post(reverse("desk:hand_over", args=[booked.pk]), {"helper": klaus.pk})

    assert response.status_code == 403
    booked.refresh_from_db()
    assert booked.helper == helper


def test_a_cancelled_flagged_booking_keeps_no_held_messages(booked, office, monday):
    services.closure_record(office=office, starts_on=monday, ends_on=monday, reason="Umzug")

    services.appointment_cancel(appointment=booked, reason="office_closed")

    assert not booked.reminders.filter(status=Reminder.Status.HELD).exists()
    assert booked.reminders.filter(kind="cancelled", senior__isnull=False).get().status == (
        "pending"
    )
