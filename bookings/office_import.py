"""Offices with their opening hours, and topics, from a CSV file (`manage.py import_offices`).

The format is described in docs/other-town.md: one office a row, `;`-separated, UTF-8
with or without BOM, the first line naming the columns. Offices are found by name, so
importing the same file again changes nothing. A file with any bad row changes nothing
either: every error is reported with its line number, in German, for the person who
keeps the spreadsheet.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import transaction

from bookings.models import Topic
from neighborhoods.models import District, Office, OpeningHours

REQUIRED = ("Büro", "Stadtteil", "Straße", "PLZ", "Ort")
OPTIONAL = ("Telefon", "Wegbeschreibung", "Öffnungszeiten", "Themen")
WEEKDAYS = {"mo": 0, "di": 1, "mi": 2, "do": 3, "fr": 4, "sa": 5, "so": 6}
# "Mo 10:00-12:00", "Mo-Fr 10-12", "Do 16.00 – 18.00"
_HOURS = re.compile(
    r"^(?P<first>[A-Za-z]{2})[a-z]*\.?\s*(?:[-–]\s*(?P<last>[A-Za-z]{2})[a-z]*\.?)?\s+"
    r"(?P<opens>\d{1,2}(?:[:.]\d{2})?)\s*[-–]\s*(?P<closes>\d{1,2}(?:[:.]\d{2})?)$"
)


class ImportFailed(Exception):
    """The file was not imported; `errors` says why, line by line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    topics_created: list[str] = field(default_factory=list)


class _RowError(Exception):
    pass


def _time(text: str) -> datetime.time:
    hour, _sep, minute = text.replace(".", ":").partition(":")
    try:
        return datetime.time(int(hour), int(minute or 0))
    except ValueError as exc:
        raise _RowError(f"„{text}“ ist keine Uhrzeit.") from exc


def parse_opening_hours(text: str) -> list[tuple[int, datetime.time, datetime.time]]:
    """'Mo-Fr 10:00-12:00, Do 16:00-18:00' as (weekday, opens, closes), sorted; raises
    _RowError with a German message for anything else or for overlapping ranges."""
    ranges = []
    for entry in filter(None, (part.strip() for part in text.split(","))):
        match = _HOURS.match(entry)
        if not match:
            raise _RowError(
                f"Öffnungszeit „{entry}“ nicht verstanden; erwartet z. B. „Mo-Fr 10:00-12:00“."
            )
        first = WEEKDAYS.get(match["first"].lower())
        last = WEEKDAYS.get((match["last"] or match["first"]).lower())
        if first is None or last is None or last < first:
            raise _RowError(f"Wochentag in „{entry}“ unbekannt; erlaubt sind Mo, Di, … So.")
        opens, closes = _time(match["opens"]), _time(match["closes"])
        if opens >= closes:
            raise _RowError(f"In „{entry}“ muss das Büro öffnen, bevor es schließt.")
        ranges += [(day, opens, closes) for day in range(first, last + 1)]
    ranges.sort()
    for (day, _opens, closes), (next_day, next_opens, _closes) in pairwise(ranges):
        if day == next_day and next_opens < closes:
            raise _RowError("Zwei Öffnungszeiten am selben Tag überschneiden sich.")
    return ranges


def _phone(text: str) -> str:
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "DE")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise _RowError(f"„{text}“ ist keine gültige Telefonnummer.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _read(path: Path) -> Iterable[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise ImportFailed([f"Die Datei {path} gibt es nicht."]) from exc
    except UnicodeDecodeError as exc:
        raise ImportFailed(["Die Datei ist nicht in UTF-8 gespeichert."]) from exc
    reader = csv.DictReader(text.splitlines(), delimiter=";")
    columns = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = columns
    missing = [name for name in REQUIRED if name not in columns]
    unknown = [name for name in columns if name not in REQUIRED + OPTIONAL]
    errors = []
    if missing:
        errors.append("Zeile 1: Es fehlen die Spalten " + ", ".join(missing) + ".")
    if unknown:
        errors.append("Zeile 1: Unbekannte Spalten " + ", ".join(unknown) + ".")
    if errors:
        raise ImportFailed(errors)
    return ((reader.line_num, row) for row in reader)


def _opening_hours_save(office: Office, ranges) -> bool:
    """Make the office's opening hours exactly `ranges`; True if anything changed."""
    existing = sorted(office.opening_hours.values_list("weekday", "opens", "closes"))
    if existing == ranges:
        return False
    office.opening_hours.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(office=office, weekday=day, opens=opens, closes=closes)
        for day, opens, closes in ranges
    )
    return True


