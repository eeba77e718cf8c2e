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


def _row(senior: Senior, *, key: str, kind: str, due_at, **about) -> Reminder | None:
    """The unsaved outbox row for a senior under `key`; None if they get no messages."""
    channel = senior.reminder_channel
    if channel == Senior.Channel.NONE:
        return None
    return Reminder(
        dedupe_key=key, senior=senior, kind=kind, channel=channel, due_at=due_at, **about
    )


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
    key = _senior_key(appointment, kind)
    return _row(appointment.senior, key=key, kind=kind, due_at=due_at, appointment=appointment)


def _contact_row(
    appointment: Appointment, kind: str, due_at, *, contact: ContactPerson | None
) -> Reminder | None:
    """The unsaved copy of the senior's message for their contact person; None unless
    the senior wishes copies and the contact agreed (and did not answer STOP)."""
    if contact is None or contact.copy_channel == Senior.Channel.NONE:
        return None
    channel = contact.copy_channel
    return _about_senior(appointment, kind, due_at, Reminder.Addressee.CONTACT, channel)


def _relative_row(appointment: Appointment, kind: str, due_at) -> Reminder | None:
    """The unsaved row for the relative invited to a video appointment (SMS to their
    mobile, else e-mail); None for other kinds. The row's senior is the one whose
    appointment it is; the address is read from the appointment's `video` when sending."""
    video = appointment.video_call
    if video is None:
        return None
    channel = Reminder.Channel.SMS if video.relative_phone else Reminder.Channel.EMAIL
    return _about_senior(appointment, kind, due_at, Reminder.Addressee.RELATIVE, channel)


def _about_senior(appointment: Appointment, kind: str, due_at, addressee: str, channel: str):
    """A row about the senior's appointment for someone else (`addressee`): its key is
    the senior's own with the addressee added, so each goes at most once too."""
    return Reminder(
        dedupe_key=f"{_senior_key(appointment, kind)}:{addressee}",
        appointment=appointment,
        senior=appointment.senior,
        addressee=addressee,
        kind=kind,
        channel=channel,
        due_at=due_at,
    )


def _contact_of(appointment: Appointment) -> ContactPerson | None:
    """The senior's contact person: no query where the caller loaded it with the
    appointment (`select_related("senior__contact_person")`)."""
    try:
        return appointment.senior.contact_person
    except ContactPerson.DoesNotExist:
        return None


def _write(rows: list[Reminder | None]) -> None:
    """Insert the rows in one statement. A key already in the outbox is skipped by the
    database and its row left as it is: at most once per key, as `get_or_create` was,
    at one statement instead of four per row."""
    Reminder.objects.bulk_create([row for row in rows if row], ignore_conflicts=True)


def _written(rows: list[Reminder | None]) -> list[Reminder]:
    """`_write`, then the rows as stored under their keys (an earlier row where the key
    was taken), for callers that keep or look at them: two statements for any number."""
    rows = [row for row in rows if row]
    _write(rows)
    if not rows:
        return []
    stored = Reminder.objects.in_bulk([row.dedupe_key for row in rows], field_name="dedupe_key")
    return [stored[row.dedupe_key] for row in rows]


def _withdraw_unsent(appointment: Appointment) -> int:
    """Withdraw the appointment's messages not yet sent, held ones too (they are about
    the time it had), to everyone; returns how many."""
    return appointment.reminders.filter(
        status__in=[Reminder.Status.PENDING, Reminder.Status.HELD]
    ).update(status=Reminder.Status.CANCELLED, updated_at=timezone.now())


