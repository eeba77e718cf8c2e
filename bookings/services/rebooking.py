"""What a change around a booking does to it: flag, hold its messages, tell the office.

A closure, an absence, a helper leaving or giving up time never cancels anything. Each
booked future appointment that is no longer possible (`slot_problem`) is flagged "muss
neu vereinbart werden" and its unsent messages are held, so no "see you tomorrow" goes
to a closed office; the staff of each affected office get one e-mail after the commit.
When the reason goes away the flag is lifted and the held messages go out after all;
`appointment_move` lifts it by moving.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from bookings.availability import slot_problem
from bookings.models import Appointment, AppointmentStatus, Workshop
from bookings.outbox.queue import reminders_hold, reminders_release_held
from neighborhoods.models import Office


def booked_ahead(appointments) -> list[Appointment]:
    """The booked appointments of a queryset that have not begun, locked for the change."""
    return list(
        appointments.filter(status=AppointmentStatus.BOOKED, starts_at__gt=timezone.now())
        .select_related("office", "helper__user", "senior", "topic")
        .select_for_update(of=("self",))
        .order_by("starts_at")
    )


def rebooking_recheck(
    appointments: Iterable[Appointment],
) -> tuple[list[Appointment], list[Appointment]]:
    """Flag each appointment that is no longer possible and hold its messages; lift the
    flag of each flagged one that is possible again and release its messages.

    Returns (newly flagged, released). Call inside the change's transaction.
    """
    flagged, released = [], []
    for appointment in appointments:
        problem = slot_problem(
            helper=appointment.helper,
            office=appointment.office,
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            kind=appointment.kind,
        )
        if problem and not appointment.needs_rebooking:
            flagged.append(appointment)
        elif not problem and appointment.needs_rebooking:
            released.append(appointment)
    rebooking_flag(flagged)
    for appointment in released:
        appointment.needs_rebooking = False
        appointment.save(update_fields=["needs_rebooking", "updated_at"])
        reminders_release_held(appointment)
    return flagged, released


def rebooking_flag(appointments: list[Appointment]) -> None:
    """Flag the appointments "needs rebooking" and hold their unsent messages."""
    Appointment.objects.filter(pk__in=[a.pk for a in appointments]).update(
        needs_rebooking=True, updated_at=timezone.now()
    )
    for appointment in appointments:
        appointment.needs_rebooking = True
        reminders_hold(appointment)


def rebooking_tell_offices(
    *,
    subject: Callable[[], str],
    cause: Callable[[], str],
    appointments: list[Appointment],
    workshops: Iterable[Workshop] = (),
) -> None:
    """After the commit, one e-mail per affected office to its staff: the `subject`, the
    `cause` and the appointments and workshops to arrange anew.

    `subject` and `cause` are called when the mail is written, in the site's language
    (German), whatever language the person making the change reads.
    """
    workshops = list(workshops)
    if appointments or workshops:
        transaction.on_commit(lambda: _send_mails(subject, cause, appointments, workshops))


def _send_mails(subject, cause, appointments, workshops) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _send_mails_now(subject(), cause(), appointments, workshops)


def _send_mails_now(subject: str, cause: str, appointments, workshops) -> None:
    by_office: dict[Office, dict[str, list]] = defaultdict(
        lambda: {"appointments": [], "workshops": []}
    )
    for appointment in appointments:
        by_office[appointment.office]["appointments"].append(appointment)
    for workshop in workshops:
        by_office[workshop.office]["workshops"].append(workshop)
    staff_by_office = {
        office.pk: [user.email for user in office.staff.all() if user.email]
        for office in Office.objects.filter(pk__in=[o.pk for o in by_office]).prefetch_related(
            "staff"
        )
    }
    for office, affected in by_office.items():
        recipients = staff_by_office.get(office.pk)
        if not recipients:
            continue
        body = render_to_string(
            "desk/mail_rebooking.txt", {"cause": cause, "office": office, **affected}
        )
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
