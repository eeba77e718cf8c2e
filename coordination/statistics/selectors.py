"""The coordinator's numbers, counted by the database: one grouped query per kind of
thing (appointments with their topics and helpers' time, workshops, walk-ins, workshop
helpers' time, new seniors, reminders, feedback), so the number of queries stays the same
whatever the data and the period.

Months are the city's calendar months (TIME_ZONE): an appointment at 00:30 on the first
of a month counts in that month, not in the one before as it would in UTC. Each row's
month is found by comparing its stored UTC time with the months' local starts
(`MonthIndex`, evaluated by the database itself) rather than by TruncMonth: SQLite runs
TruncMonth with a time zone as a Python function per row (nine seconds for three years of
a city's appointments), and PostgreSQL's AT TIME ZONE costs twice the comparisons.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Func, IntegerField, Q, Sum
from django.utils import timezone

from bookings.models import (
    Appointment,
    AppointmentStatus,
    Assignment,
    RegistrationStatus,
    Reminder,
    Senior,
    Topic,
    Workshop,
)
from coordination.models import Feedback, WalkIn
from helpdesk.localtime import local_days, local_midnight
from helpdesk.postgres import custom_plans
from neighborhoods.models import Office

_SENT = ~Q(sent_at=None)
_DELIVERED = Q(status__in=[Reminder.Status.DELIVERED, Reminder.Status.ANSWERED])
_FAILED = Q(status__in=[Reminder.Status.FAILED, Reminder.Status.NO_ANSWER])
# Seats taken: registered and, once the workshop took place, attended or not.
_SEATED = [RegistrationStatus.REGISTERED, RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW]


class Minutes(Func):
    """Whole minutes from a start to an end time, computed by the database itself:
    Django's datetime subtraction is a Python function per row on SQLite."""

    arity = 2
    output_field = IntegerField()

    def _ends(self, compiler):
        (start, start_params), (end, end_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return start, end, (*end_params, *start_params)

    def as_sql(self, compiler, connection, **extra):
        # DATE_PART gives a double; EXTRACT a numeric, whose arithmetic cost about a third of
        # the appointments' query. Rounded half up as the numeric cast did: a time has
        # whole microseconds, so x.5 minutes is exact in a double and nothing else is near.
        start, end, params = self._ends(compiler)
        return f"CAST(FLOOR(DATE_PART('epoch', {end} - {start}) / 60 + 0.5) AS INTEGER)", params

    def as_sqlite(self, compiler, connection, **extra):
        # Stored as ISO text, which julianday() reads in C.
        start, end, params = self._ends(compiler)
        return f"CAST(ROUND((julianday({end}) - julianday({start})) * 1440) AS INTEGER)", params


class MonthIndex(Func):
    """Which of the periods split at `starts` (ascending) a stored time falls in, as
    0, 1, …: PostgreSQL's width_bucket() does the binary search in C over one array
    parameter; elsewhere it is written as nested CASEs, six comparisons a row for three
    years. The tree is rendered here in one pass: as Django Case objects it cost more to
    compile than the query took to run."""

    output_field = IntegerField()

    def __init__(self, field_name: str, starts: list[datetime.datetime]):
        super().__init__(F(field_name))
        self.starts = starts

    def as_sql(self, compiler, connection, **extra):
        column, column_params = compiler.compile(self.get_source_expressions()[0])
        starts = [connection.ops.adapt_datetimefield_value(start) for start in self.starts]

        def between(first: int, last: int) -> tuple[str, list]:
            if first == last:
                return str(first), []
            middle = (first + last + 1) // 2
            below, below_params = between(first, middle - 1)
            above, above_params = between(middle, last)
            return (
                f"CASE WHEN {column} < %s THEN {below} ELSE {above} END",
                [*column_params, starts[middle - 1], *below_params, *above_params],
            )

        return between(0, len(starts))

    def as_postgresql(self, compiler, connection, **extra):
        # The CASE tree repeats the column and a parameter at every comparison: a query
        # text of several kilobytes, bound on the client, and slower to evaluate.
        column, column_params = compiler.compile(self.get_source_expressions()[0])
        if not self.starts:
            return "0", []
        placeholders = ", ".join(["%s"] * len(self.starts))
        starts = [connection.ops.adapt_datetimefield_value(start) for start in self.starts]
        return (
            f"width_bucket({column}, ARRAY[{placeholders}]::timestamptz[])",
            [*column_params, *starts],
        )


@dataclass(frozen=True)
class Period:
    """From `first` to `last`, both included, in local days."""

    first: datetime.date
    last: datetime.date
    office: Office | None = None

    @property
    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        return local_days(self.first, self.last)

    def months(self) -> list[datetime.date]:
        month, months = self.first.replace(day=1), []
        while month <= self.last:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months

    def month_of(self, field_name: str) -> MonthIndex:
        """The index in `months()` of the local month a stored time falls in."""
        return MonthIndex(field_name, [local_midnight(month) for month in self.months()[1:]])


@dataclass
class Statistics:
    period: Period
    offices: dict[int, str]
    # Rows keyed by (office id, first day of the month), each a dict of counts.
    appointments: dict[tuple[int, datetime.date], dict] = field(default_factory=dict)
    workshops: dict[tuple[int, datetime.date], dict] = field(default_factory=dict)
    walk_ins: dict[tuple[int, datetime.date], dict] = field(default_factory=dict)
    helper_minutes: dict[tuple[int, datetime.date], int] = field(default_factory=dict)
    new_seniors: dict[datetime.date, int] = field(default_factory=dict)
    # (topic name) -> {"appointments", "walk_ins", "registrations"}
    topics: dict[str, dict] = field(default_factory=dict)
    # (first day of the month, channel) -> counts and costs
    reminders: dict[tuple[datetime.date, str], dict] = field(default_factory=dict)
    # (office name, topic name) -> {"average", "count"}
    feedback: list[dict] = field(default_factory=list)


def _by_office_month(rows, period: Period) -> dict:
    months = period.months()
    return {(row.pop("office_id"), months[row.pop("month")]): row for row in rows}


def _fold(rows, period: Period, topics: dict, kind: str, asked) -> dict:
    """Rows grouped by office, month and topic, summed by (office, month); what each
    topic was `asked` goes to topics[topic id][kind]. One scan of the table serves both."""
    months = period.months()
    folded: dict = {}
    for row in rows:
        key = (row.pop("office_id"), months[row.pop("month")])
        counts = topics.setdefault(
            row.pop("topic_id"), {"appointments": 0, "walk_ins": 0, "registrations": 0}
        )
        counts[kind] += asked(row)
        total = folded.setdefault(key, dict.fromkeys(row, 0))
        for name, value in row.items():
            total[name] += value or 0
    return folded


def _in_office(queryset, period: Period, *paths: str):
    if period.office is None:
        return queryset
    wanted = Q()
    for path in paths:
        wanted |= Q(**{path: period.office.pk})
    return queryset.filter(wanted)


def _appointments(period: Period, topics: dict) -> dict:
    start, end = period.bounds
    rows = (
        _in_office(
            Appointment.objects.filter(starts_at__gte=start, starts_at__lt=end), period, "office_id"
        )
        .annotate(month=period.month_of("starts_at"))
        .values("office_id", "month", "topic_id")
        .annotate(
            booked=Count("id"),
            attended=Count("id", filter=Q(status=AppointmentStatus.ATTENDED)),
            no_show=Count("id", filter=Q(status=AppointmentStatus.NO_SHOW)),
            cancelled=Count("id", filter=Q(status=AppointmentStatus.CANCELLED)),
            # The helper's time, an appointment having one helper.
            helper_minutes=Sum(
                Minutes("starts_at", "ends_at"), filter=Q(status=AppointmentStatus.ATTENDED)
            ),
        )
        .order_by()
    )
    return _fold(rows, period, topics, "appointments", lambda row: row["booked"] - row["cancelled"])


def _workshops(period: Period, topics: dict) -> dict:
    start, end = period.bounds
    rows = (
        _in_office(
            Workshop.objects.filter(starts_at__gte=start, starts_at__lt=end, cancelled_at=None),
            period,
            "office_id",
        )
        .annotate(month=period.month_of("starts_at"))
        .values("office_id", "month", "topic_id")
        .annotate(
            workshops=Count("id", distinct=True),
            registered=Count("registrations", filter=Q(registrations__status__in=_SEATED)),
            attended=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.ATTENDED)
            ),
        )
        .order_by()
    )
    return _fold(rows, period, topics, "registrations", lambda row: row["registered"])


