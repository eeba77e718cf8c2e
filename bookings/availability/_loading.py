"""What a slot search reads from the database, each part only when the search first needs
it and in a number of queries that does not grow with the data: who helps with the topic
where, the weekdays' availability ranges, opening hours, and per widening step the
assignments, absences, closures and loan devices (the statements: _sql.py)."""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from typing import NamedTuple

from django.utils import timezone

from bookings.availability import _sql
from bookings.availability._query import SlotQuery
from bookings.models import LoanDevice, LoanReservation
from helpdesk.localtime import local_midnight
from neighborhoods.holidays import public_holidays_between

LONGEST_ASSIGNMENT = datetime.timedelta(days=7)
# Ranges are read and checked against assignments in growing chunks: most searches need
# only the first few ranges of a day, and the chunk count stays bounded (see know_busy).
FIRST_CHUNK = 40
# Chunks grow fourfold (40, 160, 640, 2560) and the fifth reads the rest of the weekday.
MAX_CHUNKS = 5


class Window:
    """Everything one widening step needs, loaded in a fixed number of queries, each only
    when a range is looked at: a step with no range (today after hours) costs nothing."""

    def __init__(self, query: SlotQuery, first: datetime.date, last: datetime.date, loaded):
        self.query, self.first, self.last = query, first, last
        self.devices = [device for devices in loaded.devices.values() for device in devices]
        self.busy: dict[int, list] = defaultdict(list)
        self.busy_known: set[int] = set()
        self.busy_loads = 0

    @functools.cached_property
    def _days_off(self) -> tuple[dict[int, set[datetime.date]], dict[int, set[datetime.date]]]:
        """Closures by office and absences by helper, in one query. By date only: few of
        them touch a window, fewer than the helpers asked about."""
        closed, absent = [], []
        for key, starts_on, ends_on, absence in _sql.days_off(self.first, self.last):
            (absent if absence else closed).append((key, starts_on, ends_on))
        return (
            days_by_key(closed, self.first, self.last),
            days_by_key(absent, self.first, self.last),
        )

    @property
    def closed(self) -> dict[int, set[datetime.date]]:
        return self._days_off[0]

    @property
    def absent(self) -> dict[int, set[datetime.date]]:
        return self._days_off[1]

    @functools.cached_property
    def holidays(self) -> dict[datetime.date, str]:
        return public_holidays_between(self.first, self.last)

    @functools.cached_property
    def device_busy(self) -> dict[int, list]:
        if not self.query.loan_device_kind:
            return {}
        return _by_key(
            LoanReservation.objects.filter(
                device_id__in=self.devices,
                starts_at__gte=local_midnight(self.first) - LONGEST_ASSIGNMENT,
                starts_at__lt=local_midnight(self.last + datetime.timedelta(days=1)),
                ends_at__gt=local_midnight(self.first),
            )
            .order_by()
            .values_list("device_id", "starts_at", "ends_at")
        )

    def know_busy(self, helper_ids: set[int], helpers: _sql.Helpers) -> None:
        """Load the assignments of `helper_ids` unless known; the third time, load those
        of all `helpers` (a subquery), so a window never costs more than three queries."""
        missing = helper_ids - self.busy_known
        if not missing or self.busy_loads >= 3:
            return
        self.busy_loads += 1
        self.busy_known |= missing
        # Bounding starts_at on both sides keeps the (helper, starts_at) index scan short.
        # An assignment that started over a week earlier would be missed here, but the
        # database still refuses the booking (SlotTaken).
        rows = helpers.assignments(
            # The third time everyone, some of them again, which does no harm.
            None if self.busy_loads == 3 else missing,
            local_midnight(self.first) - LONGEST_ASSIGNMENT,
            local_midnight(self.last + datetime.timedelta(days=1)),
            local_midnight(self.first),
        )
        for helper_id, starts_at, ends_at in rows:
            self.busy[helper_id].append((starts_at, ends_at))


def _senior_busy(query: SlotQuery, first: datetime.date, last: datetime.date) -> list:
    """The senior's appointments and workshop seats in the search's horizon, in one query:
    a caller has few of them, so they are read all at once."""
    senior_id = query.senior_id
    if senior_id is None:
        return []
    return _sql.senior_busy(
        senior_id,
        query.moving_id,
        local_midnight(first),
        local_midnight(last + datetime.timedelta(days=1)),
    )


def _by_key(rows) -> dict[int, list[tuple[datetime.datetime, datetime.datetime]]]:
    found: dict[int, list] = defaultdict(list)
    for key, starts_at, ends_at in rows:
        found[key].append((starts_at, ends_at))
    return found


def days_by_key(rows, first: datetime.date, last: datetime.date) -> dict[int, set[datetime.date]]:
    found: dict[int, set] = defaultdict(set)
    for key, starts_on, ends_on in rows:
        day = max(starts_on, first)
        while day <= min(ends_on, last):
            found[key].add(day)
            day += datetime.timedelta(days=1)
    return found


class Range(NamedTuple):
    """One weekly availability range of a helper who covers the topic at that office."""

    starts: datetime.time
    ends: datetime.time
    valid_from: datetime.date
    valid_until: datetime.date | None
    helper_id: int
    office_id: int
    first_name: str
    office_name: str


