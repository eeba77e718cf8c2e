"""Writes of a senior's details that decide which messages reach them.

Consent given later, or a new number, queues what is still useful (the confirmation
before the appointment, day-before reminders still ahead); consent removed withdraws
every unsent message. The number is read when a message is sent, so a new number
redirects pending messages; its kind (mobile or landline) decides their channel.
Erasure on request (Art. 17 DSGVO) cancels what lies ahead first, then anonymises.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import AppointmentStatus, CancellationReason, Reminder, Senior
from bookings.outbox.queue import (
    reminders_for_reachable_senior,
    reminders_redirect_for_senior,
    reminders_withdraw_for_senior,
)
from bookings.privacy import senior_anonymise
from bookings.services._guards import atomic_retrying
from bookings.services.appointments import appointment_cancel
from bookings.services.workshops import ACTIVE, registration_cancel
from coordination import audit
from coordination.models import AuditEntry

# The fields whose change decides what the senior is sent.
_REACH = ("phone", "preferred_channel", "reminder_consent")


@transaction.atomic
def senior_update(*, senior: Senior, **fields) -> tuple[Senior, list[Reminder]]:
    """Change a saved senior's details (any model field by name).

    Removing consent withdraws every unsent message. Giving consent, or changing the
    number or the chosen way, puts unsent messages on the right channel and queues the
    confirmation and the day-before reminders that are still ahead (never twice).
    Returns the senior and the newly queued messages. Raises `ValidationError` for
    invalid values; nothing is saved then.
    """
    senior = Senior.objects.select_for_update().get(pk=senior.pk)
    before = {name: getattr(senior, name) for name in _REACH}
    for name, value in fields.items():
        setattr(senior, name, value)
    senior.full_clean()
    senior.save()
    changed = {name for name in _REACH if getattr(senior, name) != before[name]}
    if not changed:
        return senior, []
    if senior.reminder_channel == Senior.Channel.NONE:
        reminders_withdraw_for_senior(senior)
        return senior, []
    reminders_redirect_for_senior(senior)
    return senior, reminders_for_reachable_senior(senior)


@transaction.atomic
def senior_opt_out(*, phone: str) -> list[Senior]:
    """Stop every message to the seniors with this number (they answered "STOP"): they
    are marked opted out and every unsent message to them, held ones too, is withdrawn.
    Returns those seniors; nothing more is ever sent to them (invariant 6)."""
    seniors = list(Senior.objects.select_for_update().filter(phone=phone))
    now = timezone.now()
    for senior in seniors:
        if senior.opted_out_at is None:
            senior.opted_out_at = now
            senior.save(update_fields=["opted_out_at"])
        reminders_withdraw_for_senior(senior)
    return seniors


@atomic_retrying
def senior_erase(*, senior: Senior) -> Senior:
    """Erase a senior on their request (Art. 17 DSGVO), all or nothing.

    Their future appointments and workshop places are cancelled first, through the
    services, so helpers are told and the waiting list moves up; then every message
    not yet sent to them is withdrawn (their number is about to go) and the person is
    anonymised like after the retention time. Past appointments, feedback scores and
    the audit trail stay, without the person, so the statistics still add up. The
    audit entry "erased" names only the senior's number.
    """
    senior = Senior.objects.select_for_update().get(pk=senior.pk)
    now = timezone.now()
    for appointment in senior.appointments.filter(
        status=AppointmentStatus.BOOKED, starts_at__gt=now
    ):
        appointment_cancel(
            appointment=appointment,
            reason=CancellationReason.SENIOR,
            note=_("Löschung auf Wunsch der Person"),
        )
    for registration in senior.registrations.filter(status__in=ACTIVE, workshop__starts_at__gt=now):
        registration_cancel(registration=registration)
    reminders_withdraw_for_senior(senior)
    senior = senior_anonymise(senior=senior)
    # Provider error texts may quote the number ("The 'To' number +49… is not valid").
    Reminder.objects.filter(senior=senior).update(error_message="", inflight_key="")
    audit.record(AuditEntry.Action.ERASED, senior, senior_id=senior.pk)
    return senior
