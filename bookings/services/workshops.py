"""Every write of a workshop and its seats: create, register (or wait-list), cancel a
seat, move, cancel, retitle, resize.

Who is told what (README, "Reminders"): a move tells registered and waiting seniors and
the helpers and re-queues the day-before reminders for the new date; a cancellation
tells all of them and withdraws what is pending; a new title is told to registered
seniors only (their messages name the title), a new description to nobody (no message
shows it). A seat that frees up is offered to the waiting list (`waiting_list`).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import (
    Assignment,
    Registration,
    RegistrationStatus,
    Senior,
    Topic,
    Workshop,
)
from bookings.outbox.queue import (
    reminders_for_registration,
    reminders_for_registration_cancel,
    reminders_for_workshop_cancel,
    reminders_for_workshop_move,
    reminders_for_workshop_retitle,
)
from bookings.services._guards import HELPER_GUARD, SEATS_GUARD, BookingError, atomic_retrying
from bookings.services.waiting_list import (
    open_offers,
    record_seat,
    seat_offer_withdraw_all,
    seat_offers_fit,
    seat_offers_make,
    seats_free,
)
from coordination.audit import record
from coordination.models import AuditEntry
from neighborhoods.models import Office

ACTIVE = [RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED]
Action = AuditEntry.Action


def _record_workshop(action: str, workshop: Workshop, **changes) -> None:
    record(action, workshop, office_id=workshop.office_id, **changes)


def _locked(workshop: Workshop) -> Workshop:
    return Workshop.objects.select_for_update().select_related("office").get(pk=workshop.pk)


def _changeable(workshop: Workshop) -> None:
    if workshop.cancelled_at:
        raise BookingError(_("Dieser Workshop wurde abgesagt."), code="cancelled")
    if workshop.starts_at <= timezone.now():
        raise BookingError(_("Dieser Workshop hat schon begonnen."), code="past")


def _active_registrations(workshop: Workshop) -> list[Registration]:
    return list(
        workshop.registrations.filter(status__in=ACTIVE)
        .select_related("senior", "workshop")
        .order_by("position")
    )


def _helpers(workshop: Workshop) -> list:
    return [a.helper for a in workshop.assignments.select_related("helper__user")]


def _helper_busy(helper, *, moved: bool) -> BookingError:
    if moved:
        text = _("%(helper)s hat zur neuen Zeit schon einen anderen Einsatz.")
    else:
        text = _("%(helper)s hat zu dieser Zeit schon einen anderen Einsatz.")
    return BookingError(text % {"helper": helper}, code="helper_busy")


@atomic_retrying
def workshop_create(
    *,
    office: Office,
    title: str,
    topic: Topic,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    seats: int,
    description: str = "",
    helpers=(),
) -> Workshop:
    """Plan a workshop with the helpers who lead it; nobody is told (nobody is registered
    yet). Raises `BookingError` for a time in the past or a helper busy at that time, and
    `ValidationError` for an end before the start or no seats."""
    if starts_at <= timezone.now():
        raise BookingError(_("Ein Workshop kann nur in der Zukunft geplant werden."), code="past")
    workshop = Workshop(
        office=office,
        title=title.strip(),
        topic=topic,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        seats=seats,
    )
    workshop.full_clean()
    workshop.save()
    for helper in helpers:
        try:
            with transaction.atomic():
                Assignment.objects.create(
                    helper=helper, workshop=workshop, starts_at=starts_at, ends_at=ends_at
                )
        except IntegrityError as exc:
            if HELPER_GUARD not in str(exc):
                raise
            raise _helper_busy(helper, moved=False) from exc
    _record_workshop(Action.CREATED, workshop, helpers=[helper.pk for helper in helpers])
    return workshop


@atomic_retrying
def workshop_register(*, workshop: Workshop, senior: Senior, booked_by=None) -> Registration:
    """Register for a seat, or put on the waiting list when the workshop is full.

    Seats held by open offers to the waiting list count as taken. A cancelled
    registration does not stand in the way of a new one. Raises `BookingError` for a
    cancelled or begun workshop, or when the person is already registered or waiting.
    """
    # Locking the workshop makes positions on the list strictly first come, first served.
    workshop = _locked(workshop)
    _changeable(workshop)
    if workshop.registrations.filter(senior=senior, status__in=ACTIVE).exists():
        raise BookingError(_("Diese Person ist bereits angemeldet."), code="duplicate")
    last = workshop.registrations.aggregate(last=Max("position"))["last"] or 0
    registration = Registration(
        workshop=workshop, senior=senior, position=last + 1, booked_by=booked_by
    )
    if seats_free(workshop) <= 0:
        registration.status = RegistrationStatus.WAITLISTED
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
    record_seat(Action.BOOKED, registration, workshop, status=registration.status)
    return registration


@atomic_retrying
def registration_cancel(*, registration: Registration) -> Registration | None:
    """Cancel a registration; a seat (or a seat held by an open offer) that frees up is
    offered to the waiting list. Returns the first person now offered a seat, else the
    first still waiting while a seat is free (staff call them), else None."""
    workshop = _locked(registration.workshop)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status not in ACTIVE:
        raise BookingError(_("Diese Anmeldung ist schon storniert."), code="not_active")
    had_offer = open_offers(workshop).filter(registration=registration).exists()
    freed_seat = registration.status == RegistrationStatus.REGISTERED or had_offer
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status"])
    seat_offer_withdraw_all([registration])
    reminders_for_registration_cancel(registration)
    record_seat(Action.CANCELLED, registration, workshop, fields=["status"])
    if not freed_seat:
        return None
    offers = seat_offers_make(workshop=workshop)
    if offers:
        return offers[0].registration
    if seats_free(workshop) <= 0:
        return None
    return (
        workshop.registrations.filter(status=RegistrationStatus.WAITLISTED)
        .order_by("position")
        .first()
    )


@atomic_retrying
def registration_mark(*, registration: Registration, status: str) -> Registration:
    """Record whether a registered person came (attended or no-show), once the day has come."""
    if status not in (RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW):
        raise BookingError(_("Unbekannter Status."), code="bad_status")
    registration = (
        Registration.objects.select_for_update().select_related("workshop").get(pk=registration.pk)
    )
    if registration.status in (RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED):
        raise BookingError(
            _("Nur angemeldete Personen können abgehakt werden."), code="not_registered"
        )
    if timezone.localdate(registration.workshop.starts_at) > timezone.localdate():
        raise BookingError(
            _("Ein Workshop kann erst an seinem Tag abgehakt werden."), code="not_yet"
        )
    registration.status = status
    registration.save(update_fields=["status"])
    record_seat(Action.MARKED, registration, registration.workshop, status=status)
    return registration


def _move_assignments(workshop: Workshop) -> None:
    """The helpers' time follows the workshop; the database refuses a helper's overlap."""
    for assignment in workshop.assignments.select_related("helper__user"):
        try:
            with transaction.atomic():
                Assignment.objects.filter(pk=assignment.pk).update(
                    starts_at=workshop.starts_at, ends_at=workshop.ends_at
                )
        except IntegrityError as exc:
            if HELPER_GUARD not in str(exc):
                raise
            raise _helper_busy(assignment.helper, moved=True) from exc


@atomic_retrying
def workshop_move(
    *,
    workshop: Workshop,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime | None = None,
) -> Workshop:
    """Move a workshop to a new time (same length unless `ends_at` is given).

    The helpers' assignments follow; registered and waiting seniors and the helpers get
    a "moved" message, and pending day-before reminders are replaced by ones for the
    new date. Raises `BookingError` for a cancelled or begun workshop, a time in the
    past, or a helper who is busy at the new time (nothing is changed then).
    """
    workshop = _locked(workshop)
    _changeable(workshop)
    ends_at = ends_at or starts_at + (workshop.ends_at - workshop.starts_at)
    if starts_at <= timezone.now():
        raise BookingError(_("Ein Workshop kann nur in die Zukunft verlegt werden."), code="past")
    if (starts_at, ends_at) == (workshop.starts_at, workshop.ends_at):
        return workshop
    moved_from = workshop.starts_at
    workshop.starts_at, workshop.ends_at = starts_at, ends_at
    workshop.sequence += 1
    workshop.full_clean()
    workshop.save()
    _move_assignments(workshop)
    seat_offers_fit(workshop)
    reminders_for_workshop_move(
        workshop, registrations=_active_registrations(workshop), helpers=_helpers(workshop)
    )
    _record_workshop(
        Action.MOVED,
        workshop,
        fields=["starts_at", "ends_at"],
        to=starts_at,
        **{"from": moved_from},
    )
    return workshop


@atomic_retrying
def workshop_cancel(*, workshop: Workshop) -> Workshop:
    """Cancel a workshop: every registration is cancelled, open offers withdrawn, pending
    messages withdrawn, seniors (registered and waiting) and helpers told, and the
    helpers' time freed. Raises `BookingError` if it was cancelled already."""
    workshop = _locked(workshop)
    if workshop.cancelled_at:
        raise BookingError(_("Dieser Workshop wurde schon abgesagt."), code="cancelled")
    registrations = _active_registrations(workshop)
    helpers = _helpers(workshop)
    workshop.cancelled_at = timezone.now()
    workshop.sequence += 1
    workshop.save(update_fields=["cancelled_at", "sequence"])
    seat_offer_withdraw_all(registrations)
    Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(
        status=RegistrationStatus.CANCELLED
    )
    workshop.assignments.all().delete()
    if workshop.starts_at > timezone.now():
        reminders_for_workshop_cancel(workshop, registrations=registrations, helpers=helpers)
    _record_workshop(Action.CANCELLED, workshop, fields=["cancelled_at"])
    # Each senior's own entry, so that what is kept about them (Art. 15) names it.
    for registration in registrations:
        record_seat(Action.CANCELLED, registration, workshop, fields=["status"])
    return workshop


