"""The rules of invariant 3 for one proposed time: helper, office, opening hours, closures,
public holidays, absences and availability."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Appointment, AppointmentStatus, Helper, Senior, Topic
from neighborhoods.models import Office


def local_range(starts_at: datetime.datetime, ends_at: datetime.datetime):
    """The local day and wall-clock times of a stored (UTC) time range."""
    start = timezone.localtime(starts_at)
    end = timezone.localtime(ends_at)
    return start.date(), start.time(), end.time(), end.date()


# Appointments begin on a grid of this step, counted from the start of the availability:
# free_slots offers only such times, and a typed 10:07 is refused.
SLOT_STEP = datetime.timedelta(minutes=15)


def on_grid(moment: datetime.datetime, base: datetime.datetime) -> datetime.datetime:
    """The first grid time (base + n * SLOT_STEP) at or after `moment`."""
    steps = -(-(moment - base) // SLOT_STEP)
    return base + max(steps, 0) * SLOT_STEP


def _minutes(time: datetime.time) -> int:
    return time.hour * 60 + time.minute


def slot_problem(
    *,
    helper: Helper,
    office: Office,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    topic: Topic | None = None,
) -> str | None:
    """Why this helper cannot be booked at this office and time (for `topic`, if given),
    in German; None if fine.

    Does not look at other appointments: the database refuses overlaps itself.
    """
    if starts_at <= timezone.now():
        return _("Dieser Zeitpunkt liegt in der Vergangenheit.")
    day, starts, ends, end_day = local_range(starts_at, ends_at)
    if end_day != day or starts >= ends:
        return _("Ein Termin muss am selben Tag beginnen und enden.")
    if not helper.active or not helper.offices.filter(pk=office.pk).exists():
        return _("%(helper)s hilft nicht im %(office)s.") % {"helper": helper, "office": office}
    if topic is not None and not helper.topics.filter(pk=topic.pk).exists():
        return _("%(helper)s hilft nicht beim Thema %(topic)s.") % {
            "helper": helper,
            "topic": topic,
        }
    closed_because = office.closure_reason(day)
    if closed_because:
        return _("Das Büro ist an diesem Tag geschlossen (%(reason)s).") % {
            "reason": closed_because
        }
    if not office.is_open_during(day, starts, ends):
        return _("Das Büro hat zu dieser Zeit nicht geöffnet.")
    if helper.absences.filter(starts_on__lte=day, ends_on__gte=day).exists():
        return _("%(helper)s ist an diesem Tag abwesend.") % {"helper": helper}
    available = helper.availabilities.filter(
        office=office,
        weekday=day.weekday(),
        starts__lte=starts,
        ends__gte=ends,
        valid_from__lte=day,
    ).exclude(valid_until__lt=day)
    if not available.exists():
        return _("%(helper)s hat zu dieser Zeit keine Sprechzeit in diesem Büro.") % {
            "helper": helper
        }
    step = int(SLOT_STEP.total_seconds() // 60)
    range_starts = list(available.values_list("starts", flat=True))
    if not any(
        (_minutes(starts) - _minutes(begins)) % step == 0
        and not (starts.second or starts.microsecond)
        for begins in range_starts
    ):
        return _(
            "Diese Uhrzeit passt nicht in den Terminplan. Termine beginnen alle "
            "%(step)s Minuten ab %(start)s Uhr."
        ) % {"step": step, "start": f"{min(range_starts):%H:%M}"}
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
