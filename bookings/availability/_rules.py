"""The rules of invariant 3 for one proposed time: helper, office, opening hours, closures,
public holidays, absences and availability."""

from __future__ import annotations

import datetime

from django.db.models import Exists, Subquery, Value
from django.db.models.functions import ExtractHour, ExtractMinute, Mod
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import (
    Absence,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Availability,
    Helper,
    Senior,
    Topic,
)
from neighborhoods.holidays import public_holiday_name
from neighborhoods.models import Closure, Office, OpeningHours


def local_range(starts_at: datetime.datetime, ends_at: datetime.datetime):
    """The local day and wall-clock times of a stored (UTC) time range."""
    start = timezone.localtime(starts_at)
    end = timezone.localtime(ends_at)
    return start.date(), start.time(), end.time(), end.date()


# Appointments begin on a grid of this step, counted from the start of the availability:
# free_slots offers only such times, and a typed 10:07 is refused.
SLOT_STEP = datetime.timedelta(minutes=15)
_STEP_MINUTES = int(SLOT_STEP.total_seconds() // 60)


def on_grid(moment: datetime.datetime, base: datetime.datetime) -> datetime.datetime:
    """The first grid time (base + n * SLOT_STEP) at or after `moment`."""
    steps = -(-(moment - base) // SLOT_STEP)
    return base + max(steps, 0) * SLOT_STEP


def _minutes(time: datetime.time) -> int:
    return time.hour * 60 + time.minute


_FACTS = ("in_office", "teaches", "closure", "open", "absent", "first_start", "on_grid")


def _slot_facts(helper, office, topic, day, starts, ends) -> dict:
    """Everything `slot_problem` asks the database, in one query: a booking runs it in
    its transaction, and each query is a round trip there."""
    covering = Availability.objects.filter(
        helper=helper,
        office=office,
        weekday=day.weekday(),
        starts__lte=starts,
        ends__gte=ends,
        valid_from__lte=day,
    ).exclude(valid_until__lt=day)
    # Grid times lie a whole number of steps after an availability's start.
    on_grid = covering.annotate(
        offset=Mod(
            Value(_minutes(starts)) - (ExtractHour("starts") * 60 + ExtractMinute("starts")),
            Value(_STEP_MINUTES),
        )
    ).filter(offset=0)
    teaches = (
        Exists(Helper.topics.through.objects.filter(helper=helper, topic=topic))
        if topic is not None
        else Value(True)
    )
    return (
        Helper.objects.filter(pk=helper.pk)
        .annotate(
            in_office=Exists(Helper.offices.through.objects.filter(helper=helper, office=office)),
            teaches=teaches,
            closure=Subquery(
                Closure.objects.filter(office=office, starts_on__lte=day, ends_on__gte=day)
                .order_by("starts_on")
                .values("reason")[:1]
            ),
            open=Exists(
                OpeningHours.objects.filter(
                    office=office, weekday=day.weekday(), opens__lte=starts, closes__gte=ends
                )
            ),
            absent=Exists(
                Absence.objects.filter(helper=helper, starts_on__lte=day, ends_on__gte=day)
            ),
            first_start=Subquery(covering.order_by("starts").values("starts")[:1]),
            on_grid=Exists(on_grid),
        )
        .values(*_FACTS)
        # By pk: the helpers' default order by name would join auth_user for nothing.
        .order_by("pk")
        .first()
    ) or dict.fromkeys(_FACTS)


def slot_problem(
    *,
    helper: Helper,
    office: Office,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    topic: Topic | None = None,
    kind: str = AppointmentKind.OFFICE,
) -> str | None:
    """Why this helper cannot be booked at this office and time (for `topic`, if given),
    in German; None if fine.

    A phone appointment (`kind`) needs no room, so the office's opening hours do not
    apply; its closures and public holidays still do (the office runs the service).
    Does not look at other appointments: the database refuses overlaps itself.
    """
    if starts_at <= timezone.now():
        return _("Dieser Zeitpunkt liegt in der Vergangenheit.")
    day, starts, ends, end_day = local_range(starts_at, ends_at)
    if end_day != day or starts >= ends:
        return _("Ein Termin muss am selben Tag beginnen und enden.")
    facts = _slot_facts(helper, office, topic, day, starts, ends)
    if not helper.active or not facts["in_office"]:
        return _("%(helper)s hilft nicht im %(office)s.") % {"helper": helper, "office": office}
    if topic is not None and not facts["teaches"]:
        return _("%(helper)s hilft nicht beim Thema %(topic)s.") % {
            "helper": helper,
            "topic": topic,
        }
    closed_because = public_holiday_name(day) or facts["closure"]
    if closed_because:
        return _("Das Büro ist an diesem Tag geschlossen (%(reason)s).") % {
            "reason": closed_because
        }
    if not facts["open"] and kind != AppointmentKind.PHONE:
        return _("Das Büro hat zu dieser Zeit nicht geöffnet.")
    if facts["absent"]:
        return _("%(helper)s ist an diesem Tag abwesend.") % {"helper": helper}
    if facts["first_start"] is None:
        return _("%(helper)s hat zu dieser Zeit keine Sprechzeit in diesem Büro.") % {
            "helper": helper
        }
    if not facts["on_grid"] or starts.second or starts.microsecond:
        return _(
            "Diese Uhrzeit passt nicht in den Terminplan. Termine beginnen alle "
            "%(step)s Minuten ab %(start)s Uhr."
        ) % {"step": _STEP_MINUTES, "start": f"{facts['first_start']:%H:%M}"}
    return None


def senior_clashes(
    *, senior: Senior, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> list[Appointment]:
    """The senior's appointments (not cancelled) that overlap this time, earliest first."""
    return list(
        Appointment.objects.filter(senior=senior, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("office")
        .order_by("starts_at")
    )
