"""The slot search: which times can be booked next, in a number of queries that does not grow
with the data."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import NamedTuple

from django.utils import timezone

from bookings.availability._query import Slot, SlotQuery
from bookings.availability._rules import on_grid
from bookings.models import (
    Absence,
    Appointment,
    AppointmentStatus,
    Assignment,
    Availability,
    Helper,
    LoanDevice,
    LoanReservation,
    Registration,
    RegistrationStatus,
)
from helpdesk.localtime import local_midnight
from neighborhoods.holidays import public_holidays_between
from neighborhoods.models import Closure, OpeningHours

# How far ahead the search looks, widened step by step until enough slots are found.
# A fixed list keeps the number of SQL queries bounded whatever the data.
SEARCH_STEPS_DAYS = (1, 3, 7, 28, 91, 365)

LONGEST_ASSIGNMENT = datetime.timedelta(days=7)
# Ranges are read and checked against assignments in growing chunks: most searches need
# only the first few ranges of a day, and the chunk count stays bounded (see know_busy).
FIRST_CHUNK = 40
# Chunks grow fourfold (40, 160, 640, 2560) and the fifth reads the rest of the weekday.
MAX_CHUNKS = 5

MORNING = "morning"
AFTERNOON = "afternoon"
NOON = datetime.time(12)


class _Window:
    """Everything one widening step needs, loaded in a fixed number of queries."""

    def __init__(self, query: SlotQuery, first: datetime.date, last: datetime.date, loaded):
        self.first, self.last = first, last
        self.busy: dict[int, list] = defaultdict(list)
        self.busy_known: set[int] = set()
        self.busy_loads = 0
        self.absent = days_by_key(
            # By date only: few absences touch a window, fewer than the helpers asked about.
            Absence.objects.filter(starts_on__lte=last, ends_on__gte=first)
            .order_by()
            .values_list("helper_id", "starts_on", "ends_on"),
            first,
            last,
        )
        self.closed = days_by_key(
            Closure.objects.filter(starts_on__lte=last, ends_on__gte=first)
            .order_by()
            .values_list("office_id", "starts_on", "ends_on"),
            first,
            last,
        )
        self.holidays = public_holidays_between(first, last)
        self.device_busy: dict[int, list] = {}
        if query.loan_device_kind:
            self.device_busy = _by_key(
                LoanReservation.objects.filter(
                    device_id__in=[d for ds in loaded.devices.values() for d in ds],
                    starts_at__gte=local_midnight(first) - LONGEST_ASSIGNMENT,
                    starts_at__lt=local_midnight(last + datetime.timedelta(days=1)),
                    ends_at__gt=local_midnight(first),
                )
                .order_by()
                .values_list("device_id", "starts_at", "ends_at")
            )

    def know_busy(self, helper_ids: set[int], everyone) -> None:
        """Load the assignments of `helper_ids` unless known; the third time, load those
        of `everyone` (a subquery), so a window never costs more than three queries."""
        missing = helper_ids - self.busy_known
        if not missing or self.busy_loads >= 3:
            return
        self.busy_loads += 1
        self.busy_known |= missing
        if self.busy_loads == 3:
            missing = everyone  # some again, which does no harm

        # Bounding starts_at on both sides keeps the (helper, starts_at) index scan short.
        # An assignment that started over a week earlier would be missed here, but the
        # database still refuses the booking (SlotTaken).
        rows = (
            Assignment.objects.filter(
                helper_id__in=missing,
                starts_at__gte=local_midnight(self.first) - LONGEST_ASSIGNMENT,
                starts_at__lt=local_midnight(self.last + datetime.timedelta(days=1)),
                ends_at__gt=local_midnight(self.first),
            )
            .order_by()
            .values_list("helper_id", "starts_at", "ends_at")
        )
        for helper_id, starts_at, ends_at in rows:
            self.busy[helper_id].append((starts_at, ends_at))


def _senior_busy(query: SlotQuery, first: datetime.date, last: datetime.date) -> list:
    """The senior's appointments and workshop seats in the search's horizon, in one query:
    a caller has few of them, so they are read all at once."""
    senior_id = query.senior_id
    if senior_id is None:
        return []
    start, end = local_midnight(first), local_midnight(last + datetime.timedelta(days=1))
    appointments = (
        Appointment.objects.filter(senior_id=senior_id, starts_at__lt=end, ends_at__gt=start)
        .exclude(status=AppointmentStatus.CANCELLED)
        .exclude(pk=query.moving_id)
        .order_by()
        .values_list("starts_at", "ends_at")
    )
    workshops = (
        Registration.objects.filter(
            senior_id=senior_id,
            status=RegistrationStatus.REGISTERED,
            workshop__cancelled_at__isnull=True,
            workshop__starts_at__lt=end,
            workshop__ends_at__gt=start,
        )
        .order_by()
        .values_list("workshop__starts_at", "workshop__ends_at")
    )
    return list(appointments.union(workshops, all=True))


def _by_key(rows) -> dict[int, list[tuple[datetime.datetime, datetime.datetime]]]:
    found: dict[int, list] = defaultdict(list)
    for key, starts_at, ends_at in rows:
        found[key].append((starts_at, ends_at))
    return found


def days_by_key(rows, first: datetime.date, last: datetime.date) -> dict[int, set[datetime.date]]:
    """From (key, first day, last day) rows such as closures or absences: the days
    between `first` and `last` each key is taken."""
    found: dict[int, set] = defaultdict(set)
    for key, starts_on, ends_on in rows:
        day = max(starts_on, first)
        while day <= min(ends_on, last):
            found[key].add(day)
            day += datetime.timedelta(days=1)
    return found


class _Range(NamedTuple):
    """One weekly availability range of a helper who covers the topic at that office."""

    starts: datetime.time
    ends: datetime.time
    valid_from: datetime.date
    valid_until: datetime.date | None
    helper_id: int
    office_id: int
    first_name: str
    office_name: str


class _Ranges:
    """One weekday's availability ranges in (start, office, helper) order, read from the
    database only as far as the search gets: usually the first few dozen rows.

    Rows come from a single-table query along the index, in growing chunks; whether the
    helper covers the topic and belongs to the office is asked of `loaded` per chunk.
    Each chunk is a plain query read to its end (LIMIT/OFFSET), never a server-side cursor
    left open: a half-read one, closed later by the garbage collector while the same
    connection runs another query, deadlocks on psycopg's connection lock.
    """

    def __init__(self, queryset):
        # `id` last makes the order total, so consecutive chunks neither skip nor repeat.
        self._queryset = queryset.order_by("starts", "office_id", "helper_id", "id")
        self._read = 0
        self._chunks = 0
        self._done = False
        self.fetched: list[_Range] = []

    def upto(self, end: int, loaded: _Loaded) -> list[_Range]:
        # `loaded` is passed in, not kept: it holds this object, and a cycle would keep
        # both alive until the garbage collector happens to run.
        while len(self.fetched) < end and not self._done:
            self._chunks += 1
            if self._chunks < MAX_CHUNKS:
                size = FIRST_CHUNK * 4 ** (self._chunks - 1)
                raw = list(self._queryset[self._read : self._read + size])
                self._done = len(raw) < size
            else:
                # The last chunk reads the rest: the queries per weekday stay bounded.
                raw = list(self._queryset[self._read :])
                self._done = True
            self._read += len(raw)
            loaded.know_members({row[4] for row in raw})  # the helper ids
            for starts, ends, valid_from, valid_until, helper_id, office_id in raw:
                names = loaded.members.get((helper_id, office_id))
                if names:
                    self.fetched.append(
                        _Range(starts, ends, valid_from, valid_until, helper_id, office_id, *names)
                    )
        return self.fetched


class _Loaded:
    """Who helps with the topic where, availabilities and opening hours: each read when
    first needed, in a bounded number of queries."""

    def __init__(self, query: SlotQuery, first_day: datetime.date, horizon_end: datetime.date):
        self.query = query
        self.first_day, self.horizon_end = first_day, horizon_end
        self.ranges: dict[int, _Ranges] = {}
        self.opening: dict[tuple[int, int], list[tuple[datetime.time, datetime.time]]] = (
            defaultdict(list)
        )
        self.devices: dict[int, list[int]] = defaultdict(list)
        memberships = Helper.offices.through.objects.filter(
            helper__active=True, helper__topics=query.topic, office__active=True
        )
        if query.offices:
            memberships = memberships.filter(office_id__in=query.offices)
        if query.skip_offices:
            memberships = memberships.exclude(office_id__in=query.skip_offices)
        self.memberships = memberships
        self.helpers = memberships.values("helper_id")
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

    def know_members(self, helper_ids: set[int]) -> None:
        """Learn where `helper_ids` help with the topic; the third time, learn it for
        everyone at once, so a search never costs more than three such queries."""
        missing = helper_ids - self._asked
        if not missing or self._member_loads >= 3:
            return
        self._member_loads += 1
        self._asked |= missing
        memberships = self.memberships
        if self._member_loads < 3:
            memberships = memberships.filter(helper_id__in=missing)
        for helper_id, office_id, first_name, office_name in memberships.values_list(
            "helper_id", "office_id", "helper__user__first_name", "office__name"
        ):
            self.members[(helper_id, office_id)] = (first_name, office_name)

    def load(self, first: datetime.date, last: datetime.date) -> None:
        """Open the weekdays between `first` and `last` (read lazily, at most
        `MAX_CHUNKS` queries each) and their opening hours (one query)."""
        days = min((last - first).days + 1, 7)
        wanted = {(first + datetime.timedelta(days=n)).weekday() for n in range(days)}
        if self.query.weekdays:
            wanted &= set(self.query.weekdays)
        missing = wanted - set(self.ranges)
        if not missing:
            return
        availabilities = Availability.objects.filter(valid_from__lte=self.horizon_end).exclude(
            valid_until__lt=self.first_day
        )
        if self.query.offices:
            availabilities = availabilities.filter(office_id__in=self.query.offices)
        for weekday in missing:
            self.ranges[weekday] = _Ranges(
                availabilities.filter(weekday=weekday).values_list(
                    "starts", "ends", "valid_from", "valid_until", "helper_id", "office_id"
                )
            )
        opening = OpeningHours.objects.filter(weekday__in=missing, office__active=True).order_by()
        if self.query.offices:
            opening = opening.filter(office_id__in=self.query.offices)
        for office_id, weekday, opens, closes in opening.values_list(
            "office_id", "weekday", "opens", "closes"
        ):
            self.opening[(office_id, weekday)].append((opens, closes))


def ranges_minus(
    ranges: list[tuple[datetime.datetime, datetime.datetime]],
    taken: list[tuple[datetime.datetime, datetime.datetime]],
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The parts of `ranges` not covered by any of `taken`."""
    for taken_start, taken_end in taken:
        remaining = []
        for start, end in ranges:
            if taken_end <= start or taken_start >= end:
                remaining.append((start, end))
                continue
            if start < taken_start:
                remaining.append((start, taken_start))
            if taken_end < end:
                remaining.append((taken_end, end))
        ranges = remaining
    return ranges


