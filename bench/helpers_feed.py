"""Benchmark: the calendar feed of a helper with 500 appointments (target: under 100 ms).

Three measures, one JSON line each: "helpers.feed" is what the feed URL costs when the
calendar app asks again and nothing changed (version check, then the cache), the usual
case; "helpers.feed_after_change" is the next request after one appointment changed
(the one UPDATE included): only that event is rendered again, the realistic case that the
target is for; "helpers.feed_render" builds the feed with nothing cached at all.
Runs in the throw-away database of bench/_harness.py.
"""

from __future__ import annotations

import datetime

from _harness import measure, setup_django

setup_django()

from django.contrib.auth.models import User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db.models import F  # noqa: E402
from django.utils import timezone  # noqa: E402

from bookings.models import Appointment, Helper, Senior, Topic  # noqa: E402
from bookings.schedule.feed import feed_version, helper_feed, helper_feed_cached  # noqa: E402
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


def _served(helper: Helper) -> bytes:
    now = timezone.now()
    return helper_feed_cached(helper, version=feed_version(helper, now=now), now=now)


def _served_after_change(helper: Helper, pks: list[int], i: int) -> bytes:
    # As the booking services do: a raised SEQUENCE and a new `updated_at`.
    Appointment.objects.filter(pk=pks[i % len(pks)]).update(
        sequence=F("sequence") + 1, updated_at=timezone.now()
    )
    return _served(helper)


def _rendered_cold(helper: Helper) -> bytes:
    cache.clear()
    return helper_feed(helper)


def main() -> None:
    helper = _helper_with_appointments()
    data = f"{APPOINTMENTS} appointments"
    measure("helpers.feed", lambda i: _served(helper), repeat=RUNS, data=f"{data}, unchanged")
    assert _served(helper).count(b"BEGIN:VEVENT") == APPOINTMENTS
    pks = list(helper.appointments.values_list("pk", flat=True))
    measure(
        "helpers.feed_after_change",
        lambda i: _served_after_change(helper, pks, i),
        repeat=RUNS,
        data=f"{data}, one changed since the last request",
    )
    measure("helpers.feed_render", lambda i: _rendered_cold(helper), repeat=RUNS, data=data)
    cache.clear()


if __name__ == "__main__":
    main()
