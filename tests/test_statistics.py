"""The coordinator's statistics page and CSV export: numbers, months, permissions, queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bookings.models import Appointment, AppointmentStatus, Assignment, Reminder, Topic
from coordination.models import Feedback, WalkIn
from coordination.statistics import Period, statistics_for
from tests.conftest import make_office, make_senior, make_workshop

URL = reverse("coordination:statistics")
CSV_URL = reverse("coordination:statistics_csv")


def _appointment(office, helper, topic, starts_at, status=AppointmentStatus.ATTENDED):
    return Appointment.objects.create(
        office=office,
        helper=helper,
        senior=make_senior(),
        topic=topic,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=1),
        status=status,
        cancelled_at=timezone.now() if status == AppointmentStatus.CANCELLED else None,
    )


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def city(office, other_office, helper, topic):
    """Two months of data: appointments in each state, walk-ins, feedback, reminders."""
    march = datetime.date(2026, 3, 1)
    _appointment(office, helper, topic, _local(march, 0, 30))  # first local hour of March
    _appointment(
        office, helper, topic, _local(march.replace(day=10), 10), AppointmentStatus.NO_SHOW
    )
    cancelled = _appointment(
        office, helper, topic, _local(march.replace(day=11), 10), AppointmentStatus.CANCELLED
    )
    _appointment(other_office, helper, topic, _local(datetime.date(2026, 4, 2), 10))
    WalkIn.objects.create(
        office=office, topic=topic, minutes=30, visited_at=_local(march.replace(day=5), 11)
    )
    Feedback.objects.create(office=office, topic=topic, score=4, received_at=_local(march, 12))
    Feedback.objects.create(office=office, topic=topic, score=5, received_at=_local(march, 13))
    Reminder.objects.create(
        appointment=cancelled,
        senior=cancelled.senior,
        kind=Reminder.Kind.CONFIRMATION,
        channel=Reminder.Channel.SMS,
        due_at=_local(march, 9),
        status=Reminder.Status.DELIVERED,
        sent_at=_local(march, 9),
        segments=2,
        dedupe_key="a",
    )
    Reminder.objects.create(
        appointment=cancelled,
        senior=cancelled.senior,
        kind=Reminder.Kind.DAY_BEFORE,
        channel=Reminder.Channel.VOICE,
        due_at=_local(march, 10),
        status=Reminder.Status.DELIVERED,
        sent_at=_local(march, 10),
        call_seconds=61,
        dedupe_key="b",
    )
    return Period(first=march, last=datetime.date(2026, 4, 30))


def test_it_counts_appointments_per_office_and_local_month(city, office, other_office):
    stats = statistics_for(city)
    march, april = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)
    # 00:30 on 1 March in Berlin is 28 February in UTC: it still counts for March.
    assert stats.appointments[(office.pk, march)] == {
        "booked": 3,
        "attended": 1,
        "no_show": 1,
        "cancelled": 1,
    }
    assert stats.appointments[(other_office.pk, april)]["attended"] == 1
    assert stats.walk_ins[(office.pk, march)] == {"visits": 1, "minutes": 30, "loan": 0}


def test_it_counts_the_helpers_time_given(city, office, other_office, helper, other_helper, topic):
    attended = Appointment.objects.get(status=AppointmentStatus.ATTENDED, office=office)
    attended.ends_at -= datetime.timedelta(minutes=15)
    attended.save()
    workshop = make_workshop(office, topic, starts_at=_local(datetime.date(2026, 3, 20), 14))
    for person in (helper, other_helper):
        Assignment.objects.create(helper=person, workshop=workshop)
    # The attended appointment (45 minutes, not the no-show) and two helpers for two hours.
    minutes = statistics_for(city).helper_minutes
    assert minutes[(office.pk, datetime.date(2026, 3, 1))] == 45 + 2 * 120
    assert minutes[(other_office.pk, datetime.date(2026, 4, 1))] == 60


def test_it_counts_reminder_costs_and_feedback(city, topic):
    stats = statistics_for(city)
    march = datetime.date(2026, 3, 1)
    assert stats.reminders[(march, "sms")]["segments"] == 2
    # A call of 61 seconds is billed as two started minutes.
    assert stats.reminders[(march, "voice")]["call_minutes"] == 2
    assert stats.reminders[(march, "voice")]["delivered"] == 1
    (row,) = stats.feedback
    assert (row["count"], row["average"], row["topic_name"]) == (2, 4.5, topic.name)


def test_it_filters_by_office(city, other_office):
    stats = statistics_for(Period(first=city.first, last=city.last, office=other_office))
    assert list(stats.offices) == [other_office.pk]
    assert sum(row["booked"] for row in stats.appointments.values()) == 1
    assert stats.walk_ins == {}


def test_it_shows_the_page_to_coordinators(client, coordinator, city):
    client.force_login(coordinator)
    response = client.get(URL, {"first": "2026-03-01", "last": "2026-04-30"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="img"' in body
    assert "Termine je Monat" in body
    assert "März 2026" in body
    assert "Gertrud" not in body and "Müller" not in body


def test_it_defaults_to_the_last_twelve_months(client, coordinator):
    client.force_login(coordinator)
    response = client.get(URL)
    period = response.context["period"]
    assert period.last == timezone.localdate()
    assert len(period.months()) == 12


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"first": "2026-13-01", "last": "2026-04-30"}, "gültiges Datum"),
        ({"first": "2026-05-01", "last": "2026-04-30"}, "vor seinem Anfang"),
        ({"first": "2020-01-01", "last": "2026-04-30"}, "höchstens 5 Jahre"),
    ],
)
def test_it_explains_bad_dates_in_german(client, coordinator, params, message):
    client.force_login(coordinator)
    response = client.get(URL, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "report" not in response.context
    assert client.get(CSV_URL, params).status_code == 400


def test_it_refuses_office_staff_and_helpers(client, office_staff, helper):
    for user in (office_staff, helper.user):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.get(CSV_URL).status_code == 403


def test_the_csv_opens_in_german_excel_without_names(client, coordinator, city, office):
    client.force_login(coordinator)
    response = client.get(CSV_URL, {"first": "2026-03-01", "last": "2026-04-30"})
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0].startswith("Monat;Büro;Termine gebucht;")
    assert f"2026-03;{office.name};3;1;1;1;" in text
    assert "4,5" in text  # the average with a decimal comma
    assert "Gertrud" not in text and "+49" not in text


def test_a_formula_like_name_stays_text(client, coordinator, office, topic):
    Topic.objects.create(name="=HYPERLINK(1)")
    WalkIn.objects.create(office=office, topic=Topic.objects.get(name="=HYPERLINK(1)"))
    client.force_login(coordinator)
    text = b"".join(client.get(CSV_URL).streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


def _more_data(offices, helper, topic, months: int) -> None:
    first = datetime.date(2026, 1, 1)
    for n in range(months * 4):
        office = offices[n % len(offices)]
        day = first + datetime.timedelta(days=7 * n)
        _appointment(office, helper, topic, _local(day, 10), AppointmentStatus.ATTENDED)
        WalkIn.objects.create(office=office, topic=topic, visited_at=_local(day, 11))
        Feedback.objects.create(office=office, topic=topic, score=3, received_at=_local(day, 12))


@pytest.mark.parametrize("extra_offices", [0, 4])
def test_the_page_and_export_use_a_fixed_number_of_queries(
    client, coordinator, office, helper, topic, django_assert_max_num_queries, extra_offices
):
    offices = [office] + [make_office() for _ in range(extra_offices)]
    _more_data(offices, helper, topic, months=2 if not extra_offices else 12)
    client.force_login(coordinator)
    params = {"first": "2026-01-01", "last": "2026-12-31"}
    # Session, user and groups; offices, topic names and seven grouped counts; the form's
    # office list (the page only). On PostgreSQL the counts run in a transaction that asks
    # for plans made for their period (helpdesk.postgres.custom_plans): a savepoint here,
    # the setting, its release.
    planning = 3 if connection.vendor == "postgresql" else 0
    with django_assert_max_num_queries(13 + planning):
        assert client.get(URL, params).status_code == 200
    with django_assert_max_num_queries(12 + planning):
        b"".join(client.get(CSV_URL, params).streaming_content)


def test_only_coordinators_see_the_links_in_the_header(client, coordinator, office_staff):
    client.force_login(coordinator)
    page = client.get(reverse("desk:dashboard")).content.decode()
    assert f'href="{URL}"' in page and f'href="{reverse("coordination:coverage")}"' in page
    client.force_login(office_staff)
    assert f'href="{URL}"' not in client.get(reverse("desk:dashboard")).content.decode()


def test_it_counts_the_first_instant_of_a_month_in_that_month(office, helper, topic):
    # Exactly local midnight belongs to the month that starts there, on every database.
    april = datetime.date(2026, 4, 1)
    _appointment(office, helper, topic, _local(april, 0))
    stats = statistics_for(Period(first=datetime.date(2026, 3, 1), last=april))
    assert stats.appointments[(office.pk, april)]["booked"] == 1
    assert (office.pk, datetime.date(2026, 3, 1)) not in stats.appointments
    # A period of one month has no month starts to compare with.
    one_month = statistics_for(Period(first=april, last=april))
    assert one_month.appointments[(office.pk, april)]["booked"] == 1


def test_it_rounds_the_helpers_time_to_the_nearest_minute(office, helper, topic):
    # Half a minute rounds up, a second less rounds down, on every database.
    march = datetime.date(2026, 3, 1)
    for day, seconds in ((2, 30), (3, 29)):
        appointment = _appointment(office, helper, topic, _local(march.replace(day=day), 10))
        length = datetime.timedelta(minutes=44, seconds=seconds)
        appointment.ends_at = appointment.starts_at + length
        appointment.save()
    period = Period(first=march, last=march.replace(day=31))
    minutes = statistics_for(period).helper_minutes
    assert minutes[(office.pk, march)] == 45 + 44
