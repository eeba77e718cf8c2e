"""Every write of a workshop seat: register (or wait-list) and cancel."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import (
    Registration,
    RegistrationStatus,
    Senior,
    Workshop,
)
from bookings.outbox.queue import (
    reminders_for_registration,
    reminders_for_registration_cancel,
)
from bookings.services._guards import SEATS_GUARD, BookingError, atomic_retrying


@atomic_retrying
def workshop_register(*, workshop: Workshop, senior: Senior, booked_by=None) -> Registration:
    """Register for a seat, or put on the waiting list when the workshop is full."""
    # Locking the workshop makes positions on the list strictly first come, first served.
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if workshop.cancelled_at:
        raise BookingError(_("Dieser Workshop wurde abgesagt."), code="cancelled")
    if workshop.starts_at <= timezone.now():
        raise BookingError(_("Dieser Workshop hat schon begonnen."), code="past")
    already = workshop.registrations.filter(
        senior=senior,
        status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED],
    )
    if already.exists():
        raise BookingError(_("Diese Person ist bereits angemeldet."), code="duplicate")
    last = workshop.registrations.aggregate(last=Max("position"))["last"] or 0
    registration = Registration(
        workshop=workshop, senior=senior, position=last + 1, booked_by=booked_by
    )
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:
        if SEATS_GUARD not in str(exc):
            raise
        registration.pk = None
        registration.status = RegistrationStatus.WAITLISTED
        registration.save()
    reminders_for_registration(registration)
    return registration


@atomic_retrying
def registration_cancel(*, registration: Registration) -> Registration | None:
    """Cancel a registration; returns who is next on the waiting list to be called, if any."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    freed_seat = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status"])
    reminders_for_registration_cancel(registration)
    if not freed_seat:
        return None
    return (
        registration.workshop.registrations.filter(status=RegistrationStatus.WAITLISTED)
        .order_by("position")
        .first()
    )
