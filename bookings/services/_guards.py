"""How the services speak: `BookingError` with a German message for staff, and the
guards that turn the database's refusals (migration 0002) into it."""

from __future__ import annotations

import contextlib
import functools
import logging
import random
import time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Exists, OuterRef
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

# PostgreSQL's deadlock_detected and serialization_failure: the transaction lost to a
# concurrent one and may simply be run again.
RETRYABLE_SQLSTATES = {"40P01", "40001"}
# Concurrent inserts into an exclusion constraint can deadlock; on a rerun the winner has
# committed and the loser gets the constraint's plain refusal, so a few tries suffice.
ATTEMPTS = 4

logger = logging.getLogger(__name__)


class BookingError(ValidationError):
    """A booking change was refused; the message is German and meant for staff."""


class SlotTaken(BookingError):
    """Someone else booked this helper at this time a moment earlier."""


class NoLoanDevice(BookingError):
    """No loan device of the wanted kind is free at that office and time."""


def _lost_race() -> SlotTaken:
    return SlotTaken(_("Dieser Termin wurde gerade vergeben."), code="slot_taken")


def _lost_device() -> NoLoanDevice:
    return NoLoanDevice(
        _("Zu dieser Zeit ist kein Leihgerät dieser Art im Büro frei."), code="no_loan_device"
    )


def _retryable(exc: OperationalError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) in RETRYABLE_SQLSTATES


def _refusal(exc: OperationalError) -> BookingError:
    """The German message for a race still lost after the last try; PostgreSQL names the
    table (not the constraint) in a deadlock's context line."""
    text = str(exc.__cause__)
    device = DEVICE_GUARD in text or LoanReservation._meta.db_table in text
    return _lost_device() if device else _lost_race()


def atomic_retrying(service):
    """`transaction.atomic` for a service, rerun when PostgreSQL reports a deadlock or a
    serialization failure; after `ATTEMPTS` tries it raises `SlotTaken` (or
    `NoLoanDevice`), so staff get the German message, never an error page.

    A guard that must look at the database to choose its message (`_SeniorClash`) is
    answered here, after the rollback, so that it needs no savepoint of its own.

    Only the outermost transaction can be rerun: after such an error PostgreSQL refuses
    every further statement of the transaction. Inside a caller's transaction the
    service's savepoint is rolled back and the German message raised at once.
    """

    @functools.wraps(service)
    def run(*args, **kwargs):
        if transaction.get_connection().in_atomic_block:
            try:
                with transaction.atomic():
                    return service(*args, **kwargs)
            except _SeniorClash as clash:
                raise clash.refusal() from clash
            except OperationalError as exc:
                if not _retryable(exc):
                    raise
                raise _refusal(exc) from exc
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    return service(*args, **kwargs)
            except _SeniorClash as clash:
                raise clash.refusal() from clash
            except OperationalError as exc:
                if not _retryable(exc):
                    raise
                logger.info(
                    "%s lost a race (%s), try %d", service.__name__, exc.__cause__.sqlstate, attempt
                )
                if attempt == ATTEMPTS:
                    raise _refusal(exc) from exc
                # A short random pause, so the rerun does not meet the same rival in step.
                time.sleep(random.uniform(0.001, 0.02) * attempt)
        raise AssertionError("unreachable")

    return run


@contextlib.contextmanager
def _helper_guard():
    """Turn the database's refusal of an overlapping assignment into `SlotTaken`.

    No savepoint of its own (two round trips on PostgreSQL): nothing runs after the
    refusal, the service's transaction (or savepoint) is rolled back as a whole."""
    try:
        yield
    except IntegrityError as exc:
        if HELPER_GUARD in str(exc):
            raise _lost_race() from exc
        raise


class SeniorBusy(BookingError):
    """The senior already has another appointment at an overlapping time."""


class _SeniorClash(SeniorBusy):
    """The database refused a senior's overlapping appointment. `atomic_retrying` asks,
    once the transaction is rolled back, whether the helper was taken too (`refusal`)."""

    def __init__(self, *, helper, starts_at, ends_at):
        super().__init__(
            _("Diese Person hat zu dieser Zeit schon einen Termin."), code="senior_busy"
        )
        self.helper, self.starts_at, self.ends_at = helper, starts_at, ends_at

    def refusal(self) -> BookingError:
        """`SlotTaken` if the helper is taken then too: two desks booking the same caller
        into the same slot is a lost race, and staff expect to hear so."""
        if _helper_taken(self.helper, self.starts_at, self.ends_at):
            return _lost_race()
        return SeniorBusy(
            _("Diese Person hat zu dieser Zeit schon einen Termin."), code="senior_busy"
        )


@contextlib.contextmanager
def _senior_guard(*, helper, starts_at, ends_at):
    """Turn the database's refusal of a senior's overlapping appointment into `SeniorBusy`
    or `SlotTaken` (decided by `atomic_retrying` after the rollback). No savepoint: after
    the refusal PostgreSQL runs no further statement in the transaction, and the question
    can wait until it is rolled back, so a booking that succeeds saves two round trips."""
    try:
        yield
    except IntegrityError as exc:
        if SENIOR_GUARD in str(exc):
            raise _SeniorClash(helper=helper, starts_at=starts_at, ends_at=ends_at) from exc
        raise


def _reserve_loan_device(appointment: Appointment, kind: str) -> LoanReservation:
    """Reserve the first free device of `kind`; another desk may win a device meanwhile,
    so try each one that looked free."""
    taken = LoanReservation.objects.filter(
        device=OuterRef("pk"), starts_at__lt=appointment.ends_at, ends_at__gt=appointment.starts_at
    )
    devices = list(
        LoanDevice.objects.filter(office=appointment.office, kind=kind, active=True).exclude(
            Exists(taken)
        )
    )
    for position, device in enumerate(devices, 1):
        # Only a device with another one to fall back on needs a savepoint: if the last
        # is lost, the booking is refused and rolled back anyway.
        last = position == len(devices)
        try:
            with contextlib.nullcontext() if last else transaction.atomic():
                return LoanReservation.objects.create(
                    device=device,
                    appointment=appointment,
                    starts_at=appointment.starts_at,
                    ends_at=appointment.ends_at,
                )
        except IntegrityError as exc:
            if DEVICE_GUARD not in str(exc):
                raise
    raise _lost_device()


def _helper_taken(helper, starts_at, ends_at) -> bool:
    """Whether the helper has an appointment or workshop overlapping that time."""
    return Assignment.objects.filter(
        helper=helper, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exists()


def _check_helper_free(helper, starts_at, ends_at) -> None:
    """`SlotTaken` if the helper is already taken then: what the database's guard would
    refuse, asked first (see `appointment_book`)."""
    if _helper_taken(helper, starts_at, ends_at):
        raise _lost_race()


def _check_slot(helper, office, starts_at, ends_at, topic, kind) -> None:
    problem = slot_problem(
        helper=helper, office=office, starts_at=starts_at, ends_at=ends_at, topic=topic, kind=kind
    )
    if problem:
        raise BookingError(problem, code="slot_invalid")
