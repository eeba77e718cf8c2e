"""What is free: read-only checks of when a helper can be booked (DESIGN.md, invariant 3).

Overlaps are left to the database (see migration 0002); this package answers the
questions the database cannot: opening hours, availability, closures and absences
(`slot_problem`), and which times the desk can offer next (`free_slots`; in the caller's
own district and elsewhere at once: `free_slots_split`).
"""

from __future__ import annotations

from bookings.availability._loading import days_by_key
from bookings.availability._query import Slot, SlotQuery, parse_cursor
from bookings.availability._rules import local_range, senior_clashes, slot_problem
from bookings.availability._search import (
    AFTERNOON,
    MORNING,
    free_slots,
    free_slots_split,
    ranges_minus,
)

__all__ = [
    "AFTERNOON",
    "MORNING",
    "Slot",
    "SlotQuery",
    "days_by_key",
    "free_slots",
    "free_slots_split",
    "local_range",
    "parse_cursor",
    "ranges_minus",
    "senior_clashes",
    "slot_problem",
]
