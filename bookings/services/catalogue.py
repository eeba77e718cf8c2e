"""What the offices offer: topics and loan devices.

A topic switched off is no longer offered for new bookings; appointments already booked
with it stay. A loan device switched off (defect), or given another kind or office, hands
its future reservations to another free device of its kind at that office; an
appointment left without one is flagged "muss neu vereinbart werden", its messages held
and the office told (`bookings.services.rebooking`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import (
    Appointment,
    AppointmentStatus,
    LoanDevice,
    LoanReservation,
    Topic,
)
from bookings.services._guards import NoLoanDevice, _reserve_loan_device
from bookings.services.rebooking import rebooking_flag, rebooking_tell_offices
from coordination.audit import changed_fields, record
from coordination.models import AuditEntry


def _saved(obj, **extra) -> None:
    """Validate and save a new or changed row, and record which fields changed."""
    before = type(obj).objects.filter(pk=obj.pk).first() if obj.pk else None
    obj.full_clean()
    obj.save()
    if before is None:
        record(AuditEntry.Action.CREATED, obj, **extra)
    elif fields := changed_fields(before, obj):
        record(AuditEntry.Action.CHANGED, obj, fields=fields, **extra)


@transaction.atomic
def topic_save(*, topic: Topic) -> Topic:
    """Create a topic or save its changed values (set on the instance).

    Raises `ValidationError` for a name already taken or a duration out of range."""
    _saved(topic)
    return topic


def _reservations_ahead(device: LoanDevice):
    return (
        LoanReservation.objects.filter(
            device=device,
            appointment__status=AppointmentStatus.BOOKED,
            starts_at__gt=timezone.now(),
        )
        .select_related(
            "appointment__office",
            "appointment__helper__user",
            "appointment__senior",
            "appointment__topic",
        )
        .select_for_update(of=("self",))
    )


def _hand_on(device: LoanDevice, kind: str) -> list[Appointment]:
    """Give the device's future reservations to other free devices of `kind`; returns
    the appointments for which none was free (flagged, messages held)."""
    left_without = []
    for reservation in _reservations_ahead(device):
        appointment = reservation.appointment
        reservation.delete()
        try:
            with transaction.atomic():
                _reserve_loan_device(appointment, kind)
        except NoLoanDevice:
            left_without.append(appointment)
    rebooking_flag(left_without)
    return left_without


@transaction.atomic
def loan_device_save(*, device: LoanDevice) -> list[Appointment]:
    """Create a loan device or save its changed values (set on the instance).

    A device that can no longer be lent as before (switched off, another kind or office)
    hands its future reservations on; returns the appointments left without a device,
    which are flagged and their offices told. Raises `ValidationError` for a label
    already used at that office."""
    stored = LoanDevice.objects.select_for_update().filter(pk=device.pk).first()
    _saved(device, office_id=device.office_id)
    if stored is None or not stored.active:
        return []
    if device.active and (device.kind, device.office_id) == (stored.kind, stored.office_id):
        return []
    flagged = _hand_on(device, stored.kind)
    rebooking_tell_offices(
        subject=lambda: _("Leihgerät fällt aus – Termine neu vereinbaren"),
        cause=lambda: (
            _("Das Leihgerät „%(device)s“ kann nicht mehr verliehen werden.")
            % {"device": stored.label}
        ),
        appointments=flagged,
    )
    return flagged