def _office_save(row: dict[str, str]) -> tuple[Office, bool, bool]:
    """Write one row's office; returns (office, created, changed)."""
    name = row["Büro"]
    fields = {
        "street": row["Straße"],
        "postal_code": row["PLZ"],
        "city": row["Ort"],
        "phone": _phone(row.get("Telefon", "")),
        "directions": row.get("Wegbeschreibung", ""),
    }
    if not re.fullmatch(r"\d{5}", fields["postal_code"]):
        raise _RowError(f"Die Postleitzahl „{fields['postal_code']}“ hat nicht fünf Ziffern.")
    ranges = parse_opening_hours(row.get("Öffnungszeiten", ""))
    district, _ = District.objects.get_or_create(name=row["Stadtteil"])
    office = Office.objects.filter(name=name).first()
    created = office is None
    office = office or Office(name=name)
    before = {key: str(getattr(office, key, "") or "") for key in fields} | {
        "district": office.district_id
    }
    for key, value in fields.items():
        setattr(office, key, value)
    office.district = district
    office.full_clean(exclude=["staff"], validate_unique=False)
    after = {key: str(getattr(office, key) or "") for key in fields} | {"district": district.pk}
    if created or before != after:
        office.save()
    hours_changed = _opening_hours_save(office, ranges)
    return office, created, before != after or hours_changed


def _topics_save(names: Iterable[str], report: ImportReport) -> None:
    for name in names:
        _topic, created = Topic.objects.get_or_create(name=name)
        if created:
            report.topics_created.append(name)


def _messages(error: ValidationError) -> str:
    return " ".join(
        str(message) for messages in error.message_dict.values() for message in messages
    )


def import_offices(path: Path, *, dry_run: bool = False) -> ImportReport:
    """Create or update the offices of the CSV file at `path`, with their districts and
    opening hours, and create the topics it names. All or nothing: raises ImportFailed
    with every bad line; with `dry_run` reports what would change and keeps nothing."""
    rows = _read(path)
    report, errors, seen = ImportReport(), [], {}
    with transaction.atomic():
        for line, raw in rows:
            row = {key: (value or "").strip() for key, value in raw.items() if key}
            if not any(row.values()):
                continue
            missing = [name for name in REQUIRED if not row.get(name)]
            if missing:
                errors.append(f"Zeile {line}: " + ", ".join(missing) + " fehlt.")
                continue
            if row["Büro"] in seen:
                errors.append(
                    f"Zeile {line}: Das Büro „{row['Büro']}“ steht schon in Zeile "
                    f"{seen[row['Büro']]}."
                )
                continue
            seen[row["Büro"]] = line
            try:
                with transaction.atomic():
                    office, created, changed = _office_save(row)
                    topics = [t.strip() for t in row.get("Themen", "").split(",") if t.strip()]
                    _topics_save(topics, report)
            except _RowError as exc:
                errors.append(f"Zeile {line}: {exc}")
                continue
            except ValidationError as exc:
                errors.append(f"Zeile {line}: {_messages(exc)}")
                continue
            bucket = report.created if created else report.changed if changed else report.unchanged
            bucket.append(office.name)
        if not errors and not seen:
            errors.append("Die Datei enthält kein Büro.")
        if errors or dry_run:
            transaction.set_rollback(True)
    if errors:
        raise ImportFailed(errors)
    return report
