"""Reads for the staff desk that are more than a one-liner."""

from __future__ import annotations

import datetime
import re

from django.db.models import CharField, Count, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from bookings.models import (
    Appointment,
    AppointmentStatus,
    Registration,
    RegistrationStatus,
    Senior,
    Workshop,
)
from bookings.names import fold_name
from helpdesk.localtime import local_midnight
from neighborhoods.models import Office

SEARCH_LIMIT = 20
_LETTERS = re.compile(r"[^\W\d_]")


def _phone_digits(text: str) -> str:
    """Digits as stored in E.164 (without "+"): 0631… and 0049631… both become 49631…."""
    digits = re.sub(r"\D", "", text)
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith("0"):
        return "49" + digits[1:]
    return digits


def senior_search(text: str, *, limit: int = SEARCH_LIMIT) -> list[Senior]:
    """Seniors whose phone number contains the typed digits (any format, or the last
    digits), or whose name contains every typed word, folded (`muller` finds `Müller`)."""
    # PostgreSQL refuses NUL in text; no name or number contains one.
    text = text.replace("\x00", "").strip()
    seniors = Senior.objects.filter(anonymised_at__isnull=True).select_related("district")
    if not _LETTERS.search(text):
        digits = _phone_digits(text)
        if len(digits) < 3:
            return []
        seniors = seniors.annotate(phone_text=Cast("phone", CharField())).filter(
            phone_text__contains=digits
        )
    else:
        words = fold_name(text).split()
        if not words:
            return []
        seniors = seniors.filter(*(Q(search_key__contains=word) for word in words))
    return list(seniors[:limit])


def home_offices(senior: Senior) -> list[Office]:
    """The active offices in the senior's district: offered first in the slot search."""
    if not senior.district_id:
        return []
    return list(Office.objects.filter(district_id=senior.district_id, active=True))


def upcoming_appointments(senior: Senior) -> QuerySet[Appointment]:
    return (
        senior.appointments.filter(
            status=AppointmentStatus.BOOKED,
            starts_at__gte=local_midnight(),
        )
        .select_related("office", "topic", "helper__user")
        .order_by("starts_at")
    )


def day_list(office: Office, day: datetime.date) -> list[Appointment]:
    """All appointments of one office on one day (cancelled ones last), with everything
    the list shows loaded in one query."""
    start = local_midnight(day)
    return list(
        Appointment.objects.filter(
            office=office, starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1)
        )
        .select_related("senior", "topic", "helper__user", "loan_reservation__device")
        .order_by("starts_at", "helper__user__first_name")
    )


def day_workshops(office: Office, day: datetime.date) -> QuerySet[Workshop]:
    start = local_midnight(day)
    return with_seat_counts(
        Workshop.objects.filter(
            office=office, starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1)
        )
    )


def needing_rebooking() -> QuerySet[Appointment]:
    """Booked appointments whose helper fell out: staff call these seniors."""
    return (
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED, needs_rebooking=True, starts_at__gte=timezone.now()
        )
        .select_related("senior", "office", "topic", "helper__user")
        .order_by("starts_at")
    )


def with_seat_counts(workshops: QuerySet[Workshop]) -> QuerySet[Workshop]:
    return workshops.select_related("office", "topic").annotate(
        taken=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)),
        waiting=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
        ),
    )


def upcoming_workshops() -> QuerySet[Workshop]:
    return with_seat_counts(
        Workshop.objects.filter(starts_at__gt=timezone.now(), cancelled_at__isnull=True)
    ).order_by("starts_at")


def workshop_registrations(workshop: Workshop) -> QuerySet[Registration]:
    return (
        workshop.registrations.filter(
            status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED]
        )
        .select_related("senior")
        .order_by("position")
    )


def next_to_call(workshop: Workshop) -> Registration | None:
    """The first on the waiting list, if a seat is free for them."""
    if workshop.seats_taken() >= workshop.seats:
        return None
    return (
        workshop.registrations.filter(status=RegistrationStatus.WAITLISTED)
        .select_related("senior")
        .order_by("position")
        .first()
    )
