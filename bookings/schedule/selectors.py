"""What a helper has to do: their appointments and workshops, read-only (selectors).

Used by "my appointments" and by the calendar feed. Each function runs a fixed number
of queries, whatever the number of appointments, so both pages stay fast.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.availability import local_range
from bookings.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Availability,
    Helper,
    RegistrationStatus,
    Senior,
    Workshop,
)
from helpdesk.localtime import local_days
from neighborhoods.models import Office

# Cancelled appointments stay visible, struck through, this long after the cancellation.
CANCELLED_VISIBLE_FOR = datetime.timedelta(days=7)
# The "past" tab looks back this far.
PAST_LOOKBACK = datetime.timedelta(days=90)


def senior_short_name(senior: Senior) -> str:
    """First name and the initial of the surname: all a helper needs to greet the person."""
    initial = senior.last_name[:1]
    return f"{senior.first_name} {initial}." if initial else senior.first_name


def helper_appointments(helper: Helper) -> QuerySet[Appointment]:
    """The helper's appointments with everything the pages show, in one query."""
    return Appointment.objects.filter(helper=helper).select_related(
        "office", "senior", "topic", "loan_reservation__device", "video"
    )


def helper_workshops(helper: Helper) -> QuerySet[Workshop]:
    """The workshops the helper runs, with the number of seats taken, in one query."""
    return (
        Workshop.objects.filter(assignments__helper=helper)
        .select_related("office", "topic")
        .annotate(
            seats_taken=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)
            )
        )
    )


def _visible(now: datetime.datetime) -> Q:
    """Everything not cancelled, and what was cancelled in the last days."""
    return ~Q(status=AppointmentStatus.CANCELLED) | Q(cancelled_at__gte=now - CANCELLED_VISIBLE_FOR)


@dataclass(frozen=True)
class Entry:
    """One line of a helper's schedule: an appointment or a workshop."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    office: Office
    topic: str
    cancelled: bool
    appointment: Appointment | None = None
    workshop: Workshop | None = None

    @property
    def day(self) -> datetime.date:
        return timezone.localdate(self.starts_at)

    @property
    def senior_name(self) -> str:
        return senior_short_name(self.appointment.senior) if self.appointment else ""

    @property
    def device(self) -> str:
        """Own device, or which loan device the office keeps ready."""
        if not self.appointment or self.cancelled:
            return ""
        if self.appointment.brings_own_device:
            return _("bringt eigenes Gerät mit")
        reservation = getattr(self.appointment, "loan_reservation", None)
        if reservation is None:
            return _("Leihgerät (noch nicht reserviert)")
        return _("Leihgerät: %(device)s") % {"device": reservation.device.label}

    @property
    def map_url(self) -> str:
        return self.office.map_url

    @property
    def by_phone(self) -> bool:
        return bool(self.appointment) and self.appointment.kind == AppointmentKind.PHONE

    @property
    def room_url(self) -> str:
        video = self.appointment.video_call if self.appointment else None
        return video.room_url if video else ""

    @property
    def call_number(self):
        """The number to call for a phone appointment, only on its day: the helper needs
        it then, and has no reason to keep a list of seniors' numbers before."""
        if self.by_phone and not self.cancelled and self.day == timezone.localdate():
            return self.appointment.senior.phone
        return None


def _appointment_entry(appointment: Appointment) -> Entry:
    return Entry(
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        office=appointment.office,
        topic=appointment.topic.name,
        cancelled=appointment.status == AppointmentStatus.CANCELLED,
        appointment=appointment,
    )


def _workshop_entry(workshop: Workshop) -> Entry:
    return Entry(
        starts_at=workshop.starts_at,
        ends_at=workshop.ends_at,
        office=workshop.office,
        topic=workshop.topic.name,
        cancelled=workshop.cancelled_at is not None,
        workshop=workshop,
    )


def _entries(appointments, workshops, *, latest_first: bool = False) -> list[Entry]:
    entries = [_appointment_entry(a) for a in appointments]
    entries += [_workshop_entry(w) for w in workshops]
    return sorted(entries, key=lambda entry: entry.starts_at, reverse=latest_first)


