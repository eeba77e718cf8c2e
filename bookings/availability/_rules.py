"""The rules of invariant 3 for one proposed time: helper, office, opening hours, closures,
public holidays, absences and availability."""

from __future__ import annotations

import datetime
import functools

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_time
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


@functools.cache
def _facts_sql() -> str:
    """The query of `_slot_facts`. Written as SQL because it runs inside every booking's
    transaction and every move: the same question through the ORM (seven annotated
    subqueries) took about half of a booking's CPU time just to be compiled. One row per
    availability that covers the time (or one row with NULL when none does)."""
    table = {
        model: model._meta.db_table
        for model in (
            Helper,
            Helper.offices.through,
            Helper.topics.through,
            Closure,
            OpeningHours,
            Absence,
            Availability,
        )
    }
    return f"""
        SELECT
          EXISTS(SELECT 1 FROM {table[Helper.offices.through]} ho
                 WHERE ho.helper_id = h.id AND ho.office_id = %s),
          EXISTS(SELECT 1 FROM {table[Helper.topics.through]} ht
                 WHERE ht.helper_id = h.id AND ht.topic_id = %s),
          (SELECT c.reason FROM {table[Closure]} c
           WHERE c.office_id = %s AND c.starts_on <= %s AND c.ends_on >= %s
           ORDER BY c.starts_on LIMIT 1),
          EXISTS(SELECT 1 FROM {table[OpeningHours]} oh
                 WHERE oh.office_id = %s AND oh.weekday = %s AND oh.opens <= %s
                   AND oh.closes >= %s),
          EXISTS(SELECT 1 FROM {table[Absence]} ab
                 WHERE ab.helper_id = h.id AND ab.starts_on <= %s AND ab.ends_on >= %s),
          a.starts
        FROM {table[Helper]} h
        LEFT JOIN {table[Availability]} a
          ON a.helper_id = h.id AND a.office_id = %s AND a.weekday = %s
             AND a.starts <= %s AND a.ends >= %s AND a.valid_from <= %s
             AND (a.valid_until IS NULL OR a.valid_until >= %s)
        WHERE h.id = %s
    """


def _slot_facts(helper, office, topic, day, starts, ends) -> dict:
    """Everything `slot_problem` asks the database, in one query: a booking runs it in
    its transaction, and each query is a round trip there."""
    ops = connection.ops
    on_day, at, until = (
        ops.adapt_datefield_value(day),
        ops.adapt_timefield_value(starts),
        ops.adapt_timefield_value(ends),
    )
    weekday = day.weekday()
    with connection.cursor() as cursor:
        cursor.execute(
            _facts_sql(),
            [
                office.pk,
                topic.pk if topic is not None else None,
                office.pk, on_day, on_day,
                office.pk, weekday, at, until,
                on_day, on_day,
                office.pk, weekday, at, until, on_day, on_day,
                helper.pk,
            ],
        )  # fmt: skip
        rows = cursor.fetchall()
    if not rows:
        return dict.fromkeys(_FACTS)
    in_office, teaches, closure, opens, absent, _start = rows[0]
    # SQLite answers times as text and truths as 0/1.
    covering = [
        parse_time(start) if isinstance(start, str) else start
        for *_, start in rows
        if start is not None
    ]
    return {
        "in_office": bool(in_office),
        "teaches": topic is None or bool(teaches),
        "closure": closure,
        "open": bool(opens),
        "absent": bool(absent),
        "first_start": min(covering, default=None),
        # Grid times lie a whole number of steps after an availability's start.
        "on_grid": any(
            (_minutes(starts) - _minutes(start)) % _STEP_MINUTES == 0 for start in covering
        ),
    }


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
