"""The statistics as CSV for German Excel: UTF-8 with BOM (or Excel guesses the encoding),
`;` between fields (a comma is the decimal sign), a decimal comma, one section per table.

Lines are produced one at a time for a StreamingHttpResponse; the numbers are the
database's aggregates, a few hundred rows even for years of data.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.utils.translation import gettext as _

from coordination.statistics.report import Report
from coordination.statistics.selectors import Statistics

BOM = "\ufeff"


class _Line:
    """csv.writer's file: hands back the line just written instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def _office_months(stats: Statistics) -> Iterator[list]:
    yield [
        _("Monat"),
        _("Büro"),
        _("Termine gebucht"),
        _("wahrgenommen"),
        _("nicht erschienen"),
        _("abgesagt"),
        _("Workshops"),
        _("Workshop-Anmeldungen"),
        _("Workshop-Teilnahmen"),
        _("Besuche ohne Termin"),
        _("Minuten ohne Termin"),
        _("Stunden der Ehrenamtlichen"),
    ]
    for month in stats.period.months():
        for office_id, office_name in stats.offices.items():
            key = (office_id, month)
            appointments = stats.appointments.get(key, {})
            workshops = stats.workshops.get(key, {})
            walk_ins = stats.walk_ins.get(key, {})
            yield [
                f"{month:%Y-%m}",
                office_name,
                appointments.get("booked", 0),
                appointments.get("attended", 0),
                appointments.get("no_show", 0),
                appointments.get("cancelled", 0),
                workshops.get("workshops", 0),
                workshops.get("registered", 0),
                workshops.get("attended", 0),
                walk_ins.get("visits", 0),
                walk_ins.get("minutes") or 0,
                f"{stats.helper_minutes.get(key, 0) / 60:.1f}".replace(".", ","),
            ]


def _sections(stats: Statistics) -> Iterator[list]:
    report = Report(stats)
    yield from _office_months(stats)
    yield []
    yield [_("Monat"), _("neue Ratsuchende")]
    for row in report.months:
        yield [f"{row['month']:%Y-%m}", row["new_seniors"]]
    yield []
    yield [_("Thema"), _("Termine"), _("Besuche ohne Termin"), _("Workshop-Anmeldungen")]
    for row in report.topics:
        yield [row["label"], row["appointments"], row["walk_ins"], row["registrations"]]
    yield []
    yield [
        _("Monat"),
        _("Weg"),
        _("gesendet"),
        _("zugestellt"),
        _("fehlgeschlagen"),
        _("SMS-Teile"),
        _("Anrufminuten"),
    ]
    for row in report.reminders():
        yield [
            f"{row['month']:%Y-%m}",
            row["channel_label"],
            row["sent"],
            row["delivered"],
            row["failed"],
            row["segments"] or 0,
            row["call_minutes"] or 0,
        ]
    yield []
    yield [_("Büro"), _("Thema"), _("Rückmeldungen"), _("Durchschnitt (1 bis 5)")]
    for row in report.feedback():
        yield [row["office_name"], row["topic_name"], row["count"], row["average_text"]]


def _cell(value):
    # A typed office or topic name starting like a formula stays text in Excel.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def csv_lines(stats: Statistics) -> Iterator[str]:
    """The export, line by line, the first starting with the byte order mark."""
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    yield BOM
    for row in _sections(stats):
        yield writer.writerow([_cell(value) for value in row])