class Ranges:
    """One weekday's availability ranges in (start, office, helper) order, read from the
    database only as far as the search gets: usually the first few dozen rows.

    Rows come from a single-table query along the index, in growing chunks; whether the
    helper covers the topic and belongs to the office is asked of `loaded` per chunk.
    Each chunk is a plain query read to its end (LIMIT/OFFSET), never a server-side cursor
    left open: a half-read one, closed later by the garbage collector while the same
    connection runs another query, deadlocks on psycopg's connection lock.
    """

    def __init__(self, rows: _sql.WeekdayRanges | None, first_chunk: int):
        self._first_chunk = first_chunk
        self._rows = rows
        self._read = 0
        self._chunks = 0
        self._done = rows is None  # none can be read
        self.fetched: list[Range] = []

    def upto(self, end: int, loaded: Loaded) -> list[Range]:
        # `loaded` is passed in, not kept: it holds this object, and a cycle would keep
        # both alive until the garbage collector happens to run.
        while len(self.fetched) < end and not self._done:
            self._chunks += 1
            if self._chunks < MAX_CHUNKS:
                size = self._first_chunk * 4 ** (self._chunks - 1)
                raw = self._rows.chunk(self._read, size)
                self._done = len(raw) < size
            else:
                # The last chunk reads the rest: the queries per weekday stay bounded.
                raw = self._rows.chunk(self._read, None)
                self._done = True
            self._read += len(raw)
            loaded.know_members({row[4] for row in raw})  # the helper ids
            for starts, ends, valid_from, valid_until, helper_id, office_id in raw:
                names = loaded.members.get((helper_id, office_id))
                if names:
                    self.fetched.append(
                        Range(starts, ends, valid_from, valid_until, helper_id, office_id, *names)
                    )
        return self.fetched


class Loaded:
    """Who helps with the topic where, availabilities and opening hours: each read when
    first needed, in a bounded number of queries."""

    def __init__(
        self,
        query: SlotQuery,
        first_day: datetime.date,
        horizon_end: datetime.date,
        now,
        first_chunk: int = FIRST_CHUNK,
    ):
        self.query, self.now, self.first_chunk = query, now, first_chunk
        self.duration = datetime.timedelta(minutes=query.topic.duration_minutes)
        self.zone = timezone.get_current_timezone()
        self.today = timezone.localdate(now)
        self.first_day, self.horizon_end = first_day, horizon_end
        self.ranges: dict[int, Ranges] = {}
        self.today_ranges: Ranges | None = None
        self._hours_wanted: set[int] = set()
        self._hours_known: set[int] = set()
        self.opening: dict[tuple[int, int], list[tuple[datetime.time, datetime.time]]] = (
            defaultdict(list)
        )
        self.devices: dict[int, list[int]] = defaultdict(list)
        self.helpers = _sql.Helpers(query.topic.pk, query.offices, query.skip_offices)
        self.members: dict[tuple[int, int], tuple[str, str]] = {}
        self._asked: set[int] = set()
        self._member_loads = 0
        self.senior_busy = _senior_busy(query, first_day, horizon_end)
        if query.loan_device_kind:
            devices = LoanDevice.objects.filter(kind=query.loan_device_kind, active=True)
            if query.offices:
                devices = devices.filter(office_id__in=query.offices)
            for office_id, device_id in devices.values_list("office_id", "id"):
                self.devices[office_id].append(device_id)

    def at(self, day: datetime.date, time: datetime.time) -> datetime.datetime:
        """`time` on `day` here: `timezone.make_aware` without asking for the zone each
        time, as this runs for every range and free time the search looks at."""
        return datetime.datetime.combine(day, time, tzinfo=self.zone)

    def know_members(self, helper_ids: set[int]) -> None:
        """Learn where `helper_ids` help with the topic; the third time, learn it for
        everyone at once, so a search never costs more than three such queries."""
        missing = helper_ids - self._asked
        if not missing or self._member_loads >= 3:
            return
        self._member_loads += 1
        self._asked |= missing
        for helper_id, office_id, first_name, office_name in self.helpers.names(
            missing if self._member_loads < 3 else None
        ):
            self.members[(helper_id, office_id)] = (first_name, office_name)

    def load(self, first: datetime.date, last: datetime.date) -> None:
        """Open the days between `first` and `last`: each weekday's ranges (read lazily, at
        most `MAX_CHUNKS` queries each), and today's apart, only those that can still end
        a slot after now: in the afternoon the morning's ranges are never read."""
        days = [first + datetime.timedelta(days=n) for n in range(min((last - first).days, 7) + 1)]
        allowed = set(self.query.weekdays or range(7))

        def ranges(weekday: int, ends_after: datetime.time | None = None) -> Ranges:
            rows = _sql.WeekdayRanges(
                weekday, self.first_day, self.horizon_end, self.query.offices, ends_after
            )
            return Ranges(rows, self.first_chunk)

        opened = set()
        if self.today in days and self.today_ranges is None and self.today.weekday() in allowed:
            # A slot still to come ends after now + its length, inside its range.
            soonest_end = timezone.localtime(self.now + self.duration)
            if soonest_end.date() == self.today:
                self.today_ranges = ranges(self.today.weekday(), soonest_end.time())
            else:
                self.today_ranges = Ranges(None, self.first_chunk)
            opened.add(self.today.weekday())
        for weekday in {day.weekday() for day in days if day != self.today} & allowed:
            if weekday not in self.ranges:
                self.ranges[weekday] = ranges(weekday)
                opened.add(weekday)
        self._hours_wanted |= opened - self._hours_known

    def ranges_on(self, day: datetime.date) -> Ranges | None:
        return self.today_ranges if day == self.today else self.ranges.get(day.weekday())

    def opening_hours(
        self, office_id: int, weekday: int
    ) -> list[tuple[datetime.time, datetime.time]]:
        """The office's hours that weekday; those of every weekday opened since the last
        time are read together, when a range first asks (one query per widening step)."""
        if self._hours_wanted:
            wanted, self._hours_wanted = self._hours_wanted, set()
            self._hours_known |= wanted
            for office, day, opens, closes in _sql.opening_hours(wanted, self.query.offices):
                self.opening[(office, day)].append((opens, closes))
        return self.opening[(office_id, weekday)]
