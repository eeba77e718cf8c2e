"""Every write of an individual appointment: book, cancel, move, mark, note."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import (
    Appointment,
    AppointmentStatus,
    Assignment,
    LoanReservation,
    Reminder,
    Senior,
    Topic,
)
from bookings.outbox.queue import (
    reminders_for_cancellation,
    reminders_for_move,
    reminders_for_new,
)
from bookings.services._guards import (
    BookingError,
    _check_slot,
    _helper_guard,
    _reserve_loan_device,
    _senior_guard,
    atomic_retrying,
)
from neighborhoods.models import Office


@atomic_retrying
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
    the helper was booked meanwhile, `SeniorBusy` if the senior has an appointment at an
    overlapping time, `NoLoanDevice`, or `BookingError` for a slot
    outside availability, opening hours, a closure, a holiday or an absence.
    """
    ends_at = starts_at + datetime.timedelta(minutes=topic.duration_minutes)
    _check_slot(helper, office, starts_at, ends_at, topic)
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
    # The check constraints hold by construction (ends_at from a positive duration,
    # status "booked"), and the database checks them again.
    appointment.clean_own_fields()
    with _senior_guard(helper=helper, starts_at=starts_at, ends_at=ends_at):
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
    """The appointment, locked, with what its messages name; only its own row is locked
    (`of`), so changes of one helper's or topic's appointments do not wait for each other."""
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("senior", "topic", "helper__user")
        .get(pk=appointment.pk)
    )


@atomic_retrying
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
    appointment.clean_own_fields()  # the reason and note; "cancelled" has its time
    appointment.save()
    Assignment.objects.filter(appointment=appointment).delete()
    LoanReservation.objects.filter(appointment=appointment).delete()
    reminders_for_cancellation(appointment)
    return appointment


@atomic_retrying
def appointment_move(
    *,
    appointment: Appointment,
    helper,
    office: Office,
    starts_at: datetime.datetime,
) -> Appointment:
    """Move to another slot, all or nothing: the old slot is given up only if the new
    one is taken. Clears "needs rebooking", withdraws pending and held messages and
    queues the "moved" ones. Raises like `appointment_book`."""
    appointment = _locked(appointment)
    if appointment.status != AppointmentStatus.BOOKED:
        raise BookingError(_("Nur gebuchte Termine können verlegt werden."), code="not_booked")
    ends_at = starts_at + (appointment.ends_at - appointment.starts_at)
    _check_slot(helper, office, starts_at, ends_at, appointment.topic)
    loan_kind = None
    previous_helper = appointment.helper
    reservation = (
        LoanReservation.objects.filter(appointment=appointment).select_related("device").first()
    )
    if reservation:
        loan_kind = reservation.device.kind
        reservation.delete()
    appointment.helper, appointment.office = helper, office
    appointment.starts_at, appointment.ends_at = starts_at, ends_at
    appointment.needs_rebooking = False
    appointment.confirmed_at = None
    appointment.sequence += 1
    with _senior_guard(helper=helper, starts_at=starts_at, ends_at=ends_at):
        appointment.save()
    with _helper_guard():
        Assignment.objects.filter(appointment=appointment).update(
            helper=helper, starts_at=starts_at, ends_at=ends_at
        )
    if loan_kind:
        _reserve_loan_device(appointment, loan_kind)
    # Messages held while it needed rebooking are about the old slot: withdrawn too.
    reminders_for_move(appointment, previous_helper=previous_helper)
    return appointment


@atomic_retrying
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


@atomic_retrying
def appointment_note(*, appointment: Appointment, note: str) -> Appointment:
    """Replace the note the helpers see (what the senior wants to learn)."""
    appointment = _locked(appointment)
    appointment.note = note
    appointment.clean_own_fields()
    appointment.save(update_fields=["note", "updated_at"])
    return appointment
