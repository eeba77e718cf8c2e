"""The slot search's reads as fixed SQL statements.

Through the ORM, building and compiling these queries (each chunk of ranges, each helper
list a new query) cost the desk's slot page more CPU than running them and than the
slot computation itself (the desk's split search: 7.8 -> 4.2 ms of CPU on PostgreSQL).
Written here once: table names from the models' _meta, parameters bound, for SQLite and
PostgreSQL. What each read means is said where it is used (bookings.availability._loading).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Collection

from django.contrib.auth.models import User
from django.db import connection

from bookings.models import (
    Absence,
    Appointment,
    AppointmentStatus,
    Assignment,
    Availability,
    Helper,
    Registration,
    RegistrationStatus,
    Workshop,
)
from neighborhoods.models import Closure, Office, OpeningHours


@functools.cache
def _tables() -> dict[type, str]:
    return {
        model: connection.ops.quote_name(model._meta.db_table)
        for model in (
            Absence,
            Appointment,
            Assignment,
            Availability,
            Closure,
            Helper,
            Helper.offices.through,
            Helper.topics.through,
            Office,
            OpeningHours,
            Registration,
            User,
            Workshop,
        )
    }


def _in(column: str, values: Collection[int]) -> tuple[str, list]:
    """`column IN values`; on PostgreSQL one array parameter: the search asks for a hundred
    helpers at a time, and an IN list costs psycopg work per value."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _day(day: datetime.date):
    return connection.ops.adapt_datefield_value(day)


def _moment(moment: datetime.datetime):
    return connection.ops.adapt_datetimefield_value(moment)


def _aware(rows: list[tuple]) -> list[tuple]:
    """The rows with their last two columns (start, end) as aware datetimes: SQLite
    answers them naive (in UTC), and the ORM's own converter makes them aware."""
    if connection.vendor == "postgresql":
        return rows
    convert = connection.ops.convert_datetimefield_value
    return [
        (*row[:-2], convert(row[-2], None, connection), convert(row[-1], None, connection))
        for row in rows
    ]


class Helpers:
    """Who helps with `topic` where: active helpers at active offices, narrowed to
    `offices` and without `skip`, as one WHERE clause both reads below share."""

    def __init__(self, topic_id: int, offices: tuple[int, ...], skip: tuple[int, ...]):
        table = _tables()
        self.joins = f"""
            FROM {table[Helper.offices.through]} ho
            JOIN {table[Helper]} h ON h.id = ho.helper_id
            JOIN {table[Helper.topics.through]} ht ON ht.helper_id = ho.helper_id
            JOIN {table[Office]} o ON o.id = ho.office_id"""
        where, self.params = ["h.active", "o.active", "ht.topic_id = %s"], [topic_id]
        for values, template in ((offices, "{}"), (skip, "NOT {}")):
            if values:
                sql, params = _in("ho.office_id", values)
                where.append(template.format(sql))
                self.params += params
        self.where = " AND ".join(where)

    def names(self, helper_ids: Collection[int] | None) -> list[tuple[int, int, str, str]]:
        """(helper, office, helper's first name, office's name) of `helper_ids` (None:
        of everyone)."""
        sql = f"""
            SELECT ho.helper_id, ho.office_id, u.first_name, o.name {self.joins}
            JOIN {_tables()[User]} u ON u.id = h.user_id
            WHERE {self.where}"""
        params = list(self.params)
        if helper_ids is not None:
            only, ids = _in("ho.helper_id", sorted(helper_ids))
            sql += f" AND {only}"
            params += ids
        return _fetch(sql, params)

    def assignments(
        self, helper_ids: Collection[int] | None, starts_from, starts_before, ends_after
    ) -> list[tuple[int, datetime.datetime, datetime.datetime]]:
        """(helper, start, end) of the assignments of `helper_ids` (None: of everyone who
        helps with the topic) that start in [starts_from, starts_before) and end after
        `ends_after`."""
        if helper_ids is None:
            helpers = f"helper_id IN (SELECT ho.helper_id {self.joins} WHERE {self.where})"
            params = list(self.params)
        else:
            helpers, params = _in("helper_id", sorted(helper_ids))
        sql = f"""
            SELECT helper_id, starts_at, ends_at FROM {_tables()[Assignment]}
            WHERE {helpers} AND starts_at >= %s AND starts_at < %s AND ends_at > %s"""
        params += [_moment(starts_from), _moment(starts_before), _moment(ends_after)]
        return _aware(_fetch(sql, params))