def _new_rows(appointment: Appointment, kind: str) -> list[Reminder | None]:
    """The message about a booking or move (`kind`) to senior and helper, and the
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
    return rows


def reminders_for_new(appointment: Appointment, *, kind: str) -> None:
    """Queue the messages about a booking or move (`kind`): see `_new_rows`."""
    _write(_new_rows(appointment, kind))
    _dispatch_after_commit()


def reminders_for_move(appointment: Appointment, *, previous_helper: Helper) -> None:
    """Replace the unsent messages (pending or held) after a move by "moved" ones; a
    helper who lost the appointment is told."""
    _withdraw_unsent(appointment)
    rows = _new_rows(appointment, Reminder.Kind.MOVED)
    if previous_helper.pk != appointment.helper_id:
        rows.append(_helper_row(appointment, previous_helper, Reminder.Kind.CANCELLED))
    _write(rows)
    _dispatch_after_commit()


def reminders_for_cancellation(appointment: Appointment) -> None:
    """Withdraw the unsent messages (pending or held) and tell senior (and contact,
    and the relative of a video call) and helper that the appointment is off."""
    _withdraw_unsent(appointment)
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


def _registration_row(registration: Registration, kind: str, due_at) -> Reminder | None:
    key = f"registration:{registration.pk}:{kind}"
    return _row(registration.senior, key=key, kind=kind, due_at=due_at, registration=registration)


def _registration_rows(registration: Registration) -> list[Reminder | None]:
    """The confirmation of a workshop seat (or waiting-list place) and, for a seat, the
    day-before reminder."""
    now = timezone.now()
    rows = [_registration_row(registration, Reminder.Kind.CONFIRMATION, now)]
    day_before = day_before_due(registration.workshop.starts_at)
    if registration.status == RegistrationStatus.REGISTERED and day_before > now:
        rows.append(_registration_row(registration, Reminder.Kind.DAY_BEFORE, day_before))
    return rows


def reminders_for_registration(registration: Registration) -> None:
    """Queue the confirmation of a workshop seat (or waiting-list place) and, for a
    seat, the day-before reminder."""
    _write(_registration_rows(registration))
    _dispatch_after_commit()


def reminders_for_registration_cancel(registration: Registration) -> None:
    registration.reminders.filter(status=Reminder.Status.PENDING).update(
        status=Reminder.Status.CANCELLED, updated_at=timezone.now()
    )
    _write([_registration_row(registration, Reminder.Kind.CANCELLED, timezone.now())])
    _dispatch_after_commit()


# Workshop changes and waiting-list offers. Their keys carry the workshop's `sequence`
# (one message per change) or the offer's id; the kinds above keep their keys.


def _workshop_helper_row(workshop, helper: Helper, kind: str) -> Reminder | None:
    channel = helper_channel(helper)
    if channel is None:
        return None
    return Reminder(
        dedupe_key=f"workshop:{workshop.pk}:{kind}:{workshop.sequence}:helper:{helper.pk}",
        workshop=workshop,
        helper=helper,
        kind=kind,
        channel=channel,
        due_at=timezone.now(),
    )


def _workshop_change_row(registration: Registration, kind: str) -> Reminder | None:
    key = f"registration:{registration.pk}:{kind}:{registration.workshop.sequence}"
    return _row(
        registration.senior,
        key=key,
        kind=kind,
        due_at=timezone.now(),
        registration=registration,
    )


def _day_before_again_row(registration: Registration) -> Reminder | None:
    """A fresh day-before reminder for the workshop's current date, if still ahead."""
    day_before = day_before_due(registration.workshop.starts_at)
    if day_before <= timezone.now():
        return None
    key = f"registration:{registration.pk}:day_before:{registration.workshop.sequence}"
    return _row(
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


def reminders_for_workshop_move(workshop, *, registrations, helpers) -> None:
    """After a move: registered and waiting seniors and the helpers get a "moved"
    message; pending day-before reminders are replaced by ones for the new date."""
    _withdraw_pending(registrations, kinds=[Reminder.Kind.DAY_BEFORE])
    rows = []
    for registration in registrations:
        rows.append(_workshop_change_row(registration, Reminder.Kind.MOVED))
        if registration.status == RegistrationStatus.REGISTERED:
            rows.append(_day_before_again_row(registration))
    rows += [_workshop_helper_row(workshop, h, Reminder.Kind.MOVED) for h in helpers]
    _write(rows)
    _dispatch_after_commit()


def reminders_for_workshop_cancel(workshop, *, registrations, helpers) -> None:
    """The workshop is off: withdraw what is pending, tell seniors and helpers."""
    _withdraw_pending(registrations)
    workshop.helper_reminders.filter(status=Reminder.Status.PENDING).update(
        status=Reminder.Status.CANCELLED, updated_at=timezone.now()
    )
    rows = [_workshop_change_row(r, Reminder.Kind.CANCELLED) for r in registrations]
    rows += [_workshop_helper_row(workshop, h, Reminder.Kind.CANCELLED) for h in helpers]
    _write(rows)
    _dispatch_after_commit()


def reminders_for_workshop_retitle(registrations) -> None:
    """Tell registered seniors the workshop's new title (time and place unchanged)."""
    _write([_workshop_change_row(r, Reminder.Kind.RETITLED) for r in registrations])
    _dispatch_after_commit()


def reminder_for_seat_offer(
    registration: Registration, *, offer_id: int, due_at
) -> Reminder | None:
    """The offer of a free seat ("Antworten Sie JA"); None if the senior gets no messages."""
    key = f"registration:{registration.pk}:offer:{offer_id}"
    row = _row(
        registration.senior,
        key=key,
        kind=Reminder.Kind.OFFER,
        due_at=due_at,
        registration=registration,
    )
    _dispatch_after_commit()
    return _written([row])[0] if row else None


def reminders_for_seat(registration: Registration) -> None:
    """Someone from the waiting list got a seat: confirm it and queue the day-before
    reminder; withdraw what is still pending about the waiting list."""
    _withdraw_pending([registration])
    row = _row(
        registration.senior,
        key=f"registration:{registration.pk}:seat",
        kind=Reminder.Kind.CONFIRMATION,
        due_at=timezone.now(),
        registration=registration,
    )
    _write([row, _day_before_again_row(registration)])
    _dispatch_after_commit()


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
