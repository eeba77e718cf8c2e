"""The rules of invariant 3 for one proposed time: helper, office, opening hours, closures,
public holidays, absences and availability."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Appointment, AppointmentStatus, Helper, Senior
from neighborhoods.models import Office


def local_range(starts_at: datetime.datetime, ends_at: datetime.datetime):
    """The local day and wall-clock times of a stored (UTC) time range."""
    start = timezone.localtime(starts_at)
    end = timezone.localtime(ends_at)
    return start.date(), start.time(), end.time(), end.date()


def slot_problem(
    *,
    helper: Helper,
    office: Office,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
) -> str | None:
    """Why this helper cannot be booked at this office and time, in German; None if fine.

    Does not look at other appointments: the database refuses overlaps itself.
    """
    if starts_at <= timezone.now():
        return _("Dieser Zeitpunkt liegt in der Vergangenheit.")
    day, starts, ends, end_day = local_range(starts_at, ends_at)
    if end_day != day or starts >= ends:
        return _("Ein Termin muss am selben Tag beginnen und enden.")
    if not helper.active or not helper.offices.filter(pk=office.pk).exists():
        return _("%(helper)s hilft nicht im %(office)s.") % {"helper": helper, "office": office}
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
