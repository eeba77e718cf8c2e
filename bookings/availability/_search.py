"""The slot search: which times can be booked next, in a number of queries that does not grow
with the data."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone

from bookings.availability._loading import FIRST_CHUNK, Loaded, Range, Window
from bookings.availability._query import Slot, SlotQuery
from bookings.availability._rules import on_grid
from bookings.models import AppointmentKind

# How far ahead the search looks, widened step by step until enough slots are found.
# A fixed list keeps the number of SQL queries bounded whatever the data.
SEARCH_STEPS_DAYS = (1, 3, 7, 28, 91, 365)

MORNING = "morning"
AFTERNOON = "afternoon"
NOON = datetime.time(12)
# A split search reads more ranges at first: the home district's offices hold few of the
# first ranges, and each further chunk costs three queries (ranges, offices, busy times).
SPLIT_FIRST_CHUNK = FIRST_CHUNK * 4

# Which of a search's groups an office's slots go to.
GroupOf = Callable[[int], int]


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


def _device_free(loaded: Loaded, window: Window, office_id: int, starts_at, ends_at) -> bool:
    return any(
        all(end <= starts_at or start >= ends_at for start, end in window.device_busy[device])
        for device in loaded.devices[office_id]
    )


def _slots_from(row: Range, day, query, loaded, window, now) -> list[Slot]:
    """The free slots one availability range gives on `day`."""
    starts, ends, valid_from, valid_until, helper_id, office_id, first_name, office_name = row
    if valid_from > day or (valid_until and valid_until < day):
        return []
    if day in window.closed[office_id] or day in window.absent[helper_id]:
        return []
    at = loaded.at
    if query.kind == AppointmentKind.PHONE:
        # The helper calls from wherever they are: no room, so no opening hours.
        free = [(at(day, starts), at(day, ends))]
    else:
        free = [
            (at(day, max(starts, opens)), at(day, min(ends, closes)))
            for opens, closes in loaded.opening_hours(office_id, day.weekday())
            if opens < ends and closes > starts
        ]
    found = []
    base = at(day, starts)
    duration = loaded.duration
    senior_busy = loaded.senior_busy
    for start, end in ranges_minus(free, window.busy[helper_id]):
        start = on_grid(start, base)
        while start + duration <= end:
            starts_at, ends_at = start, start + duration
            start = on_grid(ends_at, base)
            if starts_at <= now or not _wanted(starts_at, office_id, helper_id, query):
                continue
            if any(b < ends_at and e > starts_at for b, e in senior_busy):
                continue
            if query.loan_device_kind and not _device_free(
                loaded, window, office_id, starts_at, ends_at
            ):
                continue
            found.append(Slot(starts_at, ends_at, office_id, office_name, helper_id, first_name))
    return found


def _slots_on(day, query, loaded, window, now, group_of: GroupOf, wanted: list[int]):
    """The earliest `wanted[g]` free slots on `day` of each group g, in order.

    Ranges are visited by (start, office, helper), a lower bound of the slots they give;
    once a group has its `wanted` slots below the next range's bound, no later range can
    offer it anything earlier; once every group has, the rest is never read.
    """
    found: list[list[Slot]] = [[] for _ in wanted]
    ranges = loaded.ranges_on(day)
    if ranges is None or day in window.holidays:
        return found
    searching = {group for group, count in enumerate(wanted) if count > 0}
    position = chunk_end = 0
    while searching:
        if position == chunk_end:
            chunk_end = position + loaded.first_chunk * 4 ** min(window.busy_loads, 4)
            chunk = ranges.upto(chunk_end, loaded)[position:]
            window.know_busy({row.helper_id for row in chunk}, loaded.helpers)
        if position >= len(ranges.fetched):
            break
        row = ranges.fetched[position]
        position += 1
        group = group_of(row.office_id)
        if group not in searching:
            continue
        slots, count = found[group], wanted[group]
        if len(slots) >= count:
            slots.sort(key=_slot_key)
            # Only the first `count` can be kept: no need to sort the others again.
            del slots[count:]
            if slots[count - 1].key < (loaded.at(day, row.starts), row.office_id, row.helper_id):
                searching.discard(group)
                continue
        slots.extend(_slots_from(row, day, query, loaded, window, now))
    for slots, count in zip(found, wanted, strict=True):
        slots.sort(key=_slot_key)
        del slots[count:]
    return found


def _slot_key(slot: Slot):
    return slot.key


def _wanted(starts_at: datetime.datetime, office_id: int, helper_id: int, query: SlotQuery):
    if query.after and (starts_at, office_id, helper_id) <= query.after:
        return False
    if query.part_of_day:
        morning = timezone.localtime(starts_at).time() < NOON
        return morning == (query.part_of_day == MORNING)
    return True


def _search(query: SlotQuery, limit: int, group_of: GroupOf, groups: int) -> list[list[Slot]]:
    """The next `limit` slots of each of `groups` groups, all read in one go: the groups
    widen through the same steps, so they share every step's reads."""
    now = timezone.now()
    first_day = max(query.first_day, timezone.localdate(now))
    if query.after:
        first_day = max(first_day, timezone.localdate(query.after[0]))
    horizon_end = first_day + datetime.timedelta(days=SEARCH_STEPS_DAYS[-1] - 1)
    # Each group sees only its offices' share of a chunk's ranges: split, read more at once.
    first_chunk = FIRST_CHUNK if groups == 1 else SPLIT_FIRST_CHUNK
    loaded = Loaded(query, first_day, horizon_end, now, first_chunk)
    found: list[list[Slot]] = [[] for _ in range(groups)]
    window_first = first_day
    for days in SEARCH_STEPS_DAYS:
        window_last = min(first_day + datetime.timedelta(days=days - 1), horizon_end)
        if window_last < window_first:
            continue
        loaded.load(window_first, window_last)
        window = Window(query, window_first, window_last, loaded)
        day = window_first
        while day <= window_last:
            wanted = [limit - len(slots) for slots in found]
            on_day = _slots_on(day, query, loaded, window, now, group_of, wanted)
            for slots, more in zip(found, on_day, strict=True):
                slots.extend(more)
            if all(len(slots) >= limit for slots in found):
                return found
            day += datetime.timedelta(days=1)
        window_first = window_last + datetime.timedelta(days=1)
    return found


def free_slots(query: SlotQuery, *, limit: int = 10) -> list[Slot]:
    """The next `limit` bookable slots for `query`, earliest first.

    A slot is free if the helper covers the topic, has availability at that office,
    the office is open (not asked of a phone appointment, `query.kind`), it is no
    closure, public holiday or absence of the helper,
    no assignment of the helper overlaps, (if asked) a loan device of that kind is
    free, and the senior (`query.senior_id`) has no appointment or workshop then.
    The number of queries is bounded whatever the data: at most three for who helps
    where, one for the senior's own times, at most `MAX_CHUNKS` per weekday read
    (usually one), and at most six per widening step (`SEARCH_STEPS_DAYS`); never one
    per helper or day.
    """
    (found,) = _search(query, limit, lambda office_id: 0, 1)
    return found


def free_slots_split(
    query: SlotQuery, offices: tuple[int, ...], *, limit: int = 10
) -> tuple[list[Slot], list[Slot]]:
    """The next `limit` slots of `query` at `offices`, and the next `limit` at the others:
    what `free_slots` gives with the query narrowed to `offices` and with them skipped,
    in the queries of one search (the desk's own district first, then the rest)."""
    inside = frozenset(offices)
    at_offices, elsewhere = _search(
        query, limit, lambda office_id: 0 if office_id in inside else 1, 2
    )
    return at_offices, elsewhere
