"""Every write of an individual appointment: book, cancel, move, mark, note."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Assignment,
    LoanReservation,
    Reminder,
    Senior,
    Topic,
    VideoCall,
    room_url_new,
)
from bookings.outbox.feedback import reminder_for_feedback, reminders_withdraw_feedback
from bookings.outbox.queue import (
    reminders_for_cancellation,
    reminders_for_move,
    reminders_for_new,
)
from bookings.services._guards import (
    BookingError,
    _check_helper_free,
    _check_slot,
    _helper_guard,
    _reserve_loan_device,
    _senior_guard,
    atomic_retrying,
)
from coordination.audit import record
from coordination.models import AuditEntry
from neighborhoods.models import Office

Action = AuditEntry.Action


def _record(action: str, appointment: Appointment, **changes) -> None:
    record(
        action,
        appointment,
        office_id=appointment.office_id,
        senior_id=appointment.senior_id,
        **changes,
    )


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
    kind: str = AppointmentKind.OFFICE,
    video: VideoCall | None = None,
) -> Appointment:
    """Book an individual appointment and queue its confirmation and reminder.

    Without `loan_device_kind` the senior brings an own device. `kind` is office, phone
    (no loan device, no opening hours) or video, which needs `video`: the relative
    (unsaved; its room link is made here). Raises `SlotTaken` if
    the helper was booked meanwhile, `SeniorBusy` if the senior has an appointment at an
    overlapping time, `NoLoanDevice`, or `BookingError` for a slot
    outside availability, opening hours, a closure, a holiday or an absence.
    """
    _check_kind(kind, loan_device_kind=loan_device_kind, video=video)
    ends_at = starts_at + datetime.timedelta(minutes=topic.duration_minutes)
    # Checked before the transaction: a slot taken a moment ago (most lost races at the
    # desk) is then refused without a rollback, at which psycopg drops every prepared
    # statement of the connection. A booking that comes between check and insert is
    # still refused by the database.
    _check_slot(helper, office, starts_at, ends_at, topic, kind)
    _check_helper_free(helper, starts_at, ends_at)
    return _appointment_insert(
        senior=senior,
        helper=helper,
        office=office,
        topic=topic,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        loan_device_kind=loan_device_kind,
        note=note,
        booked_by=booked_by,
        video=video,
    )


@atomic_retrying
def _appointment_insert(
    *, helper, starts_at, ends_at, loan_device_kind, video, **fields
) -> Appointment:
    appointment = Appointment(
        helper=helper,
        starts_at=starts_at,
        ends_at=ends_at,
        brings_own_device=loan_device_kind is None,
        **fields,
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
    if video is not None:
        video.appointment = appointment  # also caches it as `appointment.video`
        video.room_url = room_url_new()
        video.save()
    reminders_for_new(appointment, kind=Reminder.Kind.CONFIRMATION)
    _record(Action.BOOKED, appointment, to=starts_at)
    return appointment


def _check_kind(kind: str, *, loan_device_kind: str | None, video: VideoCall | None) -> None:
    """What each kind needs: a phone appointment lends no device, a video one has a
    relative who can be reached (SMS to a mobile, or e-mail)."""
    if kind not in AppointmentKind.values:
        raise BookingError(_("Unbekannte Art des Termins."), code="bad_kind")
    if kind == AppointmentKind.PHONE and loan_device_kind:
        raise BookingError(
            _("Für eine Telefonsprechstunde kann kein Leihgerät reserviert werden."),
            code="phone_loan_device",
        )
    if (kind == AppointmentKind.VIDEO) != (video is not None):
        raise BookingError(
            _(
                "Für ein Videogespräch braucht es Name und Handynummer oder E-Mail der/des "
                "Angehörigen."
            ),
            code="video_relative",
        )
    if video is not None:
        try:
            video.full_clean(exclude=["appointment", "room_url"])
        except ValidationError as exc:
            raise BookingError(" ".join(exc.messages), code="video_relative") from exc


def _locked(appointment: Appointment) -> Appointment:
    """The appointment, locked, with what its messages name; only its own row is locked
    (`of`), so changes of one helper's or topic's appointments do not wait for each other."""
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("senior__contact_person", "topic", "helper__user")
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
    _record(Action.CANCELLED, appointment, reason=reason, fields=["status"])
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
    _check_slot(helper, office, starts_at, ends_at, appointment.topic, appointment.kind)
    loan_kind = None
    previous_helper = appointment.helper
    moved_from = appointment.starts_at
    changed = [
        name
        for name, old, new in (
            ("starts_at", appointment.starts_at, starts_at),
            ("helper", appointment.helper_id, helper.pk),
            ("office", appointment.office_id, office.pk),
        )
        if old != new
    ]
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
    _record(Action.MOVED, appointment, fields=changed, to=starts_at, **{"from": moved_from})
    return appointment


@atomic_retrying
def appointment_mark(*, appointment: Appointment, status: str) -> Appointment:
    """Record whether the senior came (attended or no-show), once the day has come.

    Attended queues the feedback question for the next day (SMS only); no-show
    withdraws it if it is not sent yet."""
    if status not in (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW):
        raise BookingError(_("Unbekannter Status."), code="bad_status")
    appointment = _locked(appointment)
    if appointment.status == AppointmentStatus.CANCELLED:
        raise BookingError(_("Ein abgesagter Termin kann nicht abgehakt werden."), code="cancelled")
    if timezone.localdate(appointment.starts_at) > timezone.localdate():
        raise BookingError(_("Ein Termin kann erst an seinem Tag abgehakt werden."), code="not_yet")
    appointment.status = status
    appointment.save(update_fields=["status", "updated_at"])
    if status == AppointmentStatus.ATTENDED:
        reminder_for_feedback(appointment)
    else:
        reminders_withdraw_feedback(appointment)
    _record(Action.MARKED, appointment, status=status)
    return appointment


@atomic_retrying
def appointment_note(*, appointment: Appointment, note: str) -> Appointment:
    """Replace the note the helpers see (what the senior wants to learn)."""
    appointment = _locked(appointment)
    appointment.note = note
    appointment.clean_own_fields()
    appointment.save(update_fields=["note", "updated_at"])
    _record(Action.NOTED, appointment, fields=["note"])
    return appointment
