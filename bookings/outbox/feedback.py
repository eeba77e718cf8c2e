"""The feedback question the day after an attended appointment ("Hat Ihnen die Hilfe
geholfen?"), queued and withdrawn by `appointment_mark`; the answer is read by
`bookings/inbound/feedback_replies.py`.

Only by SMS: a landline is not rung to ask for a score, and a senior without consent
is not asked at all.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from bookings.models import Appointment, Reminder, Senior
from bookings.outbox.quiet_hours import quiet_until

# The question is asked only while the help is fresh in mind: a mark made later than
# this after the appointment asks nothing.
FEEDBACK_LATEST = datetime.timedelta(days=7)


def feedback_due(starts_at: datetime.datetime, now: datetime.datetime) -> datetime.datetime:
    """REMINDER_HOUR on the day after the appointment's day (or `now`, if the mark came
    later), moved past quiet hours, Sundays and public holidays."""
    day = timezone.localdate(starts_at) + datetime.timedelta(days=1)
    next_day = datetime.datetime.combine(day, datetime.time(settings.REMINDER_HOUR))
    due = max(timezone.make_aware(next_day), now)
    return quiet_until(due) or due


def reminder_for_feedback(appointment: Appointment) -> Reminder | None:
    """Queue the question for an attended appointment, at most once per appointment; a
    question withdrawn by a no-show mark is asked again if the mark is changed back.
    None if the senior gets no SMS or the appointment lies too far back."""
    now = timezone.now()
    senior = appointment.senior
    if senior.reminder_channel != Senior.Channel.SMS:
        return None
    if appointment.ends_at < now - FEEDBACK_LATEST:
        return None
    due_at = feedback_due(appointment.starts_at, now)
    reminder, created = Reminder.objects.get_or_create(
        dedupe_key=f"appointment:{appointment.pk}:{Reminder.Kind.FEEDBACK}",
        defaults={
            "appointment": appointment,
            "senior": senior,
            "kind": Reminder.Kind.FEEDBACK,
            "channel": Reminder.Channel.SMS,
            "due_at": due_at,
        },
    )
    if not created and reminder.status == Reminder.Status.CANCELLED and not reminder.sent_at:
        reminder.status, reminder.due_at = Reminder.Status.PENDING, due_at
        reminder.save(update_fields=["status", "due_at", "updated_at"])
    return reminder


def reminders_withdraw_feedback(appointment: Appointment) -> int:
    """Withdraw the question not yet sent (the senior did not come after all)."""
    return appointment.reminders.filter(
        kind=Reminder.Kind.FEEDBACK, status=Reminder.Status.PENDING
    ).update(status=Reminder.Status.CANCELLED, updated_at=timezone.now())
