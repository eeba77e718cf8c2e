"""Reads for the staff desk that are more than a one-liner."""

from __future__ import annotations

import datetime
import re

from django.db.models import CharField, Count, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from bookings.availability import slot_problem
from bookings.models import (
    Appointment,
    AppointmentStatus,
    Assignment,
    Helper,
    Registration,
    RegistrationStatus,
    SeatOffer,
    Senior,
    Workshop,
)
from bookings.names import fold_name
from bookings.services.waiting_list import seats_free
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
    """Seniors whose phone number, or their contact person's, contains the typed digits
    (any format, or the last digits), or whose name contains every typed word, folded
    (`muller` finds `Müller`)."""
    # PostgreSQL refuses NUL in text; no name or number contains one.
    text = text.replace("\x00", "").strip()
    seniors = Senior.objects.filter(anonymised_at__isnull=True).select_related(
        "district", "contact_person"
    )
    if not _LETTERS.search(text):
        digits = _phone_digits(text)
        if len(digits) < 3:
            return []
        # A daughter calling for her mother is found by her own number.
        seniors = seniors.annotate(
            phone_text=Cast("phone", CharField()),
            contact_phone_text=Cast("contact_person__phone", CharField()),
        ).filter(Q(phone_text__contains=digits) | Q(contact_phone_text__contains=digits))
    else:
        words = fold_name(text).split()
        if not words:
            return []
        seniors = seniors.filter(*(Q(search_key__contains=word) for word in words))
    return list(seniors[:limit])


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


def replacement_helpers(appointment: Appointment, *, limit: int = 3) -> list[Helper]:
    """Other active helpers who offer the topic at the same office and could take the
    appointment at the same time: their availability fits (`slot_problem`) and they
    have no other appointment or workshop then."""
    busy = Assignment.objects.filter(
        starts_at__lt=appointment.ends_at, ends_at__gt=appointment.starts_at
    ).values("helper")
    candidates = (
        Helper.objects.filter(active=True, offices=appointment.office, topics=appointment.topic)
        .exclude(pk=appointment.helper_id)
        .exclude(pk__in=busy)
        .select_related("user")
        .distinct()
    )
    found = []
    for helper in candidates:
        problem = slot_problem(
            helper=helper,
            office=appointment.office,
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            kind=appointment.kind,
        )
        if problem is None:
            found.append(helper)
            if len(found) == limit:
                break
    return found


def rebooking_list() -> list[tuple[Appointment, Helper | None]]:
    """The appointments to rebook, each with the first helper who could take it over."""
    return [
        (appointment, next(iter(replacement_helpers(appointment, limit=1)), None))
        for appointment in needing_rebooking()
    ]


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
    """The first on the waiting list, if a seat is free for them and not held by an
    open offer (then the offer is shown instead, see `seat_offers`)."""
    if seats_free(workshop) <= 0:
        return None
    return (
        workshop.registrations.filter(status=RegistrationStatus.WAITLISTED)
        .select_related("senior")
        .order_by("position")
        .first()
    )


def seat_offers(workshop: Workshop) -> QuerySet[SeatOffer]:
    """Who was offered a free seat, until when, and what came of it; newest first."""
    return (
        SeatOffer.objects.filter(registration__workshop=workshop)
        .select_related("registration__senior", "reminder")
        .order_by("-created_at")
    )
