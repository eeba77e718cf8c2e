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

from bookings.models import (
    Appointment,
    AppointmentKind,
    ContactPerson,
    Helper,
    Registration,
    RegistrationStatus,
    Reminder,
    Senior,
)
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


def _senior_key(appointment: Appointment, kind: str) -> str:
    return f"appointment:{appointment.pk}:{kind}:{appointment.sequence}"


def _helper_row(appointment: Appointment, helper: Helper, kind: str) -> Reminder | None:
    """The unsaved outbox row telling a helper about an appointment; None without an address."""
    channel = helper_channel(helper)
    if channel is None:
        return None
    return Reminder(
        dedupe_key=f"appointment:{appointment.pk}:{kind}:{appointment.sequence}:helper:{helper.pk}",
        appointment=appointment,
        helper=helper,
        kind=kind,
        channel=channel,
        due_at=timezone.now(),
    )


def _senior_row(appointment: Appointment, kind: str, due_at) -> Reminder | None:
    """The unsaved outbox row for the senior; None if they get no messages."""
    channel = appointment.senior.reminder_channel
    if channel == Senior.Channel.NONE:
        return None
    return Reminder(
        dedupe_key=_senior_key(appointment, kind),
        appointment=appointment,
        senior=appointment.senior,
        kind=kind,
        channel=channel,
        due_at=due_at,
    )


def _contact_row(
    appointment: Appointment, kind: str, due_at, *, contact: ContactPerson | None
) -> Reminder | None:
    """The unsaved copy of the senior's message for their contact person; None unless
    the senior wishes copies and the contact agreed (and did not answer STOP)."""
    if contact is None or contact.copy_channel == Senior.Channel.NONE:
        return None
    return Reminder(
        dedupe_key=f"{_senior_key(appointment, kind)}:contact",
        appointment=appointment,
        senior=appointment.senior,
        addressee=Reminder.Addressee.CONTACT,
        kind=kind,
        channel=contact.copy_channel,
        due_at=due_at,
    )


def _relative_row(appointment: Appointment, kind: str, due_at) -> Reminder | None:
    """The unsaved row for the relative invited to a video appointment (SMS to their
    mobile, else e-mail); None for other kinds. The row's senior is the one whose
    appointment it is; the address is read from the appointment's `video` when sending."""
    video = appointment.video_call
    if video is None:
        return None
    return Reminder(
        dedupe_key=f"{_senior_key(appointment, kind)}:relative",
        appointment=appointment,
        senior=appointment.senior,
        addressee=Reminder.Addressee.RELATIVE,
        kind=kind,
        channel=Reminder.Channel.SMS if video.relative_phone else Reminder.Channel.EMAIL,
        due_at=due_at,
    )


def _contact_of(appointment: Appointment) -> ContactPerson | None:
    return ContactPerson.objects.filter(senior_id=appointment.senior_id).first()


def _write(rows: list[Reminder | None]) -> None:
    """Insert the rows in one statement. A key already in the outbox is skipped by the
    database and its row left as it is: at most once per key, as `get_or_create` was,
    at one statement instead of four per row."""
    Reminder.objects.bulk_create([row for row in rows if row], ignore_conflicts=True)


def reminders_cancel_pending(appointment: Appointment) -> int:
    """Withdraw messages not yet sent for this appointment; returns how many."""
    return appointment.reminders.filter(status=Reminder.Status.PENDING).update(
        status=Reminder.Status.CANCELLED, updated_at=timezone.now()
    )


def reminders_for_new(appointment: Appointment, *, kind: str) -> None:
    """Queue the message about a booking or move (`kind`) to senior and helper, and the
    senior's day-before reminder; copies of the senior's to their contact person; the
    invitation and day-before reminder to the relative of a video call."""
    now = timezone.now()
    contact = _contact_of(appointment)
    rows = [
        _senior_row(appointment, kind, now),
        _contact_row(appointment, kind, now, contact=contact),
        _helper_row(appointment, appointment.helper, kind),
    ]
    day_before = day_before_due(appointment.starts_at)
    if day_before > now:
        rows.append(_senior_row(appointment, Reminder.Kind.DAY_BEFORE, day_before))
        rows.append(
            _contact_row(appointment, Reminder.Kind.DAY_BEFORE, day_before, contact=contact)
        )
    if appointment.kind == AppointmentKind.VIDEO:
        rows.append(_relative_row(appointment, kind, now))
        if day_before > now:
            rows.append(_relative_row(appointment, Reminder.Kind.DAY_BEFORE, day_before))
    _write(rows)
    _dispatch_after_commit()


def reminders_for_move(appointment: Appointment, *, previous_helper: Helper) -> None:
    """Replace pending messages after a move; a helper who lost the appointment is told."""
    reminders_cancel_pending(appointment)
    reminders_for_new(appointment, kind=Reminder.Kind.MOVED)
    if previous_helper.pk != appointment.helper_id:
        _write([_helper_row(appointment, previous_helper, Reminder.Kind.CANCELLED)])


def reminders_for_cancellation(appointment: Appointment) -> None:
    """Withdraw pending messages and tell senior (and contact) and helper that the
    appointment is off."""
    reminders_cancel_pending(appointment)
    now = timezone.now()
    _write(
        [
            _senior_row(appointment, Reminder.Kind.CANCELLED, now),
            _contact_row(
                appointment, Reminder.Kind.CANCELLED, now, contact=_contact_of(appointment)
            ),
            _helper_row(appointment, appointment.helper, Reminder.Kind.CANCELLED),
            _relative_row(appointment, Reminder.Kind.CANCELLED, now),
        ]
    )
    _dispatch_after_commit()


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


# Workshop changes and waiting-list offers. Their keys carry the workshop's `sequence`
# (one message per change) or the offer's id; the kinds above keep their keys.


