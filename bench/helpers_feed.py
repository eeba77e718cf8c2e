"""Benchmark: the calendar feed of a helper with 500 appointments (target: under 100 ms).

Two measures, one JSON line each: "helpers.feed" is what the feed URL costs when the
calendar app asks again and nothing changed (version check, then the cache), the usual
case; "helpers.feed_render" builds the feed from scratch, as after every change.
Honours DATABASE_URL; without it, uses
bench.sqlite3 in the project folder, rebuilt from scratch. The data is written inside a
transaction that is rolled back, so a database named in DATABASE_URL is left as it was.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SQLITE_FILE = ROOT / "bench.sqlite3"
if not os.environ.get("DATABASE_URL"):
    SQLITE_FILE.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"
os.environ["DJANGO_SETTINGS_MODULE"] = "helpdesk.settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bookings.feed import feed_version, helper_feed, helper_feed_cached  # noqa: E402
from bookings.models import Appointment, Helper, Senior, Topic  # noqa: E402
from neighborhoods.models import District, Office  # noqa: E402

APPOINTMENTS = 500
RUNS = 30


def _helper_with_appointments() -> Helper:
    district = District.objects.create(name="Bench-Stadtteil")
    office = Office.objects.create(
        name="Bench-Stadtteilbüro",
        district=district,
        street="Marktplatz 1",
        postal_code="67655",
        city="Kaiserslautern",
    )
    topic = Topic.objects.create(name="Bench-Smartphone")
    user = User.objects.create_user(username="bench-helper", first_name="Bench")
    helper = Helper.objects.create(user=user)
    seniors = Senior.objects.bulk_create(
        Senior(first_name=f"Vorname{n}", last_name=f"Nachname{n}", phone="+4915100000000")
        for n in range(50)
    )
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - datetime.timedelta(days=60)
    Appointment.objects.bulk_create(
        Appointment(
            helper=helper,
            office=office,
            topic=topic,
            senior=seniors[n % len(seniors)],
            starts_at=start + datetime.timedelta(hours=6 * n),
            ends_at=start + datetime.timedelta(hours=6 * n + 1),
            sequence=n % 3,
        )
        for n in range(APPOINTMENTS)
    )
    return helper


def _measure(name: str, render, data: str) -> bytes:
    render()  # warm-up: imports, translations, the cache
    timings = []
    for _ in range(RUNS):
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            feed = render()
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    print(
        json.dumps(
            {
                "bench": name,
                "median_ms": round(statistics.median(timings), 1),
                "p95_ms": round(timings[math.ceil(len(timings) * 0.95) - 1], 1),
                "queries": len(queries),
                "per_s": None,
                "data": f"{data}, {connection.vendor}",
            }
        ),
        flush=True,
    )
    return feed


def _served(helper: Helper) -> bytes:
    now = timezone.now()
    return helper_feed_cached(helper, version=feed_version(helper, now=now), now=now)


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    with transaction.atomic():
        helper = _helper_with_appointments()
        feed = _measure(
            "helpers.feed", lambda: _served(helper), f"{APPOINTMENTS} appointments, unchanged"
        )
        assert feed.count(b"BEGIN:VEVENT") == APPOINTMENTS
        _measure(
            "helpers.feed_render",
            lambda: helper_feed(helper),
            f"{APPOINTMENTS} appointments, rendered anew",
        )
        transaction.set_rollback(True)
    cache.clear()
    if not os.environ.get("KEEP_BENCH_DB") and SQLITE_FILE.exists():
        connection.close()
        SQLITE_FILE.unlink()


if __name__ == "__main__":
    main()
