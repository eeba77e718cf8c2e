"""Every write of a booking goes through these functions.

They validate what the database cannot know (invariant 3), let the database refuse
double bookings (invariant 1), and queue the messages in the same transaction.
Each raises `BookingError` with a German message meant for office staff.
"""

from __future__ import annotations

import contextlib
import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.availability import slot_problem
from bookings.models import (
    Appointment,
    AppointmentStatus,
    Assignment,
    LoanDevice,
    LoanReservation,
    Registration,
    RegistrationStatus,
    Reminder,
    Senior,
    Topic,
    Workshop,
)
from bookings.reminders import (
    reminders_for_cancellation,
    reminders_for_move,
    reminders_for_new,
    reminders_for_registration,
    reminders_for_registration_cancel,
)
from neighborhoods.models import Office

# Names of the database guards (migration 0002), found in the IntegrityError's text.
HELPER_GUARD = "assignment_no_overlap"
DEVICE_GUARD = "loan_reservation_no_overlap"
SEATS_GUARD = "workshop_full"


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


def _check_slot(helper, office, starts_at, ends_at) -> None:
    problem = slot_problem(helper=helper, office=office, starts_at=starts_at, ends_at=ends_at)
    if problem:
        raise BookingError(problem, code="slot_invalid")


@transaction.atomic
def appointment_book(
    *,
    senior: Senior,
    helper,
    office: Office,
    topic: Topic,
    starts_at: datetime.datetime,
    loan_device_kind: str | None = None,
    note: str = "",
    booked_by=None,
) -> Appointment:
    """Book an individual appointment and queue its confirmation and reminder.

    Without `loan_device_kind` the senior brings an own device. Raises `SlotTaken` if
    the helper was booked meanwhile, `NoLoanDevice`, or `BookingError` for a slot
    outside availability, opening hours, a closure, a holiday or an absence.
    """
    ends_at = starts_at + datetime.timedelta(minutes=topic.duration_minutes)
    _check_slot(helper, office, starts_at, ends_at)
    appointment = Appointment(
        senior=senior,
        helper=helper,
        office=office,
        topic=topic,
        starts_at=starts_at,
        ends_at=ends_at,
        brings_own_device=loan_device_kind is None,
        note=note,
        booked_by=booked_by,
    )
    appointment.full_clean()
    appointment.save()
    with _helper_guard():
        Assignment.objects.create(
            helper=helper, appointment=appointment, starts_at=starts_at, ends_at=ends_at
        )
    if loan_device_kind:
        _reserve_loan_device(appointment, loan_device_kind)
    reminders_for_new(appointment, kind=Reminder.Kind.CONFIRMATION)
    return appointment


def _locked(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update().select_related("senior").get(pk=appointment.pk)


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, reason: str, note: str = "") -> Appointment:
    """Cancel; the helper's time and any loan device are free again at once.

    Pending messages are withdrawn and a cancellation message is queued.
    """
    appointment = _locked(appointment)
    if appointment.status != AppointmentStatus.BOOKED:
        raise BookingError(_("Nur gebuchte Termine können abgesagt werden."), code="not_booked")
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancellation_reason = reason
    appointment.cancellation_note = note
    appointment.cancelled_at = timezone.now()
    appointment.sequence += 1
    appointment.full_clean()
    appointment.save()
    Assignment.objects.filter(appointment=appointment).delete()
    LoanReservation.objects.filter(appointment=appointment).delete()
    reminders_for_cancellation(appointment)
    return appointment


@transaction.atomic
def appointment_move(
    *,
    appointment: Appointment,
    helper,
    office: Office,
    starts_at: datetime.datetime,
) -> Appointment:
    """Move to another slot, all or nothing: the old slot is given up only if the new
    one is taken. Raises like `appointment_book`."""
    appointment = _locked(appointment)
    if appointment.status != AppointmentStatus.BOOKED:
        raise BookingError(_("Nur gebuchte Termine können verlegt werden."), code="not_booked")
    ends_at = starts_at + (appointment.ends_at - appointment.starts_at)
    _check_slot(helper, office, starts_at, ends_at)
    loan_kind = None
    previous_helper = appointment.helper
    reservation = LoanReservation.objects.filter(appointment=appointment).first()
    if reservation:
        loan_kind = reservation.device.kind
        reservation.delete()
    appointment.helper, appointment.office = helper, office
    appointment.starts_at, appointment.ends_at = starts_at, ends_at
    appointment.needs_rebooking = False
    appointment.confirmed_at = None
    appointment.sequence += 1
    appointment.save()
    with _helper_guard():
        Assignment.objects.filter(appointment=appointment).update(
            helper=helper, starts_at=starts_at, ends_at=ends_at
        )
    if loan_kind:
        _reserve_loan_device(appointment, loan_kind)
    reminders_for_move(appointment, previous_helper=previous_helper)
    return appointment


@transaction.atomic
def appointment_mark(*, appointment: Appointment, status: str) -> Appointment:
    """Record whether the senior came (attended or no-show), once the day has come."""
    if status not in (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW):
        raise BookingError(_("Unbekannter Status."), code="bad_status")
    appointment = _locked(appointment)
    if appointment.status == AppointmentStatus.CANCELLED:
        raise BookingError(_("Ein abgesagter Termin kann nicht abgehakt werden."), code="cancelled")
    if timezone.localdate(appointment.starts_at) > timezone.localdate():
        raise BookingError(_("Ein Termin kann erst an seinem Tag abgehakt werden."), code="not_yet")
    appointment.status = status
    appointment.save(update_fields=["status", "updated_at"])
    return appointment


@transaction.atomic
def workshop_register(*, workshop: Workshop, senior: Senior, booked_by=None) -> Registration:
    """Register for a seat, or put on the waiting list when the workshop is full."""
    # Locking the workshop makes positions on the list strictly first come, first served.
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if workshop.cancelled_at:
        raise BookingError(_("Dieser Workshop wurde abgesagt."), code="cancelled")
    if workshop.starts_at <= timezone.now():
        raise BookingError(_("Dieser Workshop hat schon begonnen."), code="past")
    already = workshop.registrations.filter(
        senior=senior,
        status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED],
    )
    if already.exists():
        raise BookingError(_("Diese Person ist bereits angemeldet."), code="duplicate")
    last = workshop.registrations.aggregate(last=Max("position"))["last"] or 0
    registration = Registration(
        workshop=workshop, senior=senior, position=last + 1, booked_by=booked_by
    )
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:
        if SEATS_GUARD not in str(exc):
            raise
        registration.pk = None
        registration.status = RegistrationStatus.WAITLISTED
        registration.save()
    reminders_for_registration(registration)
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration) -> Registration | None:
    """Cancel a registration; returns who is next on the waiting list to be called, if any."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    freed_seat = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status"])
    reminders_for_registration_cancel(registration)
    if not freed_seat:
        return None
    return (
        registration.workshop.registrations.filter(status=RegistrationStatus.WAITLISTED)
        .order_by("position")
        .first()
    )


@transaction.atomic
def appointment_note(*, appointment: Appointment, note: str) -> Appointment:
    """Replace the note the helpers see (what the senior wants to learn)."""
    appointment = _locked(appointment)
    appointment.note = note
    appointment.full_clean()
    appointment.save(update_fields=["note", "updated_at"])
    return appointment
