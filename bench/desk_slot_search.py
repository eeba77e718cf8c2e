"""Benchmark: "next 10 free slots for a topic across all offices" on a city-sized data set.

City: 30 offices, 300 helpers with a year of weekly availability, 50,000 appointments
(with their Assignment rows). `--scale 10` (default: both 1 and 10) multiplies all of it.
Prints one JSON line per data set. Honours DATABASE_URL; without it, uses bench.sqlite3,
which it deletes and rebuilds.

    .venv/bin/python bench/desk_slot_search.py [--scale 1] [--searches 50] [--reuse]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQLITE_FILE = ROOT / "bench.sqlite3"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
OWN_SQLITE = not os.environ.get("DATABASE_URL")
if OWN_SQLITE:
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
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
BATCH = 5_000
# Each helper: two weekly ranges of three hours at one office.
SHIFTS = [(datetime.time(9), datetime.time(12)), (datetime.time(13), datetime.time(16))]


def _ensure_postgres_database() -> None:
    """Create the bench database on first use (e.g. dh_desk_bench)."""
    if connection.vendor != "postgresql":
        return
    import psycopg

    settings = connection.settings_dict
    try:
        connection.ensure_connection()
    except Exception:
        with psycopg.connect(
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            user=settings["USER"],
            password=settings["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as admin:
            admin.execute(f'CREATE DATABASE "{settings["NAME"]}"')


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def build(scale: int, rng: random.Random) -> None:
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
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
    for first in range(0, len(chosen), BATCH):
        batch = chosen[first : first + BATCH]
        appointments = Appointment.objects.bulk_create(
            Appointment(
                office_id=office.pk,
                helper_id=helper.pk,
                senior_id=rng.choice(seniors).pk,
                topic_id=rng.choice(topics).pk,
                starts_at=starts_at,
                ends_at=starts_at + one_hour,
            )
            for helper, office, starts_at in batch
        )
        Assignment.objects.bulk_create(
            Assignment(
                helper_id=a.helper_id, appointment_id=a.pk, starts_at=a.starts_at, ends_at=a.ends_at
            )
            for a in appointments
        )


def measure(scale: int, searches: int, rng: random.Random) -> dict:
    topics = list(Topic.objects.all())
    today = timezone.localdate()
    durations, queries = [], []
    for _ in range(searches):
        query = SlotQuery(
            topic=rng.choice(topics), first_day=today + datetime.timedelta(days=rng.randrange(300))
        )
        reset_queries()  # the build filled the query log; count from an empty one
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            slots = free_slots(query, limit=10)
            durations.append((time.perf_counter() - started) * 1000)
        assert len(slots) == 10, "the data set should always have 10 free slots"
        queries.append(len(captured.captured_queries))
    durations.sort()
    return {
        "bench": "desk.slot_search",
        "median_ms": round(statistics.median(durations), 1),
        "p95_ms": round(durations[int(len(durations) * 0.95) - 1], 1),
        "queries": max(queries),
        "per_s": None,
        "data": "city" if scale == 1 else f"city x{scale}",
        "db": connection.vendor,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, action="append", help="1 = city; repeatable")
    parser.add_argument("--searches", type=int, default=50)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the data set built by the last run"
    )
    args = parser.parse_args()
    if OWN_SQLITE and not args.reuse:
        SQLITE_FILE.unlink(missing_ok=True)
    _ensure_postgres_database()
    for scale in args.scale or [1, 10]:
        rng = random.Random(scale)
        started = time.perf_counter()
        if not args.reuse:
            build(scale, rng)
        built_s = time.perf_counter() - started
        result = measure(scale, args.searches, rng)
        result["build_s"] = round(built_s, 1) if not args.reuse else None
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
