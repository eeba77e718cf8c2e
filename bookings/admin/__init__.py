"""The coordinators' admin, one module per part of the domain. Importing them registers
their ModelAdmins; every change a coordinator saves goes through `bookings.services`."""

from __future__ import annotations

from bookings.admin import appointments, helpers, outbox, seniors, workshops

__all__ = ["appointments", "helpers", "outbox", "seniors", "workshops"]
