"""The bookings app's models, one module per part of the domain; import them from here."""

from __future__ import annotations

import secrets


# Defined here, before the modules below, because migration 0001 names it as
# `bookings.models._new_feed_token`.
def _new_feed_token() -> str:
    return secrets.token_urlsafe(24)


from bookings.models.appointments import (  # noqa: E402
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Assignment,
    CancellationReason,
    DeviceKind,
    LoanDevice,
    LoanReservation,
)
from bookings.models.helpers import Absence, Availability, Helper, Topic  # noqa: E402
from bookings.models.outbox import InboundMessage, Reminder  # noqa: E402
from bookings.models.seniors import ContactPerson, Senior  # noqa: E402
from bookings.models.video import VideoCall, room_url_new  # noqa: E402
from bookings.models.workshops import (  # noqa: E402
    Registration,
    RegistrationStatus,
    SeatOffer,
    Workshop,
)

__all__ = [
    "Absence",
    "Appointment",
    "AppointmentKind",
    "AppointmentStatus",
    "Assignment",
    "Availability",
    "CancellationReason",
    "ContactPerson",
    "DeviceKind",
    "Helper",
    "InboundMessage",
    "LoanDevice",
    "LoanReservation",
    "Registration",
    "RegistrationStatus",
    "Reminder",
    "SeatOffer",
    "Senior",
    "Topic",
    "VideoCall",
    "Workshop",
    "room_url_new",
]