def _device_free(loaded: _Loaded, window: _Window, office_id: int, starts_at, ends_at) -> bool:
    return any(
        all(end <= starts_at or start >= ends_at for start, end in window.device_busy[device])
        for device in loaded.devices[office_id]
    )


def _slots_from(row: _Range, day, query, loaded, window, duration, now) -> list[Slot]:
    """The free slots one availability range gives on `day`."""
    starts, ends, valid_from, valid_until, helper_id, office_id, first_name, office_name = row
    if valid_from > day or (valid_until and valid_until < day):
        return []
    if day in window.closed[office_id] or day in window.absent[helper_id]:
        return []
    free = [
        (_at(day, max(starts, opens)), _at(day, min(ends, closes)))
        for opens, closes in loaded.opening[(office_id, day.weekday())]
        if opens < ends and closes > starts
    ]
    found = []
    base = _at(day, starts)
    for start, end in ranges_minus(free, window.busy[helper_id]):
        start = on_grid(start, base)
        while start + duration <= end:
            slot = Slot(start, start + duration, office_id, office_name, helper_id, first_name)
            start = on_grid(start + duration, base)
            if slot.starts_at <= now or not _wanted(slot, query):
                continue
            if any(b < slot.ends_at and e > slot.starts_at for b, e in loaded.senior_busy):
                continue
            if query.loan_device_kind and not _device_free(
                loaded, window, office_id, slot.starts_at, slot.ends_at
            ):
                continue
            found.append(slot)
    return found


