"""How the app talks to PostgreSQL: statements prepared (settings), and timestamps read by
psycopg's compiled loader (helpdesk.postgres), the same datetimes Django's own loader gives,
in UTC, on every connection Django opens."""

from __future__ import annotations

import datetime

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.postgres import types

from bookings.models import Senior
from helpdesk.postgres import TimestamptzLoader, custom_plans
from tests.conftest import at, make_senior

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"
)

TIMESTAMPTZ = types["timestamptz"].oid
# Around the change to summer time, with microseconds, before 1970, an offset written in
# another zone, and NULL.
VALUES = """
    SELECT v FROM (VALUES
        ('2026-03-29 01:59:59.999999+01'::timestamptz),
        ('2026-03-29 03:00:00+02'),
        ('2026-10-25 02:30:00+01'),
        ('1969-12-31 23:00:00.5+00'),
        ('2026-11-27 09:15:00-05:30'),
        (NULL)
    ) AS t(v)
"""


def read(cursor) -> list:
    cursor.execute(VALUES)
    return [row[0] for row in cursor.fetchall()]


@needs_postgres
def test_a_new_connection_reads_timestamps_with_it(db):
    opened = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with opened.cursor() as cursor:
            assert cursor.cursor.adapters.get_loader(TIMESTAMPTZ, 0) is TimestamptzLoader
            assert opened.connection.info.parameter_status("TimeZone") == "UTC"
    finally:
        opened.close()


@needs_postgres
def test_it_reads_what_djangos_loader_reads(db):
    with connection.cursor() as cursor:
        ours = read(cursor)
        # Django's loader on this cursor only, as Django's create_cursor would put it.
        register_tzloader(datetime.UTC, cursor.cursor)
        djangos = read(cursor)
    assert ours == djangos
    assert ours[-1] is None
    assert all(value.tzinfo is datetime.UTC for value in ours[:-1])
    assert ours[0] == datetime.datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=datetime.UTC)


@needs_postgres
def test_model_fields_come_back_as_they_were_saved(db, monday):
    consent_at = at(monday, 9, 30) + datetime.timedelta(microseconds=7)
    senior = make_senior(reminder_consent=True, reminder_consent_at=consent_at)
    read_back = Senior.objects.get(pk=senior.pk).reminder_consent_at
    assert read_back == consent_at
    assert read_back.tzinfo is datetime.UTC


@needs_postgres
def test_a_statement_run_often_is_prepared(db):
    with connection.cursor() as cursor:
        for _ in range(6):
            cursor.execute("SELECT count(*) FROM bookings_topic WHERE duration_minutes > %s", [0])
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("bookings_topic" in statement for statement in prepared), prepared


def _plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


@needs_postgres
def test_custom_plans_hold_inside_the_block_only(transactional_db):
    # Outside a test's transaction, as a request runs: the setting ends with the block's.
    with custom_plans():
        assert _plan_cache_mode() == "force_custom_plan"
    assert _plan_cache_mode() == "auto"
