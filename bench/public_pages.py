"""Benchmark: the public office list (/angebot/bueros/) as a newspaper's readers hit it.

"public.pages" is the cached page through the whole Django stack (middleware included,
anonymous, no cookies): what each reader after the first costs within the cache time.
"public.pages_render" is the same page with the cache emptied before each request: the
first reader, or one after the page expired. 30 offices with 3 closures and 5 workshops
each. Runs in the throw-away database of bench/_harness.py.
"""

from __future__ import annotations

import datetime

from _harness import measure, setup_django

setup_django()

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bookings.models import Topic, Workshop  # noqa: E402
from neighborhoods.models import Closure, District, Office, OpeningHours  # noqa: E402

OFFICES = 30
RUNS = 200


def _city() -> None:
    today = timezone.localdate()
    topic = Topic.objects.create(name="Bench-Smartphone")
    for n in range(OFFICES):
        district = District.objects.create(name=f"Bench-Stadtteil {n}")
        office = Office.objects.create(
            name=f"Bench-Stadtteilbüro {n}",
            district=district,
            street=f"Marktplatz {n}",
            postal_code="67655",
            city="Kaiserslautern",
            phone="+49631123456",
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(
                office=office,
                weekday=day,
                opens=datetime.time(hour),
                closes=datetime.time(hour + 2),
            )
            for day in range(5)
            for hour in (10, 14)
        )
        Closure.objects.bulk_create(
            Closure(
                office=office,
                starts_on=today + datetime.timedelta(days=7 * k),
                ends_on=today + datetime.timedelta(days=7 * k + 1),
                reason="Bench",
            )
            for k in range(3)
        )
        starts = timezone.now() + datetime.timedelta(days=2)
        Workshop.objects.bulk_create(
            Workshop(
                office=office,
                topic=topic,
                title=f"Kurs {k}",
                starts_at=starts + datetime.timedelta(days=k),
                ends_at=starts + datetime.timedelta(days=k, hours=2),
            )
            for k in range(5)
        )


def _get(client: Client, *, cold: bool) -> None:
    if cold:
        cache.clear()
    response = client.get("/angebot/bueros/")
    assert response.status_code == 200, response.status_code


def main() -> None:
    _city()
    client = Client(HTTP_HOST="127.0.0.1")  # a host of the development ALLOWED_HOSTS
    data = f"{OFFICES} offices, anonymous, through the middleware"
    measure("public.pages", lambda i: _get(client, cold=False), repeat=RUNS, data=f"{data}, cached")
    measure("public.pages_render", lambda i: _get(client, cold=True), repeat=RUNS // 4, data=data)
    cache.clear()


if __name__ == "__main__":
    main()
