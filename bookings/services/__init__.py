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
from bookings.services.closures import closure_change, closure_record, closure_remove
from bookings.services.helper_roster import (
    helper_deactivate,
    helper_office_add,
    helper_office_remove,
    helper_reactivate,
)
from bookings.services.helper_time import (
    absence_change,
    absence_record,
    absence_remove,
    availability_change,
    availability_delete,
    availability_end,
)
from bookings.services.seniors import (
    contact_person_opt_out,
    contact_person_remove,
    contact_person_save,
    senior_erase,
    senior_opt_out,
    senior_update,
)
from bookings.services.waiting_list import (
    registration_promote,
    seat_offer_answer,
    seat_offers_expire,
    seat_offers_make,
)
from bookings.services.workshops import (
    registration_cancel,
    registration_mark,
    workshop_cancel,
    workshop_move,
    workshop_register,
    workshop_resize,
    workshop_retitle,
)

__all__ = [
    "DEVICE_GUARD",
    "HELPER_GUARD",
    "SEATS_GUARD",
    "SENIOR_GUARD",
    "BookingError",
    "NoLoanDevice",
    "SeniorBusy",
    "SlotTaken",
    "absence_change",
    "absence_record",
    "absence_remove",
    "appointment_book",
    "appointment_cancel",
    "appointment_mark",
    "appointment_move",
    "appointment_note",
    "availability_change",
    "availability_delete",
    "availability_end",
    "closure_change",
    "closure_record",
    "closure_remove",
    "contact_person_opt_out",
    "contact_person_remove",
    "contact_person_save",
    "helper_deactivate",
    "helper_office_add",
    "helper_office_remove",
    "helper_reactivate",
    "registration_cancel",
    "registration_mark",
    "registration_promote",
    "seat_offer_answer",
    "seat_offers_expire",
    "seat_offers_make",
    "workshop_cancel",
    "workshop_move",
    "senior_erase",
    "senior_opt_out",
    "senior_update",
    "workshop_register",
    "workshop_resize",
    "workshop_retitle",
]