def _walk_ins(period: Period, topics: dict) -> dict:
    start, end = period.bounds
    rows = (
        _in_office(
            WalkIn.objects.filter(visited_at__gte=start, visited_at__lt=end), period, "office_id"
        )
        .annotate(month=period.month_of("visited_at"))
        .values("office_id", "month", "topic_id")
        .annotate(
            visits=Count("id"),
            minutes=Sum("minutes"),
            loan=Count("id", filter=Q(device=WalkIn.Device.LOAN)),
        )
        .order_by()
    )
    return _fold(rows, period, topics, "walk_ins", lambda row: row["visits"])


def _helper_minutes(period: Period, appointments: dict) -> dict:
    """Time helpers gave: attended appointments (their length, taken out of the
    appointments' rows) and workshops that took place (their length for each helper)."""
    start, end = period.bounds
    workshops = _in_office(
        Assignment.objects.filter(
            workshop__starts_at__gte=start,
            workshop__starts_at__lt=end,
            workshop__cancelled_at=None,
            workshop__ends_at__lte=timezone.now(),
        ),
        period,
        "workshop__office_id",
    )
    rows = (
        workshops.annotate(month=period.month_of("workshop__starts_at"))
        .values("month", office_id=F("workshop__office_id"))
        .annotate(minutes=Sum(Minutes("workshop__starts_at", "workshop__ends_at")))
        .order_by()
    )
    given = {key: row["minutes"] for key, row in _by_office_month(rows, period).items()}
    for key, row in appointments.items():
        if minutes := row.pop("helper_minutes"):
            given[key] = given.get(key, 0) + minutes
    return given


