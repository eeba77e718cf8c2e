"""Writes of a senior's details that decide which messages reach them, and of their
contact person, who may get copies.

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

from bookings.models import AppointmentStatus, CancellationReason, ContactPerson, Reminder, Senior
from bookings.outbox.reach import (
    reminders_for_contact,
    reminders_for_reachable_senior,
    reminders_redirect_for_senior,
    reminders_withdraw_copies,
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


# The contact person's fields whose change decides which copies they get.
_COPY_REACH = ("phone", "consent", "copies_wished")


@transaction.atomic
def contact_person_save(*, senior: Senior, **fields) -> tuple[ContactPerson, list[Reminder]]:
    """Name the senior's contact person, or change them (any model field by name).

    If the senior wishes copies and the contact agreed, they get copies of the
    confirmation, day-before reminder, move and cancellation of each appointment; the
    confirmation and day-before reminder of appointments already booked are queued
    now (never twice). Without wish or consent every unsent copy is withdrawn. A new
    number lifts an earlier STOP (it came from the old number). Returns the contact
    and the newly queued copies; raises `ValidationError` and saves nothing for
    invalid values.
    """
    senior = Senior.objects.select_for_update().get(pk=senior.pk)
    contact = ContactPerson.objects.filter(senior=senior).first() or ContactPerson(senior=senior)
    before = None if contact.pk is None else {n: getattr(contact, n) for n in _COPY_REACH}
    for name, value in fields.items():
        setattr(contact, name, value)
    if before and contact.phone != before["phone"]:
        contact.opted_out_at = None
    contact.full_clean()
    contact.save()
    if before == {name: getattr(contact, name) for name in _COPY_REACH}:
        return contact, []
    return contact, reminders_for_contact(senior)


@transaction.atomic
def contact_person_remove(*, senior: Senior) -> int:
    """Remove the senior's contact person and withdraw their unsent copies; returns how
    many were withdrawn."""
    senior = Senior.objects.select_for_update().get(pk=senior.pk)
    ContactPerson.objects.filter(senior=senior).delete()
    return reminders_withdraw_copies(senior)


@transaction.atomic
def contact_person_opt_out(*, phone: str) -> list[ContactPerson]:
    """Stop the copies to the contact persons with this number (they answered "STOP"):
    marked opted out, their unsent copies withdrawn. The seniors' own messages go on.
    Returns those contact persons."""
    contacts = list(ContactPerson.objects.select_for_update().filter(phone=phone))
    for contact in contacts:
        if contact.opted_out_at is None:
            contact.opted_out_at = timezone.now()
            contact.save(update_fields=["opted_out_at"])
        reminders_withdraw_copies(contact.senior)
    return contacts


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
    reminders_withdraw_copies(senior)
    senior = senior_anonymise(senior=senior)
    # Provider error texts may quote the number ("The 'To' number +49… is not valid").
    Reminder.objects.filter(senior=senior).update(error_message="", inflight_key="")
    audit.record(AuditEntry.Action.ERASED, senior, senior_id=senior.pk)
    return senior
