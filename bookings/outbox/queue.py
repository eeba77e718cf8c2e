"""Which messages a booking change puts into the outbox (the `Reminder` table).

Called inside the service's transaction, so a booking and its messages are written
together or not at all. Sending is the worker's job; once the transaction commits the
worker is asked to look at once, so a confirmation does not wait for the next minute.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bookings.models import Appointment, Helper, Registration, RegistrationStatus, Reminder, Senior
from bookings.outbox.quiet_hours import last_allowed_day_before
from bookings.outbox.tasks import dispatch_soon


def day_before_due(starts_at: datetime.datetime) -> datetime.datetime:
    """REMINDER_HOUR on the last day before the appointment's day that is no Sunday or
    public holiday: Saturday for a Monday. Never on the day itself, where quiet hours
    would otherwise push it."""
    day = last_allowed_day_before(timezone.localdate(starts_at))
    earliest, latest = settings.QUIET_HOURS_END, settings.QUIET_HOURS_START - 1
    hour = min(max(settings.REMINDER_HOUR, earliest), latest)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def helper_channel(helper: Helper) -> str | None:
    """SMS or e-mail as the helper chose; the other one if the chosen address is missing."""
    if helper.notify_by == Helper.NotifyBy.SMS and helper.phone:
        return Reminder.Channel.SMS
    if helper.user.email:
        return Reminder.Channel.EMAIL
    return Reminder.Channel.SMS if helper.phone else None


def _dispatch_after_commit() -> None:
    transaction.on_commit(dispatch_soon)


def _queue(senior: Senior, *, key: str, kind: str, due_at, **about) -> Reminder | None:
    """One outbox row for a senior, at most once per `key`; None if they get no messages."""
    channel = senior.reminder_channel
    if channel == Senior.Channel.NONE:
        return None
    reminder, _created = Reminder.objects.get_or_create(
        dedupe_key=key,
        defaults={"senior": senior, "kind": kind, "channel": channel, "due_at": due_at, **about},
    )
    return reminder


def _queue_for_senior(appointment: Appointment, kind: str, due_at) -> Reminder | None:
    key = f"appointment:{appointment.pk}:{kind}:{appointment.sequence}"
    return _queue(appointment.senior, key=key, kind=kind, due_at=due_at, appointment=appointment)


def _queue_for_helper(appointment: Appointment, helper: Helper, kind: str) -> Reminder | None:
    channel = helper_channel(helper)
    if channel is None:
        return None
    reminder, _created = Reminder.objects.get_or_create(
        dedupe_key=f"appointment:{appointment.pk}:{kind}:{appointment.sequence}:helper:{helper.pk}",
        defaults={
            "appointment": appointment,
            "helper": helper,
            "kind": kind,
            "channel": channel,
            "due_at": timezone.now(),
        },
    )
    return reminder


def reminders_cancel_pending(appointment: Appointment) -> int:
    """Withdraw messages not yet sent for this appointment; returns how many."""
    return appointment.reminders.filter(status=Reminder.Status.PENDING).update(
        status=Reminder.Status.CANCELLED, updated_at=timezone.now()
    )


def reminders_for_new(appointment: Appointment, *, kind: str) -> list[Reminder]:
    """Queue the message about a booking or move (`kind`) to senior and helper, and the
    senior's day-before reminder."""
    now = timezone.now()
    queued = [
        _queue_for_senior(appointment, kind, now),
        _queue_for_helper(appointment, appointment.helper, kind),
    ]
    day_before = day_before_due(appointment.starts_at)
    if day_before > now:
        queued.append(_queue_for_senior(appointment, Reminder.Kind.DAY_BEFORE, day_before))
    _dispatch_after_commit()
    return [reminder for reminder in queued if reminder]


def reminders_for_move(appointment: Appointment, *, previous_helper: Helper) -> list[Reminder]:
    """Replace pending messages after a move; a helper who lost the appointment is told."""
    reminders_cancel_pending(appointment)
    queued = reminders_for_new(appointment, kind=Reminder.Kind.MOVED)
    if previous_helper.pk != appointment.helper_id:
        dropped = _queue_for_helper(appointment, previous_helper, Reminder.Kind.CANCELLED)
        queued += [dropped] if dropped else []
    return queued


def reminders_for_cancellation(appointment: Appointment) -> list[Reminder]:
    """Withdraw pending messages and tell senior and helper that the appointment is off."""
    reminders_cancel_pending(appointment)
    queued = [
        _queue_for_senior(appointment, Reminder.Kind.CANCELLED, timezone.now()),
        _queue_for_helper(appointment, appointment.helper, Reminder.Kind.CANCELLED),
    ]
    _dispatch_after_commit()
    return [reminder for reminder in queued if reminder]


def _queue_for_registration(registration: Registration, kind: str, due_at) -> Reminder | None:
    key = f"registration:{registration.pk}:{kind}"
    return _queue(registration.senior, key=key, kind=kind, due_at=due_at, registration=registration)


def reminders_for_registration(registration: Registration) -> list[Reminder]:
    """Queue the confirmation of a workshop seat (or waiting-list place) and, for a
    seat, the day-before reminder."""
    now = timezone.now()
    queued = [_queue_for_registration(registration, Reminder.Kind.CONFIRMATION, now)]
    day_before = day_before_due(registration.workshop.starts_at)
    if registration.status == RegistrationStatus.REGISTERED and day_before > now:
        queued.append(_queue_for_registration(registration, Reminder.Kind.DAY_BEFORE, day_before))
    _dispatch_after_commit()
    return [reminder for reminder in queued if reminder]


def reminders_for_registration_cancel(registration: Registration) -> Reminder | None:
    registration.reminders.filter(status=Reminder.Status.PENDING).update(
        status=Reminder.Status.CANCELLED, updated_at=timezone.now()
    )
    reminder = _queue_for_registration(registration, Reminder.Kind.CANCELLED, timezone.now())
    _dispatch_after_commit()
    return reminder