class WeekdayRanges:
    """The weekday's availability ranges valid at some time in [first, last], at
    `offices` (if any), that end after `ends_after` (if given), in (start, office, helper,
    id) order: `id` last makes the order total, so consecutive chunks (LIMIT/OFFSET)
    neither skip nor repeat. The text is built once, each chunk only adds its LIMIT."""

    def __init__(self, weekday, first, last, offices: tuple[int, ...], ends_after=None):
        where = ["valid_from <= %s", "(valid_until IS NULL OR valid_until >= %s)", "weekday = %s"]
        self.params = [_day(last), _day(first), weekday]
        if offices:
            sql, params = _in("office_id", offices)
            where.append(sql)
            self.params += params
        if ends_after is not None:
            where.append("ends > %s")
            self.params.append(connection.ops.adapt_timefield_value(ends_after))
        self.sql = f"""
            SELECT starts, ends, valid_from, valid_until, helper_id, office_id
            FROM {_tables()[Availability]} WHERE {" AND ".join(where)}
            ORDER BY starts, office_id, helper_id, id """

    def chunk(self, offset: int, size: int | None) -> list[tuple]:
        """`size` rows from `offset` on (None: all the rest)."""
        end = None if size is None else offset + size
        return _fetch(self.sql + connection.ops.limit_offset_sql(offset, end), self.params)


@functools.cache
def _senior_busy_sql(moving: bool) -> str:
    table = _tables()
    return f"""
        SELECT starts_at, ends_at FROM {table[Appointment]}
        WHERE senior_id = %s AND starts_at < %s AND ends_at > %s AND status <> %s
              {"AND id <> %s" if moving else ""}
        UNION ALL
        SELECT w.starts_at, w.ends_at FROM {table[Registration]} r
        JOIN {table[Workshop]} w ON w.id = r.workshop_id
        WHERE r.senior_id = %s AND r.status = %s AND w.cancelled_at IS NULL
              AND w.starts_at < %s AND w.ends_at > %s"""


def senior_busy(senior_id: int, moving_id: int | None, start, end) -> list[tuple]:
    """(start, end) of the senior's appointments (not cancelled, but for `moving_id`) and
    registered seats in workshops not called off, that overlap [start, end)."""
    start, end = _moment(start), _moment(end)
    params = [senior_id, end, start, AppointmentStatus.CANCELLED]
    if moving_id is not None:
        params.append(moving_id)
    params += [senior_id, RegistrationStatus.REGISTERED, end, start]
    return _aware(_fetch(_senior_busy_sql(moving_id is not None), params))


@functools.cache
def _days_off_sql() -> str:
    table = _tables()
    return f"""
        SELECT office_id, starts_on, ends_on, 0 FROM {table[Closure]}
        WHERE starts_on <= %s AND ends_on >= %s
        UNION ALL
        SELECT helper_id, starts_on, ends_on, 1 FROM {table[Absence]}
        WHERE starts_on <= %s AND ends_on >= %s"""


def days_off(first: datetime.date, last: datetime.date) -> list[tuple]:
    """(office or helper, first day, last day, whether an absence) of the closures and
    absences that touch [first, last]."""
    return _fetch(_days_off_sql(), [_day(last), _day(first)] * 2)


def opening_hours(weekdays: Collection[int], offices: tuple[int, ...]) -> list[tuple]:
    """(office, weekday, opens, closes) of active offices (`offices`, if any)."""
    table = _tables()
    where, params = _in("oh.weekday", sorted(weekdays))
    if offices:
        sql, more = _in("oh.office_id", offices)
        where += f" AND {sql}"
        params += more
    return _fetch(
        f"""SELECT oh.office_id, oh.weekday, oh.opens, oh.closes FROM {table[OpeningHours]} oh
            JOIN {table[Office]} o ON o.id = oh.office_id WHERE o.active AND {where}""",
        params,
    )
