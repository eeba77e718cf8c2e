"""Who can be reached changed: the senior's own messages, and the copies to their
contact person, follow consent, number, chosen way and STOP.

Messages already sent are never sent again; withdrawn ones are reopened instead of
queued twice (the outbox's `dedupe_key`).
"""

from __future__ import annotations

import functools

from django.utils import timezone

from bookings.models import (
    Appointment,
    AppointmentStatus,
    ContactPerson,
    RegistrationStatus,
    Reminder,
    Senior,
)
from bookings.outbox.queue import (
    _contact_row,
    _dispatch_after_commit,
    _registration_rows,
    _senior_row,
    _write,
    _written,
    day_before_due,
)


def reminders_withdraw_for_senior(senior: Senior) -> int:
    """Withdraw every message to this senior not yet sent (consent removed, opted out);
    copies to their contact person are theirs to stop (`reminders_withdraw_copies`)."""
    return _unsent_to(senior, Reminder.Addressee.SELF).update(
        status=Reminder.Status.CANCELLED, updated_at=timezone.now()
    )


def reminders_withdraw_copies(senior: Senior) -> int:
    """Withdraw the unsent copies to the senior's contact person (removed, no consent,
    no copies wished, or STOP from their number)."""
    return _unsent_to(senior, Reminder.Addressee.CONTACT).update(
        status=Reminder.Status.CANCELLED, updated_at=timezone.now()
    )


def _unsent_to(senior: Senior, addressee: str):
    return Reminder.objects.filter(
        senior=senior,
        addressee=addressee,
        status__in=[Reminder.Status.PENDING, Reminder.Status.HELD],
    )


def reminders_redirect_for_senior(senior: Senior) -> int:
    """Put the senior's unsent messages on their current channel (the number changed
    from mobile to landline or back, or staff chose another way). The number itself is
    read when a message is sent."""
    channel = senior.reminder_channel
    if channel == Senior.Channel.NONE:
        return reminders_withdraw_for_senior(senior)
    return (
        _unsent_to(senior, Reminder.Addressee.SELF)
        .exclude(channel=channel)
        .update(channel=channel, updated_at=timezone.now())
    )


def _requeue(appointment: Appointment, row: Reminder | None) -> Reminder | None:
    """Queue a message, or reopen the same one if it was withdrawn or failed without
    going out (e.g. before consent was given, or to a wrong number)."""
    if row is None:
        return None
    status = Reminder.Status.HELD if appointment.needs_rebooking else Reminder.Status.PENDING
    Reminder.objects.filter(
        dedupe_key=row.dedupe_key,
        status__in=[Reminder.Status.CANCELLED, Reminder.Status.FAILED],
        sent_at__isnull=True,
    ).update(
        status=status,
        channel=row.channel,
        due_at=row.due_at,
        attempts=0,
        error_code="",
        error_message="",
        updated_at=timezone.now(),
    )
    row.status = status
    _write([row])
    return Reminder.objects.get(dedupe_key=row.dedupe_key)


def _upcoming_booked(senior: Senior):
    return senior.appointments.filter(
        status=AppointmentStatus.BOOKED, starts_at__gt=timezone.now()
    ).select_related("senior")


def _requeue_upcoming(senior: Senior, row_for) -> list[Reminder | None]:
    """For each future booked appointment of the senior: its confirmation and, if its
    time lies ahead, the day-before reminder, as `row_for(appointment, kind, due_at)`
    makes them, queued or reopened."""
    now = timezone.now()
    queued = []
    for appointment in _upcoming_booked(senior):
        queued.append(_requeue(appointment, row_for(appointment, Reminder.Kind.CONFIRMATION, now)))
        day_before = day_before_due(appointment.starts_at)
        if day_before > now:
            row = row_for(appointment, Reminder.Kind.DAY_BEFORE, day_before)
            queued.append(_requeue(appointment, row))
    return queued


def reminders_for_reachable_senior(senior: Senior) -> list[Reminder]:
    """Queue what is still useful for a senior who can now be reached (consent given
    later, or a new number): for each future booked appointment its confirmation and,
    if its time lies ahead, the day-before reminder; the same for workshop seats.
    Messages already sent are not sent again."""
    if senior.reminder_channel == Senior.Channel.NONE:
        return []
    queued = _requeue_upcoming(senior, _senior_row)
    registrations = senior.registrations.filter(
        status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED],
        workshop__starts_at__gt=timezone.now(),
        workshop__cancelled_at__isnull=True,
    ).select_related("workshop", "senior")
    for registration in registrations:
        queued += _written(_registration_rows(registration))
    _dispatch_after_commit()
    return [reminder for reminder in queued if reminder]


def reminders_for_contact(senior: Senior) -> list[Reminder]:
    """Bring the copies to the senior's contact person in line with them (named,
    number changed, consent or the senior's wish given or taken back). Without copies
    now, every unsent copy is withdrawn; else unsent copies move to the channel their
    number calls for, and each future booked appointment's confirmation and day-before
    reminder still ahead are queued (never one already sent)."""
    contact = ContactPerson.objects.filter(senior=senior).first()
    channel = contact.copy_channel if contact else Senior.Channel.NONE
    if channel == Senior.Channel.NONE:
        reminders_withdraw_copies(senior)
        return []
    _unsent_to(senior, Reminder.Addressee.CONTACT).exclude(channel=channel).update(
        channel=channel, updated_at=timezone.now()
    )
    queued = _requeue_upcoming(senior, functools.partial(_contact_row, contact=contact))
    _dispatch_after_commit()
    return [reminder for reminder in queued if reminder]