def _slots_on(day, query, loaded, window, duration, now, wanted: int) -> list[Slot]:
    """The earliest `wanted` free slots on `day`, in order.

    Ranges are visited by (start, office, helper), a lower bound of the slots they give;
    once `wanted` slots are found below the next range's bound, no later range can
    offer anything earlier, and the rest of them is never read.
    """
    ranges = loaded.ranges.get(day.weekday())
    if ranges is None or day in window.holidays:
        return []
    found: list[Slot] = []
    position = chunk_end = 0
    while True:
        if position == chunk_end:
            chunk_end = position + FIRST_CHUNK * 4 ** min(window.busy_loads, 4)
            chunk = ranges.upto(chunk_end, loaded)[position:]
            window.know_busy({row.helper_id for row in chunk}, loaded.helpers)
        if position >= len(ranges.fetched):
            break
        row = ranges.fetched[position]
        position += 1
        if len(found) >= wanted:
            found.sort(key=_slot_key)
            if found[wanted - 1].key < (_at(day, row.starts), row.office_id, row.helper_id):
                break
        found.extend(_slots_from(row, day, query, loaded, window, duration, now))
    found.sort(key=_slot_key)
    return found[:wanted]


def _slot_key(slot: Slot):
    return slot.key


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _wanted(slot: Slot, query: SlotQuery) -> bool:
    if query.after and slot.key <= query.after:
        return False
    if query.part_of_day:
        morning = timezone.localtime(slot.starts_at).time() < NOON
        return morning == (query.part_of_day == MORNING)
    return True