def schedule_upcoming(helper: Helper, *, now: datetime.datetime | None = None) -> list[Entry]:
    """What has not ended yet, soonest first; two queries."""
    now = now or timezone.now()
    appointments = helper_appointments(helper).filter(_visible(now), ends_at__gt=now)
    workshops = (
        helper_workshops(helper)
        .filter(ends_at__gt=now)
        .exclude(cancelled_at__lt=now - CANCELLED_VISIBLE_FOR)
    )
    return _entries(appointments, workshops)


def schedule_past(helper: Helper, *, now: datetime.datetime | None = None) -> list[Entry]:
    """What ended in the last three months, most recent first; two queries."""
    now = now or timezone.now()
    since = now - PAST_LOOKBACK
    appointments = helper_appointments(helper).filter(
        _visible(now), ends_at__lte=now, starts_at__gte=since
    )
    workshops = helper_workshops(helper).filter(
        ends_at__lte=now, starts_at__gte=since, cancelled_at__isnull=True
    )
    return _entries(appointments, workshops, latest_first=True)


# The columns the feed shows; loading whole rows takes twice as long for 500 of them.
FEED_FIELDS = (
    "starts_at",
    "ends_at",
    "status",
    "sequence",
    "updated_at",
    "brings_own_device",
    "kind",
    "video__room_url",
    "office",
    "senior",
    "topic",
    "loan_reservation__device__label",
)


def schedule_since(helper: Helper, since: datetime.datetime) -> list[Entry]:
    """Everything from `since` on, cancelled ones included (for the calendar feed).

    Five queries: offices, seniors and topics repeat, so each is loaded once rather than
    joined into every row (building 500 copies of each took most of the time).
    """
    appointments = (
        Appointment.objects.filter(helper=helper, starts_at__gte=since)
        .select_related("loan_reservation__device", "video")
        .prefetch_related(
            Prefetch("office", Office.objects.only("name", "street", "postal_code", "city")),
            Prefetch("senior", Senior.objects.only("first_name", "last_name")),
            "topic",
        )
        .only(*FEED_FIELDS)
    )
    workshops = helper_workshops(helper).filter(starts_at__gte=since)
    return _entries(appointments, workshops)


def by_day(entries: list[Entry]) -> list[tuple[datetime.date, list[Entry]]]:
    """Group consecutive entries by their local day, keeping their order."""
    return [(day, list(group)) for day, group in itertools.groupby(entries, lambda e: e.day)]


def _covers(availability: Availability, appointment: Appointment) -> bool:
    day, starts, ends, _end_day = local_range(appointment.starts_at, appointment.ends_at)
    return (
        availability.office_id == appointment.office_id
        and availability.weekday == day.weekday()
        and availability.starts <= starts
        and availability.ends >= ends
        and availability.valid_from <= day
        and (availability.valid_until is None or availability.valid_until >= day)
    )


def booked_left_uncovered(
    helper: Helper, *, replaced: Availability, candidate: Availability | None
) -> list[Appointment]:
    """Booked future appointments that the helper's ranges cover now but would no longer
    cover if `candidate` took the place of the saved range `replaced` (None: deleted).

    Two queries. Lets the pages refuse a change that would strand a booked senior.
    """
    ranges = list(helper.availabilities.all())
    after = [r for r in ranges if r.pk != replaced.pk] + ([candidate] if candidate else [])
    booked = helper_appointments(helper).filter(
        status=AppointmentStatus.BOOKED, starts_at__gt=timezone.now()
    )
    return [
        appointment
        for appointment in booked
        if any(_covers(r, appointment) for r in ranges)
        and not any(_covers(r, appointment) for r in after)
    ]


def booked_during(
    helper: Helper, starts_on: datetime.date, ends_on: datetime.date
) -> QuerySet[Appointment]:
    """The helper's booked appointments on the days from `starts_on` to `ends_on`."""
    since, until = local_days(starts_on, ends_on)
    return helper_appointments(helper).filter(
        status=AppointmentStatus.BOOKED, starts_at__gte=since, starts_at__lt=until
    )


def workshops_during(
    helper: Helper, starts_on: datetime.date, ends_on: datetime.date
) -> QuerySet[Workshop]:
    """The workshops the helper runs on those days (the desk must find someone else)."""
    since, until = local_days(starts_on, ends_on)
    return helper_workshops(helper).filter(
        cancelled_at__isnull=True, starts_at__gte=since, starts_at__lt=until
    )
