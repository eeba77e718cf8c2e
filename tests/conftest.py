"""Factories and personas shared by the tests.

A small city: one district office open Mon–Fri 10–12 and 14–16 (Thu also 16–18),
a second office, a topic, a helper with weekly availability, and the five personas
(coordinator, office staff, helper, helper of another office, anonymous).
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from bookings import roles
from bookings.models import Availability, Helper, LoanDevice, Senior, Topic
from neighborhoods.holidays import public_holidays_between
from neighborhoods.models import District, Office, OpeningHours

_counter = itertools.count(1)

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: concurrent transactions and row locks (set DATABASE_URL)",
)


@pytest.fixture(autouse=True)
def _empty_cache():
    """The public pages and the helpers' feed are cached: no test sees another's pages."""
    cache.clear()


def a_working_monday(weeks_ahead: int = 2) -> datetime.date:
    """A Monday at least `weeks_ahead` weeks away whose week has no public holiday."""
    day = timezone.localdate() + datetime.timedelta(weeks=weeks_ahead)
    day += datetime.timedelta(days=(7 - day.weekday()) % 7)
    while public_holidays_between(day, day + datetime.timedelta(days=6)):
        day += datetime.timedelta(weeks=1)
    return day


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """An aware datetime at local (Europe/Berlin) wall-clock time on `day`."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def make_user(*, group: str | None = None, first_name: str = "Erika", **extra) -> User:
    n = next(_counter)
    user = User.objects.create_user(
        username=f"user{n}",
        password="geheim-123",
        first_name=first_name,
        last_name=f"Test{n}",
        **extra,
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_office(name: str | None = None, district: District | None = None) -> Office:
    n = next(_counter)
    district = district or District.objects.create(name=f"Stadtteil {n}")
    office = Office.objects.create(
        name=name or f"Stadtteilbüro {n}",
        district=district,
        street="Musterstraße 1",
        postal_code="67655",
        city="Kaiserslautern",
    )
    for weekday in range(5):
        OpeningHours.objects.create(
            office=office, weekday=weekday, opens=datetime.time(10), closes=datetime.time(12)
        )
        OpeningHours.objects.create(
            office=office, weekday=weekday, opens=datetime.time(14), closes=datetime.time(16)
        )
    OpeningHours.objects.create(
        office=office, weekday=3, opens=datetime.time(16), closes=datetime.time(18)
    )
    return office


def make_helper(office: Office, topic: Topic, *, first_name: str = "Sabine") -> Helper:
    helper = Helper.objects.create(user=make_user(group=roles.HELPER, first_name=first_name))
    helper.offices.add(office)
    helper.topics.add(topic)
    for weekday in range(5):
        Availability.objects.create(
            helper=helper,
            office=office,
            weekday=weekday,
            starts=datetime.time(10),
            ends=datetime.time(12),
            valid_from=timezone.localdate(),
        )
    return helper


def make_senior(**fields) -> Senior:
    values = {
        "first_name": "Gertrud",
        "last_name": "Müller",
        "phone": "+4915123456789",
        "reminder_consent": True,
    }
    values.update(fields)
    return Senior.objects.create(**values)


def make_workshop(
    office: Office,
    topic: Topic,
    *,
    seats: int = 8,
    starts_at: datetime.datetime | None = None,
    title: str | None = None,
):
    """A two-hour workshop, by default three days from now."""
    from bookings.models import Workshop

    starts_at = starts_at or timezone.now() + datetime.timedelta(days=3)
    return Workshop.objects.create(
        office=office,
        title=title or f"{topic.name} für Einsteiger",
        topic=topic,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        seats=seats,
    )


@pytest.fixture
def office(db) -> Office:
    return make_office("Stadtteilbüro Grübentälchen")


@pytest.fixture
def other_office(db) -> Office:
    return make_office("Stadtteilbüro Innenstadt-West")


@pytest.fixture
def topic(db) -> Topic:
    return Topic.objects.create(name="Smartphone", duration_minutes=60)


@pytest.fixture
def helper(office, topic) -> Helper:
    return make_helper(office, topic)


@pytest.fixture
def other_helper(other_office, topic) -> Helper:
    return make_helper(other_office, topic, first_name="Klaus")


@pytest.fixture
def senior(db) -> Senior:
    return make_senior()


@pytest.fixture
def loan_device(office) -> LoanDevice:
    return LoanDevice.objects.create(office=office, kind="ipad", label="iPad 1")


@pytest.fixture
def monday() -> datetime.date:
    return a_working_monday()


@pytest.fixture
def coordinator(db) -> User:
    return make_user(group=roles.COORDINATOR, first_name="Karin", is_staff=True)


@pytest.fixture
def office_staff(office) -> User:
    user = make_user(group=roles.OFFICE_STAFF, first_name="Petra", is_staff=True)
    office.staff.add(user)
    return user


@pytest.fixture
def fake_twilio(settings):
    """The real twilio client pointed at a fake Twilio API on 127.0.0.1."""
    from tests.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, start_fake_twilio

    fake, server = start_fake_twilio()
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_FROM_NUMBER = FROM_NUMBER
    settings.TWILIO_API_BASE_URL = fake.url
    settings.PUBLIC_BASE_URL = "https://hilfe.example.org"
    settings.MESSAGE_BACKEND = "twilio"
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def deadlocks():
    """deadlocks(n, sqlstate): the next `n` assignment inserts fail with `sqlstate`.

    PostgreSQL picks deadlock victims by timing; a trigger raising the real
    `deadlock_detected` error makes the loss certain. A sequence counts the inserts,
    because it keeps counting across rollbacks. PostgreSQL only.
    """

    def arm(times: int, sqlstate: str = "40P01") -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP SEQUENCE IF EXISTS test_lost_races")
            cursor.execute("CREATE SEQUENCE test_lost_races")
            cursor.execute(
                f"""
                CREATE OR REPLACE FUNCTION test_lose_race() RETURNS trigger AS $$
                BEGIN
                    IF nextval('test_lost_races') <= {int(times)} THEN
                        RAISE EXCEPTION 'lost a race (test)' USING ERRCODE = '{sqlstate}';
                    END IF;
                    RETURN NEW;
                END $$ LANGUAGE plpgsql
                """
            )
            cursor.execute(
                "CREATE TRIGGER test_lose_race BEFORE INSERT ON bookings_assignment "
                "FOR EACH ROW EXECUTE FUNCTION test_lose_race()"
            )

    yield arm
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS test_lose_race ON bookings_assignment")
        cursor.execute("DROP FUNCTION IF EXISTS test_lose_race()")
        cursor.execute("DROP SEQUENCE IF EXISTS test_lost_races")


# Real-browser fixtures (browser, new_page, page) for the tests/test_browser_*.py files.
from tests.browser import browser, new_page, page  # noqa: E402,F401