def _queue_for_workshop_helper(workshop, helper: Helper, kind: str) -> Reminder | None:
    channel = helper_channel(helper)
    if channel is None:
        return None
    reminder, _created = Reminder.objects.get_or_create(
        dedupe_key=f"workshop:{workshop.pk}:{kind}:{workshop.sequence}:helper:{helper.pk}",
        defaults={
            "workshop": workshop,
            "helper": helper,
            "kind": kind,
            "channel": channel,
            "due_at": timezone.now(),
        },
    )
    return reminder


def _queue_workshop_change(registration: Registration, kind: str) -> Reminder | None:
    key = f"registration:{registration.pk}:{kind}:{registration.workshop.sequence}"
    return _queue(
        registration.senior,
        key=key,
        kind=kind,
        due_at=timezone.now(),
        registration=registration,
    )


def _queue_day_before_again(registration: Registration) -> Reminder | None:
    """A fresh day-before reminder for the workshop's current date, if still ahead."""
    day_before = day_before_due(registration.workshop.starts_at)
    if day_before <= timezone.now():
        return None
    key = f"registration:{registration.pk}:day_before:{registration.workshop.sequence}"
    return _queue(
        registration.senior,
        key=key,
        kind=Reminder.Kind.DAY_BEFORE,
        due_at=day_before,
        registration=registration,
    )


def _withdraw_pending(registrations, *, kinds=None) -> int:
    rows = Reminder.objects.filter(registration__in=registrations, status=Reminder.Status.PENDING)
    if kinds:
        rows = rows.filter(kind__in=kinds)
    return rows.update(status=Reminder.Status.CANCELLED, updated_at=timezone.now())


def reminders_for_workshop_move(workshop, *, registrations, helpers) -> list[Reminder]:
    """After a move: registered and waiting seniors and the helpers get a "moved"
    message; pending day-before reminders are replaced by ones for the new date."""
    _withdraw_pending(registrations, kinds=[Reminder.Kind.DAY_BEFORE])
    queued = []
    for registration in registrations:
        queued.append(_queue_workshop_change(registration, Reminder.Kind.MOVED))
        if registration.status == RegistrationStatus.REGISTERED:
            queued.append(_queue_day_before_again(registration))
    queued += [_queue_for_workshop_helper(workshop, h, Reminder.Kind.MOVED) for h in helpers]
    _dispatch_after_commit()
    return [reminder for reminder in queued if reminder]


def reminders_for_workshop_cancel(workshop, *, registrations, helpers) -> list[Reminder]:
    """The workshop is off: withdraw what is pending, tell seniors and helpers."""
    _withdraw_pending(registrations)
    workshop.helper_reminders.filter(status=Reminder.Status.PENDING).update(
        status=Reminder.Status.CANCELLED, updated_at=timezone.now()
    )
    queued = [_queue_workshop_change(r, Reminder.Kind.CANCELLED) for r in registrations]
    queued += [_queue_for_workshop_helper(workshop, h, Reminder.Kind.CANCELLED) for h in helpers]
    _dispatch_after_commit()
    return [reminder for reminder in queued if reminder]


def reminders_for_workshop_retitle(registrations) -> list[Reminder]:
    """Tell registered seniors the workshop's new title (time and place unchanged)."""
    queued = [_queue_workshop_change(r, Reminder.Kind.RETITLED) for r in registrations]
    _dispatch_after_commit()
    return [reminder for reminder in queued if reminder]


def reminder_for_seat_offer(
    registration: Registration, *, offer_id: int, due_at
) -> Reminder | None:
    """The offer of a free seat ("Antworten Sie JA"); None if the senior gets no messages."""
    key = f"registration:{registration.pk}:offer:{offer_id}"
    reminder = _queue(
        registration.senior,
        key=key,
        kind=Reminder.Kind.OFFER,
        due_at=due_at,
        registration=registration,
    )
    _dispatch_after_commit()
    return reminder


def reminders_for_seat(registration: Registration) -> list[Reminder]:
    """Someone from the waiting list got a seat: confirm it and queue the day-before
    reminder; withdraw what is still pending about the waiting list."""
    _withdraw_pending([registration])
    queued = [
        _queue(
            registration.senior,
            key=f"registration:{registration.pk}:seat",
            kind=Reminder.Kind.CONFIRMATION,
            due_at=timezone.now(),
            registration=registration,
        ),
        _queue_day_before_again(registration),
    ]
    _dispatch_after_commit()
    return [reminder for reminder in queued if reminder]


def reminders_hold(appointment: Appointment) -> int:
    """Hold the appointment's messages not yet sent: while it must be rebooked, no
    confirmation or "see you tomorrow" goes out. Returns how many were held."""
    return appointment.reminders.filter(status=Reminder.Status.PENDING).update(
        status=Reminder.Status.HELD, updated_at=timezone.now()
    )


def reminders_release_held(appointment: Appointment) -> int:
    """Send held messages after all (the reason to rebook is gone): they are pending
    again, except those about a time that has passed, which are withdrawn."""
    now = timezone.now()
    held = appointment.reminders.filter(status=Reminder.Status.HELD)
    held.filter(kind=Reminder.Kind.DAY_BEFORE, due_at__lt=now).update(
        status=Reminder.Status.CANCELLED, updated_at=now
    )
    released = held.update(status=Reminder.Status.PENDING, updated_at=now)
    if released:
        _dispatch_after_commit()
    return released


def reminders_cancel_held(appointment: Appointment) -> int:
    """Withdraw held messages for good (the appointment was moved or cancelled)."""
    return appointment.reminders.filter(status=Reminder.Status.HELD).update(
        status=Reminder.Status.CANCELLED, updated_at=timezone.now()
    )