def _new_seniors(period: Period) -> dict:
    start, end = period.bounds
    seniors = Senior.objects.filter(created_at__gte=start, created_at__lt=end)
    if period.office is not None:
        # Seniors belong to a district, not an office: those of the office's district.
        seniors = seniors.filter(district_id=period.office.district_id)
    rows = (
        seniors.annotate(month=period.month_of("created_at"))
        .values("month")
        .annotate(n=Count("id"))
    )
    months = period.months()
    return {months[row["month"]]: row["n"] for row in rows.order_by()}


def _reminders(period: Period) -> dict:
    start, end = period.bounds
    reminders = _in_office(
        Reminder.objects.filter(due_at__gte=start, due_at__lt=end).filter(_SENT | _FAILED),
        period,
        "appointment__office_id",
        "registration__workshop__office_id",
        "workshop__office_id",
    )
    rows = (
        reminders.annotate(month=period.month_of("due_at"))
        .values("month", "channel")
        .annotate(
            sent=Count("id", filter=_SENT),
            delivered=Count("id", filter=_DELIVERED),
            failed=Count("id", filter=_FAILED),
            segments=Sum("segments"),
            # Calls are billed by the started minute.
            call_minutes=Sum((F("call_seconds") + 59) / 60),
        )
        .order_by()
    )
    months = period.months()
    return {(months[row.pop("month")], row.pop("channel")): row for row in rows}


def _feedback(period: Period) -> list[dict]:
    start, end = period.bounds
    rows = (
        _in_office(
            Feedback.objects.filter(received_at__gte=start, received_at__lt=end),
            period,
            "office_id",
        )
        .values(office_name=F("office__name"), topic_name=F("topic__name"))
        .annotate(average=Avg("score"), count=Count("id"))
        .order_by("office_name", "topic_name")
    )
    return list(rows)


def statistics_for(period: Period) -> Statistics:
    """Every number of the statistics page for `period` (and its office, if one is set)."""
    with custom_plans():
        return _statistics(period)


def _statistics(period: Period) -> Statistics:
    offices = Office.objects.order_by("name")
    if period.office is not None:
        offices = offices.filter(pk=period.office.pk)
    by_topic: dict[int, dict] = {}
    appointments = _appointments(period, by_topic)
    workshops = _workshops(period, by_topic)
    walk_ins = _walk_ins(period, by_topic)
    names = dict(Topic.objects.filter(pk__in=list(by_topic)).values_list("pk", "name"))
    return Statistics(
        period=period,
        offices=dict(offices.values_list("pk", "name")),
        appointments=appointments,
        workshops=workshops,
        walk_ins=walk_ins,
        helper_minutes=_helper_minutes(period, appointments),
        new_seniors=_new_seniors(period),
        topics={names[pk]: counts for pk, counts in by_topic.items()},
        reminders=_reminders(period),
        feedback=_feedback(period),
    )
