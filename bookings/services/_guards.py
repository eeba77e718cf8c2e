"""How the services speak: `BookingError` with a German message for staff, and the
guards that turn the database's refusals (migration 0002) into it."""

from __future__ import annotations

import contextlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings.availability import slot_problem
from bookings.models import (
    Appointment,
    Assignment,
    LoanDevice,
    LoanReservation,
)

# Names of the database guards (migration 0002), found in the IntegrityError's text.
HELPER_GUARD = "assignment_no_overlap"
DEVICE_GUARD = "loan_reservation_no_overlap"
SEATS_GUARD = "workshop_full"
# Migration 0005: a senior's appointments never overlap.
SENIOR_GUARD = "appointment_senior_no_overlap"


class BookingError(ValidationError):
    """A booking change was refused; the message is German and meant for staff."""


class SlotTaken(BookingError):
    """Someone else booked this helper at this time a moment earlier."""


class NoLoanDevice(BookingError):
    """No loan device of the wanted kind is free at that office and time."""


@contextlib.contextmanager
def _helper_guard():
    """Turn the database's refusal of an overlapping assignment into `SlotTaken`."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if HELPER_GUARD in str(exc):
            raise SlotTaken(_("Dieser Termin wurde gerade vergeben."), code="slot_taken") from exc
        raise


class SeniorBusy(BookingError):
    """The senior already has another appointment at an overlapping time."""


@contextlib.contextmanager
def _senior_guard(*, helper, starts_at, ends_at):
    """Turn the database's refusal of a senior's overlapping appointment into `SeniorBusy`,
    or into `SlotTaken` if the helper is taken then too: two desks booking the same
    caller into the same slot is a lost race, and staff expect to hear so."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if SENIOR_GUARD in str(exc):
            helper_taken = Assignment.objects.filter(
                helper=helper, starts_at__lt=ends_at, ends_at__gt=starts_at
            ).exists()
            if helper_taken:
                raise SlotTaken(
                    _("Dieser Termin wurde gerade vergeben."), code="slot_taken"
                ) from exc
            raise SeniorBusy(
                _("Diese Person hat zu dieser Zeit schon einen Termin."), code="senior_busy"
            ) from exc
        raise


def _reserve_loan_device(appointment: Appointment, kind: str) -> LoanReservation:
    """Reserve the first free device of `kind`; another desk may win a device, so try each."""
    devices = LoanDevice.objects.filter(office=appointment.office, kind=kind, active=True)
    for device in devices:
        try:
            with transaction.atomic():
                return LoanReservation.objects.create(
                    device=device,
                    appointment=appointment,
                    starts_at=appointment.starts_at,
                    ends_at=appointment.ends_at,
                )
        except IntegrityError as exc:
            if DEVICE_GUARD not in str(exc):
                raise
    raise NoLoanDevice(
        _("Zu dieser Zeit ist kein Leihgerät dieser Art im Büro frei."), code="no_loan_device"
    )


def _check_slot(helper, office, starts_at, ends_at, topic) -> None:
    problem = slot_problem(
        helper=helper, office=office, starts_at=starts_at, ends_at=ends_at, topic=topic
    )
    if problem:
        raise BookingError(problem, code="slot_invalid")
