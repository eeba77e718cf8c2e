"""Benchmark: "next 10 free slots for a topic across all offices" on a city-sized data set.

City: 30 offices, 300 helpers with a year of weekly availability, 50,000 appointments
(with their Assignment rows); `--scale 10` multiplies all of it (building that takes
minutes, so `make bench` measures the city only). Runs in the throw-away database of
bench/_harness.py.

    .venv/bin/python bench/desk_slot_search.py [--scale 10] [--searches 50]
"""

from __future__ import annotations

import argparse
import collections
import datetime
import random
import time

from _harness import measure, setup_django

setup_django()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bookings.availability import SlotQuery, free_slots  # noqa: E402
from bookings.models import (  # noqa: E402
    Absence,
    Appointment,
    Assignment,
    Availability,
    Helper,
    Senior,
    Topic,
)
from neighborhoods.holidays import public_holidays_between  # noqa: E402
from neighborhoods.models import District, Office, OpeningHours  # noqa: E402

OFFICES, HELPERS, APPOINTMENTS, SENIORS = 30, 300, 50_000, 5_000
TOPICS = ["Smartphone", "Tablet", "iPhone/iPad", "Videotelefonie", "Messenger", "E-Mail"]
# Rows per INSERT: with the parameters bound by the server (DATABASE_PREPARED_STATEMENTS)
# PostgreSQL takes at most 65,535 of them in one statement.
BATCH = 2_000
# Each helper: two weekly ranges of three hours at one office.
SHIFTS = [(datetime.time(9), datetime.time(12)), (datetime.time(13), datetime.time(16))]


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def build(scale: int, rng: random.Random) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # A throw-away file: no need to wait for the disk after every batch.
            cursor.execute("PRAGMA synchronous = OFF")
    with transaction.atomic():
        _generate(scale, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _generate(scale: int, rng: random.Random) -> None:
    today = timezone.localdate()
    until = today + datetime.timedelta(days=365)
    topics = Topic.objects.bulk_create(Topic(name=name, duration_minutes=60) for name in TOPICS)
    districts = District.objects.bulk_create(
        District(name=f"Stadtteil {n}") for n in range(OFFICES * scale)
    )
    offices = Office.objects.bulk_create(
        Office(
            name=f"Stadtteilbüro {d.name}",
            district=d,
            street="Musterstraße 1",
            postal_code="67655",
            city="Kaiserslautern",
        )
        for d in districts
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(
            office=office, weekday=weekday, opens=datetime.time(9), closes=datetime.time(17)
        )
        for office in offices
        for weekday in range(5)
    )
    users = User.objects.bulk_create(
        User(username=f"helfer{n}", first_name=f"Helfer{n}", password="!")
        for n in range(HELPERS * scale)
    )
    helpers = Helper.objects.bulk_create(
        Helper(user=user, feed_token=f"bench-{user.pk}") for user in users
    )
    Helper.offices.through.objects.bulk_create(
        Helper.offices.through(helper=helper, office=offices[n % len(offices)])
        for n, helper in enumerate(helpers)
    )
    Helper.topics.through.objects.bulk_create(
        Helper.topics.through(helper=helper, topic=topic)
        for helper in helpers
        for topic in rng.sample(topics, 3)
    )
    # Two shifts a week per helper, on two different weekdays.
    shifts: dict[int, list[tuple[int, datetime.time, datetime.time]]] = {}
    availabilities = []
    for n, helper in enumerate(helpers):
        office = offices[n % len(offices)]
        days = rng.sample(range(5), 2)
        shifts[helper.pk] = [(days[i], *SHIFTS[rng.randrange(2)]) for i in range(2)]
        availabilities += [
            Availability(
                helper=helper,
                office=office,
                weekday=weekday,
                starts=starts,
                ends=ends,
                valid_from=today,
                valid_until=until,
            )
            for weekday, starts, ends in shifts[helper.pk]
        ]
    Availability.objects.bulk_create(availabilities, batch_size=BATCH)
    Absence.objects.bulk_create(
        Absence(
            helper=helper,
            starts_on=today + datetime.timedelta(days=rng.randrange(300)),
            ends_on=today + datetime.timedelta(days=rng.randrange(300, 314)),
        )
        for helper in rng.sample(helpers, len(helpers) // 10)
    )
    seniors = []
    for n in range(SENIORS * scale):
        senior = Senior(
            first_name="Erna", last_name=f"Muster{n}", phone=f"+4915{n:09d}", phone_kind="mobile"
        )
        senior.search_key = f"erna muster{n}"
        seniors.append(senior)
    seniors = Senior.objects.bulk_create(seniors, batch_size=BATCH)
    holidays = public_holidays_between(today, until)
    # Every hourly slot of the year, then a random 50,000 of them (a bit more than half).
    candidates = []
    for n, helper in enumerate(helpers):
        office = offices[n % len(offices)]
        for weekday, starts, _ends in shifts[helper.pk]:
            day = today + datetime.timedelta(days=(weekday - today.weekday()) % 7 or 7)
            while day < until:
                if day not in holidays:
                    for hour in range(3):
                        candidates.append(
                            (helper, office, _at(day, starts) + datetime.timedelta(hours=hour))
                        )
                day += datetime.timedelta(weeks=1)
    chosen = rng.sample(candidates, min(APPOINTMENTS * scale, len(candidates)))
    one_hour = datetime.timedelta(hours=1)
    # A senior is never in two appointments at once (the database refuses it): all start on
    # the hour and last one, so no senior may start twice at the same moment.
    taken: dict[datetime.datetime, set[int]] = collections.defaultdict(set)

    def free_senior(starts_at: datetime.datetime) -> int:
        while (pk := rng.choice(seniors).pk) in taken[starts_at]:
            pass
        taken[starts_at].add(pk)
        return pk

    for first in range(0, len(chosen), BATCH):
        batch = chosen[first : first + BATCH]
        appointments = Appointment.objects.bulk_create(
            (
                Appointment(
                    office_id=office.pk,
                    helper_id=helper.pk,
                    senior_id=free_senior(starts_at),
                    topic_id=rng.choice(topics).pk,
                    starts_at=starts_at,
                    ends_at=starts_at + one_hour,
                )
                for helper, office, starts_at in batch
            ),
            batch_size=BATCH,
        )
        Assignment.objects.bulk_create(
            (
                Assignment(
                    helper_id=a.helper_id,
                    appointment_id=a.pk,
                    starts_at=a.starts_at,
                    ends_at=a.ends_at,
                )
                for a in appointments
            ),
            batch_size=BATCH,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="1 = city, 10 = ten times as much")
    parser.add_argument("--searches", type=int, default=50)
    args = parser.parse_args()
    rng = random.Random(args.scale)
    started = time.perf_counter()
    build(args.scale, rng)
    built_s = round(time.perf_counter() - started, 1)
    topics = list(Topic.objects.all())
    today = timezone.localdate()

    def search(i: int) -> None:
        query = SlotQuery(
            topic=rng.choice(topics), first_day=today + datetime.timedelta(days=rng.randrange(300))
        )
        slots = free_slots(query, limit=10)
        assert len(slots) == 10, "the data set should always have 10 free slots"

    data = "city" if args.scale == 1 else f"city x{args.scale}"
    measure("desk.slot_search", search, repeat=args.searches, data=f"{data}, built in {built_s} s")


if __name__ == "__main__":
    main()
