"""Which messages a booking change puts into the outbox (the `Reminder` table).

Called inside the service's transaction, so a booking and its messages are written
together or not at all. Sending is the worker's job.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from bookings.models import Appointment, Reminder, Senior


def _day_before_due(starts_at: datetime.datetime) -> datetime.datetime:
    local_day = timezone.localtime(starts_at).date() - datetime.timedelta(days=1)
    return timezone.make_aware(
        datetime.datetime.combine(local_day, datetime.time(settings.REMINDER_HOUR))
    )


def _queue(appointment: Appointment, kind: str, due_at: datetime.datetime) -> Reminder | None:
    channel = appointment.senior.reminder_channel
    if channel == Senior.Channel.NONE:
        return None
    reminder, _created = Reminder.objects.get_or_create(
        dedupe_key=f"appointment:{appointment.pk}:{kind}:{appointment.sequence}",
        defaults={
            "appointment": appointment,
            "senior": appointment.senior,
            "kind": kind,
            "channel": channel,
            "due_at": due_at,
        },
    )
    return reminder


def reminders_cancel_pending(appointment: Appointment) -> int:
    """Withdraw messages not yet sent for this appointment; returns how many."""
    return appointment.reminders.filter(status=Reminder.Status.PENDING).update(
        status=Reminder.Status.CANCELLED, updated_at=timezone.now()
    )


def reminders_for_new(appointment: Appointment, *, kind: str) -> list[Reminder]:
    """Queue the message about a booking or move (`kind`) and the day-before reminder."""
    now = timezone.now()
    queued = [_queue(appointment, kind, now)]
    day_before = _day_before_due(appointment.starts_at)
    if day_before > now:
        queued.append(_queue(appointment, Reminder.Kind.DAY_BEFORE, day_before))
    return [reminder for reminder in queued if reminder]


def reminders_for_cancellation(appointment: Appointment) -> Reminder | None:
    reminders_cancel_pending(appointment)
    return _queue(appointment, Reminder.Kind.CANCELLED, timezone.now())
