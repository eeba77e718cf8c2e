"""Writes of a senior's details that decide which messages reach them.

Consent given later, or a new number, queues what is still useful (the confirmation
before the appointment, day-before reminders still ahead); consent removed withdraws
every unsent message. The number is read when a message is sent, so a new number
redirects pending messages; its kind (mobile or landline) decides their channel.
"""

from __future__ import annotations

import copy

from django.db import transaction
from django.utils import timezone

from bookings.models import Reminder, Senior
from bookings.outbox.queue import (
    reminders_for_reachable_senior,
    reminders_redirect_for_senior,
    reminders_withdraw_for_senior,
)
from coordination.audit import changed_fields, record
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
    stored = copy.copy(senior)
    before = {name: getattr(senior, name) for name in _REACH}
    for name, value in fields.items():
        setattr(senior, name, value)
    senior.full_clean()
    senior.save()
    touched = changed_fields(stored, senior)
    if touched:
        record(AuditEntry.Action.CHANGED, senior, senior_id=senior.pk, fields=touched)
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
            record(AuditEntry.Action.CHANGED, senior, senior_id=senior.pk, fields=["opted_out_at"])
        reminders_withdraw_for_senior(senior)
    return seniors
