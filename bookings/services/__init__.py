"""Every write of a booking goes through these functions.

They validate what the database cannot know (invariant 3), let the database refuse
double bookings (invariant 1), and queue the messages in the same transaction.
Each raises `BookingError` with a German message meant for office staff.
"""

from __future__ import annotations

from bookings.services._guards import (
    DEVICE_GUARD,
    HELPER_GUARD,
    SEATS_GUARD,
    SENIOR_GUARD,
    BookingError,
    NoLoanDevice,
    SeniorBusy,
    SlotTaken,
)
from bookings.services.appointments import (
    appointment_book,
    appointment_cancel,
    appointment_mark,
    appointment_move,
    appointment_note,
)
from bookings.services.helper_time import absence_record
from bookings.services.workshops import registration_cancel, workshop_register

__all__ = [
    "DEVICE_GUARD",
    "HELPER_GUARD",
    "SEATS_GUARD",
    "SENIOR_GUARD",
    "BookingError",
    "NoLoanDevice",
    "SeniorBusy",
    "SlotTaken",
    "absence_record",
    "appointment_book",
    "appointment_cancel",
    "appointment_mark",
    "appointment_move",
    "appointment_note",
    "registration_cancel",
    "workshop_register",
]
