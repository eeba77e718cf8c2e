from __future__ import annotations

import datetime
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from neighborhoods.holidays import public_holiday_name


class Weekday(models.IntegerChoices):
    # Python's date.weekday() numbering, so a date maps to its choice directly.
    MONDAY = 0, _("Montag")
    TUESDAY = 1, _("Dienstag")
    WEDNESDAY = 2, _("Mittwoch")
    THURSDAY = 3, _("Donnerstag")
    FRIDAY = 4, _("Freitag")
    SATURDAY = 5, _("Samstag")
    SUNDAY = 6, _("Sonntag")


class Opening(NamedTuple):
    """One opening-hours range on a given day: when someone is there (Sprechstunde)."""

    day: datetime.date
    opens: datetime.time
    closes: datetime.time
    is_now: bool


class DayHours(NamedTuple):
    """A weekday's opening hours as (opens, closes) ranges, in order."""

    weekday: int
    ranges: list[tuple[datetime.time, datetime.time]]

    @property
    def name(self) -> str:
        return Weekday(self.weekday).label


# How far ahead the next Sprechstunde is looked for; long closures end within this.
OPENING_LOOKAHEAD_DAYS = 42


class District(models.Model):
    name = models.CharField(_("Name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("Stadtteil")
        verbose_name_plural = _("Stadtteile")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Office(models.Model):
    name = models.CharField(
        _("Name"), max_length=120, unique=True, help_text=_("z. B. Stadtteilbüro Grübentälchen")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="offices", verbose_name=_("Stadtteil")
    )
    street = models.CharField(_("Straße und Hausnummer"), max_length=120)
    postal_code = models.CharField(_("Postleitzahl"), max_length=5)
    city = models.CharField(_("Ort"), max_length=80)
    phone = PhoneNumberField(_("Telefon"), blank=True)
    directions = models.CharField(
        _("Wegbeschreibung"),
        max_length=200,
        blank=True,
        help_text=_("Kurzer Hinweis für Ratsuchende, z. B. „Eingang im Hof, Erdgeschoss“."),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="staffed_offices",
        verbose_name=_("Büroteam"),
        help_text=_("Mitarbeitende, deren Tagesliste dieses Büro zeigt."),
    )
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Stadtteilbüro")
        verbose_name_plural = _("Stadtteilbüros")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}"

    @property
    def map_url(self) -> str:
        """A link that opens the office's address in a map (a browser, or the map app)."""
        return "https://www.openstreetmap.org/search?" + urlencode({"query": self.address})

    def weekly_hours(self) -> list[DayHours]:
        """The opening hours by weekday, ranges that touch joined (10–12 and 12–14 is
        10–14: someone is there throughout). Reads `opening_hours.all()`, so a prefetch
        makes it free of queries."""
        days: dict[int, list[tuple[datetime.time, datetime.time]]] = {}
        for hours in sorted(self.opening_hours.all(), key=lambda h: (h.weekday, h.opens)):
            ranges = days.setdefault(hours.weekday, [])
            if ranges and hours.opens <= ranges[-1][1]:
                ranges[-1] = (ranges[-1][0], max(ranges[-1][1], hours.closes))
            else:
                ranges.append((hours.opens, hours.closes))
        return [DayHours(weekday, ranges) for weekday, ranges in days.items()]

    def next_opening(
        self, now: datetime.datetime, *, days: int = OPENING_LOOKAHEAD_DAYS
    ) -> Opening | None:
        """The next opening (joined as in `weekly_hours`) not over at `now`, on a day
        without a closure or public holiday, within `days`; None if there is none.

        Reads `opening_hours` and `closures` through `.all()`: with both prefetched
        (the closures may be limited to those still ahead) it makes no query.
        """
        local = timezone.localtime(now)
        week = {day.weekday: day.ranges for day in self.weekly_hours()}
        closures = list(self.closures.all())
        for offset in range(days):
            day = local.date() + datetime.timedelta(days=offset)
            ranges = [r for r in week.get(day.weekday(), []) if offset or r[1] > local.time()]
            if not ranges or public_holiday_name(day):
                continue
            if any(c.starts_on <= day <= c.ends_on for c in closures):
                continue
            opens, closes = ranges[0]
            is_now = offset == 0 and opens <= local.time()
            return Opening(day=day, opens=opens, closes=closes, is_now=is_now)
        return None

    def closure_reason(self, day: datetime.date) -> str | None:
        """Why the office is closed on `day` (closure or public holiday), or None."""
        holiday = public_holiday_name(day)
        if holiday:
            return holiday
        closure = self.closures.filter(starts_on__lte=day, ends_on__gte=day).first()
        return closure.reason if closure else None

    def is_open_during(
        self, day: datetime.date, starts: datetime.time, ends: datetime.time
    ) -> bool:
        """True if one opening-hours range of that weekday covers starts..ends."""
        return self.opening_hours.filter(
            weekday=day.weekday(), opens__lte=starts, closes__gte=ends
        ).exists()


class OpeningHours(models.Model):
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("Büro")
    )
    weekday = models.PositiveSmallIntegerField(_("Wochentag"), choices=Weekday.choices)
    opens = models.TimeField(_("öffnet um"))
    closes = models.TimeField(_("schließt um"))

    class Meta:
        verbose_name = _("Öffnungszeit")
        verbose_name_plural = _("Öffnungszeiten")
        ordering = ["office", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")),
                name="opening_hours_opens_before_closes",
                violation_error_message=_("Das Büro muss öffnen, bevor es schließt."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens and self.closes and self.office_id:
            overlapping = OpeningHours.objects.filter(
                office_id=self.office_id,
                weekday=self.weekday,
                opens__lt=self.closes,
                closes__gt=self.opens,
            ).exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError(
                    _("Diese Öffnungszeit überschneidet sich mit einer anderen am selben Tag.")
                )


class Closure(models.Model):
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="closures", verbose_name=_("Büro")
    )
    starts_on = models.DateField(_("von"))
    ends_on = models.DateField(_("bis einschließlich"))
    reason = models.CharField(
        _("Grund"), max_length=120, help_text=_("z. B. Betriebsausflug, Renovierung")
    )

    class Meta:
        verbose_name = _("Schließtag")
        verbose_name_plural = _("Schließtage")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")),
                name="closure_starts_before_it_ends",
                violation_error_message=_("Der erste Schließtag muss vor dem letzten liegen."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.office}: {self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y} ({self.reason})"