@atomic_retrying
def workshop_retitle(
    *, workshop: Workshop, title: str, description: str, topic: Topic | None = None
) -> Workshop:
    """Change what the workshop is called and about. A new title is told to registered
    seniors of an upcoming workshop; description and topic appear in no message, so
    changing them tells nobody. Raises `BookingError` for a cancelled workshop."""
    workshop = _locked(workshop)
    if workshop.cancelled_at:
        raise BookingError(_("Dieser Workshop wurde abgesagt."), code="cancelled")
    title_changed = title.strip() != workshop.title
    changed = [
        name
        for name, old, new in (
            ("title", workshop.title, title.strip()),
            ("description", workshop.description, description),
            ("topic", workshop.topic_id, topic.pk if topic else workshop.topic_id),
        )
        if old != new
    ]
    workshop.title, workshop.description = title.strip(), description
    workshop.topic = topic or workshop.topic
    if title_changed:
        workshop.sequence += 1
    workshop.full_clean()
    workshop.save()
    if changed:
        _record_workshop(Action.CHANGED, workshop, fields=changed)
    if title_changed and workshop.starts_at > timezone.now():
        registered = [
            r for r in _active_registrations(workshop) if r.status == RegistrationStatus.REGISTERED
        ]
        reminders_for_workshop_retitle(registered)
    return workshop


@atomic_retrying
def workshop_resize(*, workshop: Workshop, seats: int) -> Workshop:
    """Change the number of seats; new seats are offered to the waiting list.

    Raises `BookingError` when fewer seats than registered people are asked for."""
    workshop = _locked(workshop)
    _changeable(workshop)
    taken = workshop.seats_taken()
    if seats < taken:
        raise BookingError(
            _("Es sind schon %(taken)d Personen angemeldet; so wenige Plätze gehen nicht.")
            % {"taken": taken},
            code="too_few_seats",
        )
    grew = seats > workshop.seats
    workshop.seats = seats
    workshop.full_clean()
    workshop.save(update_fields=["seats"])
    _record_workshop(Action.CHANGED, workshop, fields=["seats"], seats=seats)
    if grew:
        seat_offers_make(workshop=workshop)
    return workshop
