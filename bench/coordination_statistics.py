"""Benchmark: the coordinator's statistics page and its CSV export over three years of a
city's data (target: under 300 ms).

City: 30 offices, 300 helpers, 15,000 seniors; three years of 50,000 appointments each
(with their Assignment rows and one reminder each), 45,000 walk-ins, 1,500 workshops with
12,000 registrations and 30,000 feedback scores. The page and the export are requested
through Django's test client as a coordinator, for the whole three years and all offices.
Runs in the throw-away database of bench/_harness.py.

    .venv/bin/python bench/coordination_statistics.py [--runs 30]
"""

from __future__ import annotations

import argparse
import datetime
import time

from _harness import measure, setup_django

setup_django()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bookings import roles  # noqa: E402
from bookings.models import (  # noqa: E402
    Appointment,
    AppointmentStatus,
    Assignment,
    Helper,
    Registration,
    RegistrationStatus,
    Reminder,
    Senior,
    Topic,
    Workshop,
)
from coordination.models import Feedback, WalkIn  # noqa: E402
from neighborhoods.models import District, Office  # noqa: E402

OFFICES, HELPERS, SENIORS = 30, 300, 15_000
YEARS, APPOINTMENTS_A_YEAR = 3, 50_000
WALK_INS, WORKSHOPS, SEATS, FEEDBACK = 45_000, 1_500, 8, 30_000
TOPICS = ["Smartphone", "Tablet", "iPhone/iPad", "Videotelefonie", "Messenger", "E-Mail"]
# Rows per INSERT: with the parameters bound by the server (DATABASE_PREPARED_STATEMENTS)
# PostgreSQL takes at most 65,535 of them in one statement.
BATCH = 2_000
# Of every 20 appointments: 14 attended, 2 no-show, 3 cancelled, 1 still booked.
OUTCOMES = (
    [AppointmentStatus.ATTENDED] * 14
    + [AppointmentStatus.NO_SHOW] * 2
    + [AppointmentStatus.CANCELLED] * 3
    + [AppointmentStatus.BOOKED]
)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def build() -> datetime.date:
    """The city's data; returns the first day of the three years."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
    with transaction.atomic():
        first = _generate()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return first


def _generate() -> datetime.date:
    today = timezone.localdate()
    days = 365 * YEARS
    first = today - datetime.timedelta(days=days)
    topics = Topic.objects.bulk_create(Topic(name=name) for name in TOPICS)
    districts = District.objects.bulk_create(
        District(name=f"Stadtteil {n}") for n in range(OFFICES)
    )
    offices = Office.objects.bulk_create(
        Office(
            name=f"Stadtteilbüro {d.name}",
            district=d,
            street="Markt 1",
            postal_code="67655",
            city="Kaiserslautern",
        )
        for d in districts
    )
    users = User.objects.bulk_create(
        User(username=f"helfer{n}", first_name=f"Helfer{n}", password="!") for n in range(HELPERS)
    )
    helpers = Helper.objects.bulk_create(Helper(user=u, feed_token=f"bench-{u.pk}") for u in users)
    seniors = Senior.objects.bulk_create(
        (
            Senior(
                first_name="Erna",
                last_name=f"Muster{n}",
                phone=f"+4915{n:09d}",
                district=districts[n % OFFICES],
                search_key=f"erna muster{n}",
            )
            for n in range(SENIORS)
        ),
        batch_size=BATCH,
    )
    # New seniors spread over the three years.
    Senior.objects.update(created_at=timezone.now() - datetime.timedelta(days=days // 2))
    total = YEARS * APPOINTMENTS_A_YEAR
    per_day = -(-total // days)
    now = timezone.now()
    for start in range(0, total, BATCH):
        # A helper has at most one appointment a day, a senior one every ~100 days:
        # nobody is in two places at once (the database refuses that on PostgreSQL).
        appointments = Appointment.objects.bulk_create(
            (
                Appointment(
                    office=offices[n % OFFICES],
                    helper=helpers[n % HELPERS],
                    senior=seniors[n % SENIORS],
                    topic=topics[n % len(TOPICS)],
                    starts_at=(at := _at(first + datetime.timedelta(days=n // per_day), 9 + n % 8)),
                    ends_at=at + datetime.timedelta(hours=1),
                    status=(status := OUTCOMES[n % len(OUTCOMES)]),
                    cancelled_at=now if status == AppointmentStatus.CANCELLED else None,
                )
                for n in range(start, min(start + BATCH, total))
            ),
            batch_size=BATCH,
        )
        Assignment.objects.bulk_create(
            (
                Assignment(
                    helper_id=a.helper_id, appointment=a, starts_at=a.starts_at, ends_at=a.ends_at
                )
                for a in appointments
                if a.status != AppointmentStatus.CANCELLED
            ),
            batch_size=BATCH,
        )
        Reminder.objects.bulk_create(
            (
                Reminder(
                    appointment=a,
                    senior_id=a.senior_id,
                    kind=Reminder.Kind.DAY_BEFORE,
                    channel=Reminder.Channel.SMS if a.pk % 3 else Reminder.Channel.VOICE,
                    due_at=a.starts_at - datetime.timedelta(days=1),
                    status=Reminder.Status.DELIVERED if a.pk % 10 else Reminder.Status.FAILED,
                    sent_at=a.starts_at - datetime.timedelta(days=1),
                    segments=1 if a.pk % 3 else 0,
                    call_seconds=0 if a.pk % 3 else 75,
                    dedupe_key=f"bench-{a.pk}",
                )
                for a in appointments
            ),
            batch_size=BATCH,
        )
    WalkIn.objects.bulk_create(
        (
            WalkIn(
                office=offices[n % OFFICES],
                topic=topics[n % len(TOPICS)],
                visited_at=_at(first + datetime.timedelta(days=n * days // WALK_INS), 11),
            )
            for n in range(WALK_INS)
        ),
        batch_size=BATCH,
    )
    workshops = Workshop.objects.bulk_create(
        Workshop(
            office=offices[n % OFFICES],
            topic=topics[n % len(TOPICS)],
            title=f"Kurs {n}",
            starts_at=(at := _at(first + datetime.timedelta(days=n * days // WORKSHOPS), 14)),
            ends_at=at + datetime.timedelta(hours=2),
            seats=SEATS,
        )
        for n in range(WORKSHOPS)
    )
    Registration.objects.bulk_create(
        (
            Registration(
                workshop=w,
                senior=seniors[(w.pk * SEATS + seat) % SENIORS],
                position=seat,
                status=RegistrationStatus.ATTENDED if seat % 4 else RegistrationStatus.NO_SHOW,
            )
            for w in workshops
            for seat in range(SEATS)
        ),
        batch_size=BATCH,
    )
    Feedback.objects.bulk_create(
        (
            Feedback(
                office=offices[n % OFFICES],
                topic=topics[n % len(TOPICS)],
                score=1 + n % 5,
                received_at=_at(first + datetime.timedelta(days=n * days // FEEDBACK), 12),
            )
            for n in range(FEEDBACK)
        ),
        batch_size=BATCH,
    )
    return first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    started = time.perf_counter()
    first = build()
    built_s = round(time.perf_counter() - started, 1)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    coordinator = User.objects.create_user(username="koordination", is_staff=True)
    coordinator.groups.add(Group.objects.get_or_create(name=roles.COORDINATOR)[0])
    client = Client()
    client.force_login(coordinator)
    params = {"first": f"{first:%Y-%m-%d}", "last": f"{timezone.localdate():%Y-%m-%d}"}
    appointments = YEARS * APPOINTMENTS_A_YEAR
    data = f"3 years, {appointments} appointments, {OFFICES} offices, built in {built_s} s"

    def page(i: int) -> None:
        response = client.get(reverse("coordination:statistics"), params)
        assert response.status_code == 200, response.status_code

    def export(i: int) -> None:
        response = client.get(reverse("coordination:statistics_csv"), params)
        assert response.status_code == 200 and sum(map(len, response.streaming_content)) > 1000

    measure("coordination.statistics", page, repeat=args.runs, data=data, per_s=False)
    measure("coordination.statistics_csv", export, repeat=args.runs, data=data, per_s=False)


if __name__ == "__main__":
    main()
