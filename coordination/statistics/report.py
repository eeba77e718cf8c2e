"""The statistics as the page and the CSV show them: rows of numbers, summed per month
(over the offices chosen) and per office (over the period). No names of people."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.utils.formats import date_format

from bookings.models import Reminder
from coordination.statistics.selectors import Statistics

APPOINTMENT_COUNTS = ("booked", "attended", "no_show", "cancelled")
WORKSHOP_COUNTS = ("workshops", "registered", "attended")
WALK_IN_COUNTS = ("visits", "minutes", "loan")
REMINDER_COUNTS = ("sent", "delivered", "failed", "segments", "call_minutes")


def _sum(rows, keys) -> dict[str, int]:
    total = dict.fromkeys(keys, 0)
    for row in rows:
        for key in keys:
            total[key] += row.get(key) or 0
    return total


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".replace(".", ",")


@dataclass
class Report:
    stats: Statistics

    def month_label(self, month: datetime.date) -> str:
        return date_format(month, "F Y")

    def _by_month(self, table: dict, keys) -> dict[datetime.date, dict]:
        grouped = defaultdict(list)
        for (_office, month), row in table.items():
            grouped[month].append(row)
        return {month: _sum(rows, keys) for month, rows in grouped.items()}

    def _by_office(self, table: dict, keys) -> dict[int, dict]:
        grouped = defaultdict(list)
        for (office, _month), row in table.items():
            grouped[office].append(row)
        return {office: _sum(rows, keys) for office, rows in grouped.items()}

    @cached_property
    def months(self) -> list[dict]:
        """One row per month: appointments, workshops, walk-ins, new seniors, hours."""
        stats = self.stats
        appointments = self._by_month(stats.appointments, APPOINTMENT_COUNTS)
        workshops = self._by_month(stats.workshops, WORKSHOP_COUNTS)
        walk_ins = self._by_month(stats.walk_ins, WALK_IN_COUNTS)
        minutes: dict[datetime.date, int] = defaultdict(int)
        for (_office, month), given in stats.helper_minutes.items():
            minutes[month] += given
        rows = []
        for month in stats.period.months():
            rows.append(
                {
                    "month": month,
                    "label": self.month_label(month),
                    "appointments": appointments.get(month, dict.fromkeys(APPOINTMENT_COUNTS, 0)),
                    "workshops": workshops.get(month, dict.fromkeys(WORKSHOP_COUNTS, 0)),
                    "walk_ins": walk_ins.get(month, dict.fromkeys(WALK_IN_COUNTS, 0)),
                    "new_seniors": stats.new_seniors.get(month, 0),
                    "helper_hours": _hours(minutes[month]),
                }
            )
        return rows

    @cached_property
    def offices(self) -> list[dict]:
        """One row per office with the period's totals."""
        stats = self.stats
        appointments = self._by_office(stats.appointments, APPOINTMENT_COUNTS)
        workshops = self._by_office(stats.workshops, WORKSHOP_COUNTS)
        walk_ins = self._by_office(stats.walk_ins, WALK_IN_COUNTS)
        minutes: dict[int, int] = defaultdict(int)
        for (office, _month), given in stats.helper_minutes.items():
            minutes[office] += given
        return [
            {
                "label": name,
                "appointments": appointments.get(pk, dict.fromkeys(APPOINTMENT_COUNTS, 0)),
                "workshops": workshops.get(pk, dict.fromkeys(WORKSHOP_COUNTS, 0)),
                "walk_ins": walk_ins.get(pk, dict.fromkeys(WALK_IN_COUNTS, 0)),
                "helper_hours": _hours(minutes[pk]),
            }
            for pk, name in self.stats.offices.items()
        ]

    def totals(self) -> dict:
        return {
            "appointments": _sum(self.stats.appointments.values(), APPOINTMENT_COUNTS),
            "workshops": _sum(self.stats.workshops.values(), WORKSHOP_COUNTS),
            "walk_ins": _sum(self.stats.walk_ins.values(), WALK_IN_COUNTS),
            "new_seniors": sum(self.stats.new_seniors.values()),
            "helper_hours": _hours(sum(self.stats.helper_minutes.values())),
        }

    @cached_property
    def topics(self) -> list[dict]:
        """Topics, most asked first (appointments, walk-ins and workshop seats together)."""
        rows = [
            {"label": name, **counts, "total": sum(counts.values())}
            for name, counts in self.stats.topics.items()
        ]
        return sorted(rows, key=lambda row: (-row["total"], row["label"]))

    def reminders(self) -> list[dict]:
        """One row per month and channel that sent something."""
        return [
            {
                "month": month,
                "label": self.month_label(month),
                "channel_label": Reminder.Channel(channel).label,
                **counts,
            }
            for (month, channel), counts in sorted(self.stats.reminders.items())
        ]

    def reminder_totals(self) -> dict:
        return _sum(self.stats.reminders.values(), REMINDER_COUNTS)

    def feedback(self) -> list[dict]:
        return [
            {**row, "average_text": f"{row['average']:.1f}".replace(".", ",")}
            for row in self.stats.feedback
        ]