def free_slots(query: SlotQuery, *, limit: int = 10) -> list[Slot]:
    """The next `limit` bookable slots for `query`, earliest first.

    A slot is free if the helper covers the topic, has availability at that office,
    the office is open, it is no closure, public holiday or absence of the helper,
    no assignment of the helper overlaps, (if asked) a loan device of that kind is
    free, and the senior (`query.senior_id`) has no appointment or workshop then.
    The number of queries is bounded whatever the data: at most three for who helps
    where, one for the senior's own times, at most `MAX_CHUNKS` per weekday read
    (usually one), and at most six per widening step (`SEARCH_STEPS_DAYS`); never one
    per helper or day.
    """
    now = timezone.now()
    first_day = max(query.first_day, timezone.localdate(now))
    if query.after:
        first_day = max(first_day, timezone.localdate(query.after[0]))
    horizon_end = first_day + datetime.timedelta(days=SEARCH_STEPS_DAYS[-1] - 1)
    loaded = _Loaded(query, first_day, horizon_end)
    duration = datetime.timedelta(minutes=query.topic.duration_minutes)
    found: list[Slot] = []
    window_first = first_day
    for days in SEARCH_STEPS_DAYS:
        window_last = min(first_day + datetime.timedelta(days=days - 1), horizon_end)
        if window_last < window_first:
            continue
        loaded.load(window_first, window_last)
        window = _Window(query, window_first, window_last, loaded)
        day = window_first
        while day <= window_last:
            found.extend(_slots_on(day, query, loaded, window, duration, now, limit - len(found)))
            if len(found) >= limit:
                return found[:limit]
            day += datetime.timedelta(days=1)
        window_first = window_last + datetime.timedelta(days=1)
    return found
